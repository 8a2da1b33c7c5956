//! Application state, the router and the server loop.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::Router;

use crate::{api, error, metrics, ops, pages};
use nuanxin_domain::account::PasswordPolicy;
use nuanxin_domain::region::Regions;
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::sessions::SessionPolicy;
use nuanxin_store::Db;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Mark cookies `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` and the scheme from
    /// `X-Forwarded-Proto` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// The address workers reach (checked by [`crate::base_url::parse`]):
    /// every QR code and link is built on it.
    pub public_base_url: Option<String>,
    /// What `/metrics` asks of callers other than loopback, as a bearer
    /// token; without one, only loopback may read it.
    pub metrics_token: Option<String>,
    /// Exact searches by ID number or phone per account per minute.
    pub exact_searches_per_minute: i64,
    pub password_policy: PasswordPolicy,
    pub session_policy: SessionPolicy,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            secure_cookies: false,
            trust_proxy: false,
            public_base_url: None,
            metrics_token: None,
            exact_searches_per_minute: 30,
            password_policy: PasswordPolicy::default(),
            session_policy: SessionPolicy::default(),
        }
    }
}

/// Shared by every request. One `Arc` around all of it: axum clones the
/// state into every extractor and middleware, and one reference count is
/// far cheaper under load than one per field.
#[derive(Clone)]
pub struct AppState(Arc<StateInner>);

pub struct StateInner {
    pub db: Db,
    pub config: AppConfig,
    pub sealer: Arc<Sealer>,
    /// Group commit for membership applications.
    pub applications: nuanxin_store::membership::ApplyQueue,
    /// Submissions per minute through each enrolment event's code.
    pub event_rate: crate::rate::EventRate,
    /// Exact searches by ID number or phone per account.
    pub search_rate: crate::rate::SearchRate,
    /// A worker's lookups of their own card, per address and per person.
    pub card_lookup_rate: crate::rate::CardLookupRate,
    /// Roster imports running or finished in this process.
    pub imports: crate::roster::jobs::RosterJobs,
    regions: RwLock<Arc<Regions>>,
}

impl std::ops::Deref for AppState {
    type Target = StateInner;

    fn deref(&self) -> &StateInner {
        &self.0
    }
}

impl AppState {
    pub async fn new(db: Db, config: AppConfig, sealer: Sealer) -> anyhow::Result<Self> {
        let regions = nuanxin_store::regions::load(&db).await?;
        Ok(AppState(Arc::new(StateInner {
            applications: nuanxin_store::membership::ApplyQueue::start(db.clone()),
            imports: crate::roster::jobs::RosterJobs::new(),
            event_rate: crate::rate::EventRate::default(),
            search_rate: crate::rate::SearchRate::default(),
            card_lookup_rate: crate::rate::CardLookupRate::default(),
            db,
            config,
            sealer: Arc::new(sealer),
            regions: RwLock::new(Arc::new(regions)),
        })))
    }

    /// The current region table (shipped plus imported streets).
    pub fn regions(&self) -> Arc<Regions> {
        self.regions.read().expect("regions lock").clone()
    }

    /// Reloads the region table after an import.
    pub async fn reload_regions(&self) -> anyhow::Result<()> {
        let fresh = nuanxin_store::regions::load(&self.db).await?;
        *self.regions.write().expect("regions lock") = Arc::new(fresh);
        Ok(())
    }
}

/// Security headers on every response: no framing, no sniffing, scripts and
/// styles only from this origin, nothing cached by default.
fn security_headers(r: Router) -> Router {
    let set = |name: header::HeaderName, v: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(v))
    };
    r.layer(set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    ))
    .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
    .layer(set(header::X_FRAME_OPTIONS, "DENY"))
    .layer(set(header::REFERRER_POLICY, "same-origin"))
    // Pages and answers hold personal data (the roll, a reveal, a worker's
    // card, a join form shown again with its ID number): no cache keeps
    // them unless a response says otherwise, as the static assets do.
    .layer(set(header::CACHE_CONTROL, "no-store"))
}

pub fn router(state: AppState) -> Router {
    let timeout = |secs| {
        TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(secs))
    };
    // Uploads of large rosters over slow links get more room and time.
    let uploads = crate::roster::pages::upload_routes()
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::roster::pages::MAX_UPLOAD_BYTES,
        ))
        .layer(RequestBodyLimitLayer::new(
            crate::roster::pages::MAX_UPLOAD_BYTES,
        ))
        .layer(timeout(600));
    let app = Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .layer(RequestBodyLimitLayer::new(2 * 1024 * 1024))
        .layer(timeout(60))
        .merge(uploads)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(crate::bare_errors::explain))
        // Probes answer machines in plain text, outside the error shaping.
        .merge(ops::routes().layer(timeout(60)))
        .with_state(state.clone());
    let app = security_headers(app);
    app.layer(axum::middleware::from_fn_with_state(state, metrics::track))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Serves until `shutdown` resolves, then lets open requests finish.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let purge_db = state.db.clone();
    let policy = state.config.session_policy;
    let purger = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = nuanxin_store::sessions::purge_expired(&purge_db, &policy).await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
        }
    });
    let upkeep = tokio::spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            metrics::upkeep();
        }
    });
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    purger.abort();
    upkeep.abort();
    Ok(())
}
