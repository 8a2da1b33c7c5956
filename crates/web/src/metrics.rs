//! Prometheus metrics: requests, latency, errors and the database pool.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
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

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> Response {
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
