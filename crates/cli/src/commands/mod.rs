//! One module per subcommand.

pub mod backup;
pub mod demo;
pub mod healthcheck;
pub mod import;
pub mod migrate;
pub mod serve;
pub mod user;
