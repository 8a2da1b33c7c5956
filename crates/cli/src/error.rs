//! Which failures are the user's doing (exit code 2, one clear line) and
//! which are the system's (exit code 1, with the cause chain).

use std::fmt;

use nuanxin_domain::{FieldError, ValidationErrors};
use nuanxin_store::StoreError;
use nuanxin_web::i18n::{Lang, Tr};

/// A mistake in the command line, the configuration or an input file: the
/// message says what to change. Never a panic, never a backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError(pub String);

impl UserError {
    pub fn new(msg: impl Into<String>) -> Self {
        UserError(msg.into())
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Shorthand for returning a [`UserError`] from an `anyhow` function.
pub fn user_error(msg: impl Into<String>) -> anyhow::Error {
    UserError::new(msg).into()
}

/// Exit code for usage and input mistakes, as clap uses for bad flags.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for failures of the system (database down, disk full, …).
pub const EXIT_FAILURE: u8 = 1;

/// `field: English message（中文说明）`: operators read either language.
pub fn describe_field_error(e: &FieldError) -> String {
    let (en, zh) = (Tr { lang: Lang::En }, Tr { lang: Lang::Zh });
    format!("{}: {}（{}）", e.field, en.error(e), zh.error(e))
}

pub fn describe_validation(errors: &ValidationErrors) -> String {
    errors
        .0
        .iter()
        .map(describe_field_error)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The exit code and the one-line message for an error that ended a command.
pub fn classify(e: &anyhow::Error) -> (u8, String) {
    if let Some(u) = e.downcast_ref::<UserError>() {
        return (EXIT_USAGE, u.0.clone());
    }
    // Store errors caused by the input are user mistakes too; they may sit
    // under context added on the way up, so look through the whole chain.
    for cause in e.chain() {
        if let Some(se) = cause.downcast_ref::<StoreError>() {
            let msg = match se {
                StoreError::Validation(v) => Some(describe_validation(v)),
                StoreError::Conflict(f) => Some(describe_field_error(f)),
                StoreError::NotFound => Some("not found".to_string()),
                StoreError::Forbidden => Some("not allowed".to_string()),
                StoreError::Config(m) => Some(m.clone()),
                _ => None,
            };
            if let Some(m) = msg {
                let outer = e.to_string();
                let line = if outer == se.to_string() {
                    m
                } else {
                    format!("{outer}: {m}")
                };
                return (EXIT_USAGE, line);
            }
        }
        if let Some(u) = cause.downcast_ref::<UserError>() {
            return (EXIT_USAGE, u.0.clone());
        }
    }
    (EXIT_FAILURE, format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn user_errors_exit_2_with_their_message() {
        let (code, msg) = classify(&user_error("no such file: x.csv"));
        assert_eq!(code, 2);
        assert_eq!(msg, "no such file: x.csv");
    }

    #[test]
    fn store_validation_errors_are_user_errors_even_under_context() {
        let fe = FieldError::new("password", "password.policy")
            .with("min_length", 12)
            .with("min_classes", 3);
        let e =
            anyhow::Error::from(StoreError::from(fe)).context("cannot set the password of alice");
        let (code, msg) = classify(&e);
        assert_eq!(code, 2);
        assert_eq!(
            msg,
            "cannot set the password of alice: password: a password has at least 12 characters \
             (at most 128) from at least 3 of: upper case, lower case, digits, symbols\
             （密码至少 12 位（最多 128 位），并包含大写字母、小写字母、数字、符号中的至少 3 类）"
        );
    }

    #[test]
    fn system_errors_exit_1_with_the_cause_chain() {
        let e: anyhow::Result<()> =
            Err(StoreError::Internal("disk full".into())).context("backup failed");
        let (code, msg) = classify(&e.unwrap_err());
        assert_eq!(code, 1);
        assert!(
            msg.contains("backup failed") && msg.contains("disk full"),
            "{msg}"
        );
    }
}
