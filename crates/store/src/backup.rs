//! Consistent copies of the embedded database.

use std::path::Path;

use crate::{Db, Query, StoreError, StoreResult};

/// Writes a consistent copy of the SQLite database to `dest` while the server
/// keeps running (`VACUUM INTO`), then checks the copy with `integrity_check`.
/// PostgreSQL deployments use `pg_dump` (see the README).
pub async fn sqlite_backup(db: &Db, dest: &Path) -> StoreResult<()> {
    let crate::db::Pools::Sqlite { writer, .. } = &db.pools else {
        return Err(StoreError::Internal(
            "backup makes copies of the embedded SQLite database; for PostgreSQL use pg_dump (see the README)".into(),
        ));
    };
    if dest.exists() {
        return Err(StoreError::Internal(format!(
            "{} already exists",
            dest.display()
        )));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Internal(format!("{}: {e}", dir.display())))?;
    }
    let dest_str = dest
        .to_str()
        .ok_or_else(|| StoreError::Internal("backup path is not UTF-8".into()))?;
    // An empty file made 0600 first: VACUUM INTO writes into an existing
    // empty file and keeps its permissions, so the copy is never readable
    // by others, not even while it is written.
    crate::db::private_file(dest)?;
    sqlx::query("VACUUM INTO $1")
        .bind(dest_str)
        .execute(writer)
        .await?;
    let copy = Db::open_sqlite(dest, 1).await?;
    let verdict: String = copy.scalar(&Query::new("PRAGMA integrity_check")).await?;
    copy.close().await;
    if verdict != "ok" {
        return Err(StoreError::Internal(format!(
            "the backup failed its integrity check: {verdict}"
        )));
    }
    Ok(())
}
