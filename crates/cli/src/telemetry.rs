//! Logging: `tracing` events to stderr, as text or JSON lines. Stderr keeps
//! stdout for what a command prints on purpose (the listening address,
//! one-time passwords, import reports).

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::error::UserError;

/// Installs the global subscriber. `filter` takes `RUST_LOG` syntax
/// (`info`, `info,sqlx=warn`, `nuanxin_store=debug`).
pub fn init(format: LogFormat, filter: &str) -> Result<(), UserError> {
    let filter = EnvFilter::try_new(filter)
        .map_err(|e| UserError::new(format!("log level {filter:?} is not a valid filter: {e}")))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only on a terminal, never as escape codes in a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // A second call (tests running commands in one process) keeps the
    // first subscriber; that is not an error worth stopping for.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_filter_is_a_user_error() {
        assert!(init(LogFormat::Text, "info,sqlx=loud").is_err());
    }
}
