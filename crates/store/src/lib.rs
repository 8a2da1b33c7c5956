//! The only crate that knows SQL. One query codebase runs on SQLite (the
//! embedded default) and PostgreSQL (for scale): queries are written once as
//! [`Query`] values with `$n` placeholders and run on either backend by [`Db`].
//! The one exception is the roster import's bulk insert on SQLite, which
//! runs on the same transaction through rusqlite (see `sqlite_direct`).

pub mod accounts;
pub mod audit;
pub mod backup;
mod caches;
pub mod csv_lines;
mod db;
mod error;
pub mod membership;
pub mod orgs;
pub mod platform_keys;
mod query;
pub mod regions;
pub mod roster;
pub mod routing;
mod scope;
pub mod sensitive;
pub mod sessions;
mod sqlite_direct;
mod switch_off;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use caches::RECHECK_AFTER;
pub use db::{Backend, Db, DbOptions, Run, Tx};
pub use error::{StoreError, StoreResult};
pub use query::{Arg, Query};
pub use scope::{Actor, Scope};
