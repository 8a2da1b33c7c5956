//! The two backends behind one interface.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Decode, FromRow, Postgres, Sqlite, Type};

use crate::caches::Caches;
use crate::query::{Arg, Query};
use crate::{StoreError, StoreResult};

/// Creates `path` readable by its owner only (0600), or narrows an
/// existing one to that: it holds the workers' sealed ID numbers and
/// phones. SQLite gives its `-wal` and `-shm` files the database file's
/// permissions.
pub(crate) fn private_file(path: &Path) -> StoreResult<()> {
    let fail = |e: std::io::Error| StoreError::Internal(format!("{}: {e}", path.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    #[cfg(not(unix))]
    {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(fail)?;
    }
    Ok(())
}

/// SQLite page cache per connection, in KiB.
pub(crate) const SQLITE_CACHE_KIB: i64 = 32_768;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// A row type that decodes from either backend (`#[derive(sqlx::FromRow)]`).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single-column value that decodes from either backend.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Binds every [`Arg`] of a query to a sqlx query of either backend.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Bool(v) => q.bind(*v),
                Arg::Time(v) => q.bind(*v),
                Arg::Date(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_deref()),
            };
        }
        q
    }};
}

/// Runs a query on the pool of its backend: `$make` builds it from the
/// text (SQLite's, with anonymous parameters when it is large), `$finish`
/// runs it; `$after` turns each backend's own result into a common one.
macro_rules! on_pools {
    ($db:expr, $q:expr, $make:path, $finish:ident $(, $after:ident)?) => {
        match &$db.pools {
            Pools::Sqlite { reader, .. } => {
                let text = $q.sqlite_text();
                bind_args!($make(&text), &$q.args).$finish(reader).await? $(.$after())?
            }
            Pools::Postgres(p) => bind_args!($make(&$q.text), &$q.args).$finish(p).await? $(.$after())?,
        }
    };
}

/// [`on_pools`] inside a transaction.
macro_rules! on_tx {
    ($tx:expr, $q:expr, $make:path, $finish:ident $(, $after:ident)?) => {
        match $tx {
            Tx::Sqlite(t) => {
                let text = $q.sqlite_text();
                bind_args!($make(&text), &$q.args).$finish(&mut **t).await? $(.$after())?
            }
            Tx::Postgres(t) => bind_args!($make(&$q.text), &$q.args).$finish(&mut **t).await? $(.$after())?,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite:///path/to/nuanxin.db`, `sqlite:data/nuanxin.db` or `postgres://…`.
    pub url: String,
    /// PostgreSQL pool size, or the number of SQLite reader connections.
    pub max_connections: u32,
}

/// The database: SQLite with one writer connection and a pool of readers, or
/// a PostgreSQL pool.
#[derive(Clone)]
pub struct Db {
    pub(crate) pools: Pools,
    caches: Arc<Caches>,
    /// Large roster imports running now: the writer keeps their settings
    /// until the last one ends (`roster::write`).
    pub(crate) large_imports: Arc<tokio::sync::Mutex<usize>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Pools {
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pools.fmt(f)
    }
}

impl Db {
    fn new(pools: Pools) -> Db {
        Db {
            pools,
            caches: Arc::new(Caches::default()),
            large_imports: Arc::default(),
        }
    }

    /// What this process remembers of recent reads.
    pub(crate) fn caches(&self) -> &Caches {
        &self.caches
    }

    /// Opens the database named by the URL; the scheme picks the backend and
    /// an unknown scheme is an error, never a silent fallback.
    pub async fn connect(opts: &DbOptions) -> StoreResult<Db> {
        let url = opts.url.as_str();
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Db::open_sqlite(Path::new(path), opts.max_connections).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let o = PgConnectOptions::from_str(url)?;
            Db::open_postgres(o, opts.max_connections).await
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL scheme in {:?}: use sqlite:PATH or postgres://…",
                url.split(':').next().unwrap_or("")
            )))
        }
    }

    pub async fn open_sqlite(path: &Path, readers: u32) -> StoreResult<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Internal(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        private_file(path)?;
        let base = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"));
        // One writer: SQLite serialises writes anyway, and queueing them in
        // the pool instead of in SQLite's busy loop means no "database is
        // locked" ever reaches a user.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(base.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.pragma("query_only", "ON"))
            .await?;
        Ok(Db::new(Pools::Sqlite { writer, reader }))
    }

    pub async fn open_postgres(o: PgConnectOptions, max: u32) -> StoreResult<Db> {
        let pool = PgPoolOptions::new()
            .max_connections(max.max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(o)
            .await?;
        Ok(Db::new(Pools::Postgres(pool)))
    }

    pub fn backend(&self) -> Backend {
        match &self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the versioned migrations of this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pools {
            Pools::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await?,
            Pools::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> StoreResult<()> {
        let one: i64 = self.scalar(&Query::new("SELECT CAST(1 AS BIGINT)")).await?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// `(pool name, open connections, idle connections)` for metrics.
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match &self.pools {
            Pools::Sqlite { writer, reader } => vec![
                ("sqlite_writer", writer.size(), writer.num_idle()),
                ("sqlite_reader", reader.size(), reader.num_idle()),
            ],
            Pools::Postgres(p) => vec![("postgres", p.size(), p.num_idle())],
        }
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }

    /// Starts a write transaction (on SQLite, on the single writer).
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite { writer, .. } => Tx::Sqlite(writer.begin().await?),
            Pools::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn fetch_all<T: Record>(&self, q: &Query) -> StoreResult<Vec<T>> {
        q.debug_check();
        Ok(on_pools!(self, q, sqlx::query_as::<_, T>, fetch_all))
    }

    pub async fn fetch_optional<T: Record>(&self, q: &Query) -> StoreResult<Option<T>> {
        q.debug_check();
        Ok(on_pools!(self, q, sqlx::query_as::<_, T>, fetch_optional))
    }

    pub async fn scalar<T: Scalar>(&self, q: &Query) -> StoreResult<T> {
        q.debug_check();
        Ok(on_pools!(self, q, sqlx::query_scalar::<_, T>, fetch_one))
    }

    /// Runs one statement outside a transaction, on the writer.
    pub async fn execute(&self, q: &Query) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n = tx.execute(q).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Where a query runs: on the pools (`&Db`) or inside a transaction
/// (`&mut Tx`). A store function that reads one record takes `impl Run`,
/// so the same function serves a plain read and a check inside a write,
/// instead of a `get` and a `get_in_tx` that could drift apart.
pub trait Run: Send {
    fn fetch_all<T: Record>(
        &mut self,
        q: &Query,
    ) -> impl std::future::Future<Output = StoreResult<Vec<T>>> + Send;
    fn fetch_optional<T: Record>(
        &mut self,
        q: &Query,
    ) -> impl std::future::Future<Output = StoreResult<Option<T>>> + Send;
    fn scalar<T: Scalar>(
        &mut self,
        q: &Query,
    ) -> impl std::future::Future<Output = StoreResult<T>> + Send;
}

impl Run for &Db {
    async fn fetch_all<T: Record>(&mut self, q: &Query) -> StoreResult<Vec<T>> {
        Db::fetch_all(self, q).await
    }
    async fn fetch_optional<T: Record>(&mut self, q: &Query) -> StoreResult<Option<T>> {
        Db::fetch_optional(self, q).await
    }
    async fn scalar<T: Scalar>(&mut self, q: &Query) -> StoreResult<T> {
        Db::scalar(self, q).await
    }
}

impl Run for &mut Tx {
    async fn fetch_all<T: Record>(&mut self, q: &Query) -> StoreResult<Vec<T>> {
        Tx::fetch_all(self, q).await
    }
    async fn fetch_optional<T: Record>(&mut self, q: &Query) -> StoreResult<Option<T>> {
        Tx::fetch_optional(self, q).await
    }
    async fn scalar<T: Scalar>(&mut self, q: &Query) -> StoreResult<T> {
        Tx::scalar(self, q).await
    }
}

/// A write transaction. Dropping it without [`Tx::commit`] rolls it back, so
/// an early `?` return never leaves half a change behind.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn execute(&mut self, q: &Query) -> StoreResult<u64> {
        q.debug_check();
        Ok(on_tx!(self, q, sqlx::query, execute, rows_affected))
    }

    pub async fn fetch_all<T: Record>(&mut self, q: &Query) -> StoreResult<Vec<T>> {
        q.debug_check();
        Ok(on_tx!(self, q, sqlx::query_as::<_, T>, fetch_all))
    }

    pub async fn fetch_optional<T: Record>(&mut self, q: &Query) -> StoreResult<Option<T>> {
        q.debug_check();
        Ok(on_tx!(self, q, sqlx::query_as::<_, T>, fetch_optional))
    }

    pub async fn scalar<T: Scalar>(&mut self, q: &Query) -> StoreResult<T> {
        q.debug_check();
        Ok(on_tx!(self, q, sqlx::query_scalar::<_, T>, fetch_one))
    }

    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}
