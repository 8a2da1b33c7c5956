//! `nuanxin backup`: a consistent copy of the SQLite database, taken while
//! the server runs. PostgreSQL has its own tool for this.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use nuanxin_domain::time::china;

use crate::cli::BackupArgs;
use crate::config::Settings;
use crate::database::{self, Target};
use crate::error::user_error;

/// `<data-dir>/backups/nuanxin-YYYYmmdd-HHMMSS.db`, in China Standard Time
/// like every time the operators see.
pub fn default_path(settings: &Settings) -> PathBuf {
    let stamp = Utc::now().with_timezone(&china()).format("%Y%m%d-%H%M%S");
    settings
        .data_dir
        .join("backups")
        .join(format!("nuanxin-{stamp}.db"))
}

pub async fn run(settings: &Settings, args: &BackupArgs) -> anyhow::Result<()> {
    match database::target(&settings.database_url)? {
        Target::Postgres => {
            return Err(user_error(
                "backup copies the embedded SQLite database; for PostgreSQL use pg_dump, \
                 e.g. pg_dump --format=custom --file=nuanxin.dump \"$NUANXIN_DATABASE_URL\"",
            ))
        }
        Target::Sqlite(path) if !path.exists() => {
            return Err(user_error(format!(
                "there is no database at {}: nothing to back up",
                path.display()
            )));
        }
        Target::Sqlite(_) => {}
    }
    let out = args.out.clone().unwrap_or_else(|| default_path(settings));
    if out.exists() {
        return Err(user_error(format!(
            "{} already exists; choose another --out",
            out.display()
        )));
    }
    let db = database::open(settings, false).await?;
    let result = nuanxin_store::backup::sqlite_backup(&db, &out).await;
    db.close().await;
    result.with_context(|| format!("the backup to {} failed", out.display()))?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backup written to {} ({size} bytes), integrity checked.",
        out.display()
    );
    Ok(())
}
