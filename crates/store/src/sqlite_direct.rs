//! Bulk writes on SQLite straight through a transaction's connection.
//!
//! sqlx runs each SQLite connection on a worker thread and hands every
//! statement's arguments to it, and its result back, across a channel: two
//! thread switches and a copy of every bound value per statement. For the
//! hundreds of thousands of one-row inserts of a roster import that was as
//! much work as SQLite's own. [`Tx::sqlite_direct`] instead locks the
//! connection (sqlx's `lock_handle`, made for this) and lends it, inside the
//! same transaction, to rusqlite, which prepares once and binds borrowed
//! values in place.

use std::borrow::Cow;
use std::fmt;

use sqlx::error::{DatabaseError, ErrorKind};

use crate::db::Tx;
use crate::error::{StoreError, StoreResult};

impl Tx {
    /// SQLite only: runs `work` on this transaction's connection. Its writes
    /// belong to the transaction, commit with it and roll back with it.
    ///
    /// `work` runs on the calling thread; on a multi-threaded runtime the
    /// thread's other tasks move elsewhere while it runs.
    pub(crate) async fn sqlite_direct<R>(
        &mut self,
        work: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<R>,
    ) -> StoreResult<R> {
        let Tx::Sqlite(t) = self else {
            return Err(StoreError::Internal(
                "a direct SQLite write on another database".into(),
            ));
        };
        let mut handle = t.lock_handle().await?;
        let raw = handle.as_raw_handle().as_ptr();
        let run = || {
            // SAFETY: `handle` holds sqlx's lock on this open connection for
            // as long as `conn` lives, so nothing else uses it meanwhile;
            // `from_handle` borrows it and never closes it, and dropping
            // `conn` finalizes the statements it prepared before the lock
            // is released. (With rusqlite's `hooks` feature, dropping it
            // would also clear hooks sqlx set: keep that feature off.)
            let conn = unsafe { rusqlite::Connection::from_handle(raw) }?;
            let result = work(&conn);
            drop(conn);
            result
        };
        let result = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(run),
            _ => run(),
        };
        drop(handle);
        result.map_err(|e| match e {
            // What SQLite refused (a constraint, a busy database) is told
            // as any database error; anything else is this code's fault.
            rusqlite::Error::SqliteFailure(..) => {
                StoreError::Database(sqlx::Error::Database(Box::new(DirectError(e))))
            }
            other => StoreError::Internal(format!("direct SQLite write: {other}")),
        })
    }
}

/// A timestamp as sqlx writes it to SQLite, so rows written directly sort
/// and parse like every other (a test holds the two together).
pub(crate) fn timestamp_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// A rusqlite error told as a database error, so callers check it as they
/// check any other (`is_unique_violation`).
#[derive(Debug)]
struct DirectError(rusqlite::Error);

impl fmt::Display for DirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DirectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl DirectError {
    fn extended_code(&self) -> Option<i32> {
        match &self.0 {
            rusqlite::Error::SqliteFailure(e, _) => Some(e.extended_code),
            _ => None,
        }
    }
}

impl DatabaseError for DirectError {
    fn message(&self) -> &str {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => message,
            _ => "SQLite error",
        }
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        self.extended_code().map(|c| Cow::Owned(c.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        use rusqlite::ffi;
        match self.extended_code() {
            Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
                ErrorKind::UniqueViolation
            }
            Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => ErrorKind::ForeignKeyViolation,
            Some(ffi::SQLITE_CONSTRAINT_NOTNULL) => ErrorKind::NotNullViolation,
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, Query};

    #[tokio::test]
    async fn timestamps_written_directly_match_what_sqlx_writes() {
        let dir = std::env::temp_dir().join(format!("nuanxin-direct-{}", std::process::id()));
        let db = Db::open_sqlite(&dir.join("t.db"), 1).await.unwrap();
        db.execute(&Query::new("CREATE TABLE t (at TEXT)"))
            .await
            .unwrap();
        for at in [
            chrono::Utc::now(),
            chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            chrono::DateTime::from_timestamp(1_700_000_000, 120_000_000).unwrap(),
        ] {
            db.execute(&Query::new("DELETE FROM t")).await.unwrap();
            db.execute(&Query::new("INSERT INTO t (at) VALUES ($1)").bind(at))
                .await
                .unwrap();
            let stored: String = db.scalar(&Query::new("SELECT at FROM t")).await.unwrap();
            assert_eq!(stored, timestamp_text(at));
        }
        db.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
