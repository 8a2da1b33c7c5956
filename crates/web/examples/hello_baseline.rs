//! Baselines for HTTP benchmarks, on the same runtime settings as the real
//! server: `/hello`, a bare axum JSON hello-world, and `/insert`, one row
//! inserted per request into an embedded SQLite database through the same
//! store layer (WAL, synchronous=FULL, one writer).
//!
//! `cargo run --release -p nuanxin-web --example hello_baseline -- 127.0.0.1:8091`

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use nuanxin_store::{Db, Query};

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8091".into());
    let dir = std::env::temp_dir().join(format!("nuanxin-baseline-{}", std::process::id()));
    let db = Db::open_sqlite(&dir.join("baseline.db"), 4)
        .await
        .expect("open sqlite");
    db.execute(&Query::new(
        "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at TEXT NOT NULL)",
    ))
    .await
    .expect("table");
    let app = Router::new()
        .route(
            "/hello",
            get(|| async { Json(serde_json::json!({ "hello": "world" })) }),
        )
        .route("/insert", post(insert))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("baseline listening on http://{addr}/hello and /insert");
    axum::serve(listener, app).await.expect("serve");
}

async fn insert(State(db): State<Db>, body: String) -> StatusCode {
    let q = Query::new("INSERT INTO t (v, at) VALUES ($1, $2)")
        .bind(body)
        .bind(chrono::Utc::now());
    match db.execute(&q).await {
        Ok(_) => StatusCode::CREATED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
