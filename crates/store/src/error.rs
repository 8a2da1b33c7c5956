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

/// Turns a unique-constraint violation into a conflict on `field`.
pub(crate) fn unique_as_conflict(e: StoreError, conflict: FieldError) -> StoreError {
    if let StoreError::Database(sqlx::Error::Database(db)) = &e {
        if db.is_unique_violation() {
            return StoreError::Conflict(conflict);
        }
    }
    e
}
