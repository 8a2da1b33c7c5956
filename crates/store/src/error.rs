use nuanxin_domain::{FieldError, ValidationErrors};

/// What a store function can fail with. Everything but `Database`,
/// `Migrate`, `Config` and `Internal` is the caller's doing and maps to a 4xx
/// answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Missing, or outside the caller's scope: the two are indistinguishable
    /// on purpose, so scope never leaks whether a record exists.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    #[error("conflict: {0}")]
    Conflict(FieldError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The operator's setting is wrong (a database URL, a secret key): the
    /// CLI reports it as a usage error, never as a crash.
    #[error("configuration error: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<FieldError> for StoreError {
    fn from(e: FieldError) -> Self {
        StoreError::Validation(e.into())
    }
}

impl From<ValidationErrors> for StoreError {
    fn from(e: ValidationErrors) -> Self {
        StoreError::Validation(e)
    }
}

/// A unique index, as each backend names it when it is violated:
/// PostgreSQL by the index's name, SQLite by its table and columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unique {
    pub index: &'static str,
    /// `table.column`, comma-separated in index order, as SQLite reports them.
    pub columns: &'static str,
}

pub(crate) const ORGS_USCC: Unique = Unique {
    index: "orgs_uscc",
    columns: "orgs.uscc",
};
pub(crate) const ACCOUNTS_USERNAME: Unique = Unique {
    index: "accounts_username",
    columns: "accounts.username",
};
pub(crate) const TRANSFERS_OPEN: Unique = Unique {
    index: "transfers_open",
    columns: "transfers.member_id",
};
pub(crate) const MEMBERS_PERSON: Unique = Unique {
    index: "members_person_once",
    columns: "members.person_key, members.closed_seq",
};
pub(crate) const MEMBER_REQUESTS_OPEN: Unique = Unique {
    index: "member_requests_open",
    columns: "member_requests.member_id, member_requests.kind",
};

/// Whether `e` violates exactly this unique index: a clash on another one
/// (an organisation's path, say) is not this conflict and stays an error.
pub(crate) fn violates(e: &StoreError, u: Unique) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            db.constraint() == Some(u.index)
                || db
                    .message()
                    .strip_prefix("UNIQUE constraint failed: ")
                    .is_some_and(|cols| cols == u.columns)
        }
        _ => false,
    }
}

/// Turns a violation of the unique index `u` into `conflict`; anything else
/// passes through.
pub(crate) fn unique_as_conflict(e: StoreError, u: Unique, conflict: FieldError) -> StoreError {
    if violates(&e, u) {
        StoreError::Conflict(conflict)
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use crate::Query;

    fn org(path: &str, uscc: &str) -> Query {
        Query::new(
            "INSERT INTO orgs (parent_id, path, depth, kind, name, region_code, industry, uscc, status, founded_on, created_at, updated_at)
             VALUES (NULL, $1, 0, 'city', 'x', '320100', NULL, $2, 'founded', NULL, $3, $3)",
        )
        .bind(path)
        .bind(uscc)
        .bind(chrono::Utc::now())
    }

    #[tokio::test]
    async fn a_unique_violation_is_told_by_its_index() {
        for t in TestDb::all().await {
            let db = &t.db;
            db.execute(&org("/1/", "81320100MA1XXXXX1A")).await.unwrap();
            let same_code = db
                .execute(&org("/2/", "81320100MA1XXXXX1A"))
                .await
                .unwrap_err();
            assert!(violates(&same_code, ORGS_USCC), "{}: {same_code:?}", t.name);
            // Another index's clash is not a duplicate credit code.
            let same_path = db
                .execute(&org("/1/", "81320100MA1XXXXX2B"))
                .await
                .unwrap_err();
            assert!(!violates(&same_path, ORGS_USCC), "{}", t.name);
            assert!(matches!(
                unique_as_conflict(same_path, ORGS_USCC, FieldError::new("uscc", "uscc.taken")),
                StoreError::Database(_)
            ));
        }
    }
}
