//! The `nuanxin` binary as a library: configuration, logging, the
//! subcommands and the demo city, so that tests can drive each part.

pub mod cli;
pub mod commands;
pub mod config;
pub mod csv;
pub mod database;
pub mod demo;
pub mod error;
pub mod password;
pub mod telemetry;

use std::process::ExitCode;

use clap::Parser;

pub use demo::{load_demo, DemoSummary};

use cli::{Cli, Command, ImportCommand, UserCommand};

/// The whole program: parse the command line, configure, run, and turn the
/// outcome into an exit code (0 ok, 1 system failure, 2 user mistake).
pub fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2.
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(error::EXIT_FAILURE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let (code, message) = error::classify(&e);
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = config::load(cli.layer(), cli.global.config.as_deref())?;
    telemetry::init(settings.log_format, &settings.log_level)?;
    if let Some(file) = &settings.config_file {
        tracing::debug!(file = %file.display(), "configuration file read");
    }
    match &cli.command {
        Command::Serve(args) => commands::serve::run(&settings, args).await?,
        Command::Migrate => commands::migrate::run(&settings).await?,
        Command::Demo(args) => commands::demo::run(&settings, args).await?,
        Command::User(UserCommand::Add(args)) => commands::user::add(&settings, args).await?,
        Command::User(UserCommand::Passwd(args)) => commands::user::passwd(&settings, args).await?,
        Command::User(UserCommand::Disable(args)) => {
            commands::user::set_disabled(&settings, &args.username, true).await?
        }
        Command::User(UserCommand::Enable(args)) => {
            commands::user::set_disabled(&settings, &args.username, false).await?
        }
        Command::Import(ImportCommand::Regions { file, check }) => {
            commands::import::regions(&settings, file, *check).await?
        }
        Command::Import(ImportCommand::Roster(args)) => {
            commands::import::roster(&settings, args).await?
        }
        Command::Backup(args) => commands::backup::run(&settings, args).await?,
        Command::Healthcheck(args) => return commands::healthcheck::run(&settings, args).await,
    }
    Ok(ExitCode::SUCCESS)
}
