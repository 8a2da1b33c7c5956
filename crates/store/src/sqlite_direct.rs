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
            // is released.
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
        result.map_err(|e| StoreError::Database(sqlx::Error::Database(Box::new(DirectError(e)))))
    }
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
