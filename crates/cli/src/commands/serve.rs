//! `nuanxin serve`: migrate, load the key, optionally the demo city, then
//! serve until Ctrl-C or SIGTERM and let open requests finish.

use anyhow::Context;
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::StoreError;
use nuanxin_web::AppState;

use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::database;
use crate::demo::{self, load_demo, DEFAULT_ORGS, DEFAULT_SEED};
use crate::error::UserError;

pub async fn run(settings: &Settings, args: &ServeArgs) -> anyhow::Result<()> {
    let db = database::open(settings, true).await?;
    let sealer = sealer(settings)?;
    if args.demo {
        if demo::org_count(&db).await? == 0 {
            let summary = load_demo(&db, DEFAULT_ORGS, DEFAULT_SEED).await?;
            super::demo::print_summary(&summary);
            let members =
                demo::members::load(&db, &sealer, DEFAULT_SEED, demo::members::DEFAULT_MEMBERS)
                    .await?;
            super::demo::print_members(&members);
        } else {
            tracing::info!("the database already has organisations; --demo loads nothing");
        }
    }
    let state = AppState::new(db.clone(), settings.app_config(), sealer).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    // Scripts and tests wait for this line (and read the port from it
    // when listening on port 0).
    println!("Nuanxin listening on http://{addr}");
    tracing::info!(%addr, database = %database::redact(&settings.database_url), "serving");
    let result = nuanxin_web::serve(state, listener, shutdown_signal()).await;
    db.close().await;
    tracing::info!("stopped");
    result
}

/// The configured key, or the key file in the data directory (created on
/// first start).
pub fn sealer(settings: &Settings) -> anyhow::Result<Sealer> {
    match &settings.secret_key {
        Some(key) => Sealer::from_hex(&key.0).map_err(|e| {
            let why = match e {
                StoreError::Internal(m) => m,
                other => other.to_string(),
            };
            UserError::new(format!("secret_key (NUANXIN_SECRET_KEY): {why}")).into()
        }),
        None => {
            let path = settings.key_file();
            Sealer::load_or_create(&path)
                .with_context(|| format!("cannot load the secret key {}", path.display()))
        }
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutdown requested; finishing open requests");
}
