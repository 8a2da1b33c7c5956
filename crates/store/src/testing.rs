//! Fresh databases for tests: SQLite always, PostgreSQL when
//! `NUANXIN_TEST_DATABASE_URL` is set (each test in its own schema).

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor};

use crate::sessions::random_token;
use crate::Db;

pub const TEST_DATABASE_URL: &str = "NUANXIN_TEST_DATABASE_URL";

/// A migrated, empty database that removes itself when dropped.
pub struct TestDb {
    pub db: Db,
    pub name: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Schema { url: String, schema: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("nuanxin-test-{}", random_token()));
        let db = Db::open_sqlite(&dir.join("nuanxin.db"), 4)
            .await
            .expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            name: "sqlite",
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// `None` when no test PostgreSQL is configured.
    pub async fn postgres() -> Option<TestDb> {
        let url = std::env::var(TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.is_empty())?;
        // `t_<unix seconds>_<random>`: the time lets a later run drop the
        // schemas of test processes that exited before their cleanup ran.
        let now = chrono::Utc::now().timestamp();
        let random: String = random_token()
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(12)
            .collect();
        let schema = format!("t_{now}_{random}");
        let mut admin = sqlx::PgConnection::connect(&url)
            .await
            .expect("connect to NUANXIN_TEST_DATABASE_URL");
        drop_stale_schemas(&mut admin, now - 3600).await;
        admin
            .execute(format!("CREATE SCHEMA {schema}").as_str())
            .await
            .expect("create schema");
        admin.close().await.ok();
        let opts = PgConnectOptions::from_str(&url)
            .expect("postgres url")
            .options([("search_path", schema.as_str())]);
        let db = Db::open_postgres(opts, 8).await.expect("open postgres");
        db.migrate().await.expect("migrate postgres");
        Some(TestDb {
            db,
            name: "postgres",
            cleanup: Cleanup::Schema { url, schema },
        })
    }

    /// SQLite, and PostgreSQL when configured: every store test runs on each.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite().await];
        v.extend(TestDb::postgres().await);
        v
    }
}

/// Drops test schemas created before `before` (unix seconds).
async fn drop_stale_schemas(admin: &mut sqlx::PgConnection, before: i64) {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT nspname::TEXT FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let created = name.split('_').nth(1).and_then(|t| t.parse::<i64>().ok());
        if created.is_some_and(|t| t < before) {
            let _ = admin
                .execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str())
                .await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop runs inside the test's runtime, which may still owe a
                // rollback on a pooled connection (and so hold a lock): drop
                // the schema from a detached thread that waits its turn
                // rather than blocking the runtime that would release it.
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        for _ in 0..20 {
                            if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
                                let _ = c.execute("SET lock_timeout = '1s'").await;
                                let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                                if c.execute(sql.as_str()).await.is_ok() {
                                    return Some(());
                                }
                            }
                            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        }
                        None
                    })
                });
            }
        }
    }
}

/// Moves a session's clocks into the past: for tests of the timeouts.
pub async fn age_session(
    db: &Db,
    token: &str,
    created_ago: chrono::Duration,
    seen_ago: chrono::Duration,
) -> crate::StoreResult<()> {
    let now = chrono::Utc::now();
    db.execute(
        &crate::Query::new("UPDATE sessions SET created_at = $1, last_seen_at = $2 WHERE id = $3")
            .bind(now - created_ago)
            .bind(now - seen_ago)
            .bind(crate::sessions::token_hash(token)),
    )
    .await?;
    db.caches().forget();
    Ok(())
}
