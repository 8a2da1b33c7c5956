//! Opening the database named by the settings.

use std::path::PathBuf;

use anyhow::Context;
use nuanxin_store::{Db, DbOptions};

use crate::config::Settings;
use crate::error::UserError;

/// Where a database URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres,
}

/// The scheme picks the backend; anything else is refused here, as a user
/// error, before the store sees it.
pub fn target(url: &str) -> Result<Target, UserError> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if path.is_empty() {
            return Err(UserError::new(
                "the database URL sqlite: needs a path, e.g. sqlite:data/nuanxin.db",
            ));
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Target::Postgres)
    } else {
        Err(UserError::new(format!(
            "unsupported database URL {}: use sqlite:PATH or postgres://USER@HOST/DB",
            redact(url)
        )))
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Opens the database, applying migrations when asked (every command that
/// writes does, so a fresh data directory just works).
pub async fn open(settings: &Settings, migrate: bool) -> anyhow::Result<Db> {
    target(&settings.database_url)?;
    let opts = DbOptions {
        url: settings.database_url.clone(),
        max_connections: settings.max_connections,
    };
    let shown = redact(&settings.database_url);
    let db = Db::connect(&opts)
        .await
        .with_context(|| format!("cannot open the database {shown}"))?;
    if migrate {
        db.migrate()
            .await
            .with_context(|| format!("cannot apply the migrations to {shown}"))?;
        tracing::debug!(database = %shown, "migrations applied");
    }
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(
            target("sqlite:data/nuanxin.db").unwrap(),
            Target::Sqlite("data/nuanxin.db".into())
        );
        assert_eq!(
            target("sqlite:///var/lib/nx.db").unwrap(),
            Target::Sqlite("/var/lib/nx.db".into())
        );
        assert_eq!(target("postgres://u@h/db").unwrap(), Target::Postgres);
        assert_eq!(target("postgresql://u@h/db").unwrap(), Target::Postgres);
        let e = target("mysql://root:hunter2@h/db").unwrap_err();
        assert!(
            e.0.contains("mysql://root:***@h/db") && !e.0.contains("hunter2"),
            "{}",
            e.0
        );
        assert!(target("sqlite:").is_err());
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("postgres://nx:secret@db:5432/nx"),
            "postgres://nx:***@db:5432/nx"
        );
        assert_eq!(redact("postgres://nx@db/nx"), "postgres://nx@db/nx");
        assert_eq!(redact("sqlite:data/nuanxin.db"), "sqlite:data/nuanxin.db");
    }
}
