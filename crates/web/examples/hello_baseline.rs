//! The baseline for HTTP benchmarks: a bare axum JSON hello-world on the same
//! runtime settings as the real server.
//!
//! `cargo run --release -p nuanxin-web --example hello_baseline -- 127.0.0.1:8091`

use axum::routing::get;
use axum::{Json, Router};

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8091".into());
    let app = Router::new().route(
        "/hello",
        get(|| async { Json(serde_json::json!({ "hello": "world" })) }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("baseline listening on http://{addr}/hello");
    axum::serve(listener, app).await.expect("serve");
}
