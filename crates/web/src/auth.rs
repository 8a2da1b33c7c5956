//! Who is calling: the session cookie (console and API) or a bearer token
//! (API scripts), CSRF checks, and the client address. The console's own
//! extractors, which answer with pages, build on these in `pages`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use nuanxin_store::sessions::{self, Session};

use crate::error::ApiError;
use crate::http::{client_ip, cookie, same_secret};
use crate::AppState;

pub const SESSION_COOKIE: &str = "nx_session";
/// Double-submit token of the login form, before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "nx_login";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

pub(crate) struct Resolved {
    pub session: Session,
    pub token: String,
    pub via_cookie: bool,
}

pub(crate) async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<Resolved>, ApiError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let (token, via_cookie) = match bearer {
        Some(t) => (t, false),
        None => match cookie(&parts.headers, SESSION_COOKIE) {
            Some(t) => (t, true),
            None => return Ok(None),
        },
    };
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let ip = client_ip(parts, state.config.trust_proxy);
    let session = sessions::lookup(
        &state.db,
        &token,
        &state.config.session_policy,
        ip.as_deref(),
    )
    .await?;
    Ok(session.map(|session| Resolved {
        session,
        token,
        via_cookie,
    }))
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// An authenticated API caller. Cookie-authenticated writes must carry the
/// session's CSRF token in `X-CSRF-Token`; bearer calls need none.
pub struct ApiUser {
    pub session: Session,
    pub token: String,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let r = resolve(parts, state)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if r.via_cookie && is_unsafe(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, &r.session.csrf) {
                return Err(ApiError::csrf());
            }
        }
        if r.session.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password.change_required",
            ));
        }
        Ok(ApiUser {
            session: r.session,
            token: r.token,
        })
    }
}

/// All that an account whose password someone else set may reach before
/// choosing its own: the session itself and the change.
pub(crate) const PASSWORD_CHANGE_PATHS: [&str; 4] = [
    "/api/v1/session",
    "/api/v1/session/password",
    "/console/password",
    "/logout",
];

/// The client's address as the audit trail records it.
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state.config.trust_proxy)))
    }
}
