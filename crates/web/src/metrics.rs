//! Prometheus metrics: requests, latency, errors and the database pool.

use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// The process-wide recorder (the `metrics` facade has one global recorder).
fn handle() -> &'static PrometheusHandle {
    static H: OnceLock<PrometheusHandle> = OnceLock::new();
    H.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
                ],
            )
            .expect("buckets")
            .install_recorder()
            .expect("one metrics recorder per process")
    })
}

/// Folds the latency samples recorded since the last call into their
/// buckets. The exporter keeps every sample until then, so a server nobody
/// scrapes must still call this regularly or its memory grows with every
/// request.
pub fn upkeep() {
    handle().run_upkeep();
}

pub async fn track(State(_): State<AppState>, req: Request, next: Next) -> Response {
    handle();
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [
        ("method", method.clone()),
        ("route", route.clone()),
        ("status", status),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!(
        "http_request_duration_seconds",
        &[("method", method), ("route", route.clone())]
    )
    .record(start.elapsed().as_secs_f64());
    if res.status().is_server_error() {
        metrics::counter!("http_server_errors_total", "route" => route).increment(1);
    }
    res
}

/// Who may read `/metrics`: a caller on loopback that came through no
/// proxy (a proxy on the same machine connects from loopback too, and says
/// so with `X-Forwarded-For` or `Forwarded`), or anyone with the configured
/// bearer token. The counters tell how busy each page is and how many
/// logins fail: nothing for the street.
fn may_read(peer: Option<IpAddr>, headers: &HeaderMap, token: Option<&str>) -> bool {
    let proxied =
        headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
    if peer.is_some_and(|ip| ip.is_loopback()) && !proxied {
        return true;
    }
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    matches!((token, sent), (Some(t), Some(s)) if crate::http::same_secret(s.trim(), t))
}

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>, parts: axum::http::request::Parts) -> Response {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !may_read(peer, &parts.headers, state.config.metrics_token.as_deref()) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to loopback, or with the configured token as Authorization: Bearer\n",
        )
            .into_response();
    }
    for (pool, size, idle) in state.db.pool_stats() {
        metrics::gauge!("db_pool_connections", "pool" => pool).set(f64::from(size));
        metrics::gauge!("db_pool_idle_connections", "pool" => pool).set(idle as f64);
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        handle().render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_for_loopback_or_the_token() {
        let local = Some(IpAddr::from([127, 0, 0, 1]));
        let remote = Some(IpAddr::from([203, 0, 113, 9]));
        let none = HeaderMap::new();
        assert!(may_read(local, &none, None));
        assert!(!may_read(remote, &none, None));
        assert!(!may_read(None, &none, Some("s3cret")));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert!(!may_read(local, &proxied, None), "through a local proxy");
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(may_read(remote, &bearer, Some("s3cret")));
        assert!(!may_read(remote, &bearer, Some("other")));
        assert!(!may_read(remote, &bearer, None), "no token configured");
    }
}
