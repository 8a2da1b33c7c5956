//! The command line: global options, subcommands and their flags.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};

use crate::config::{Layer, LogFormat, SecretKey};

/// Read only from the environment or the file: a key given as a flag would
/// show up in `ps` and in shell history.
pub const SECRET_KEY_ENV: &str = "NUANXIN_SECRET_KEY";
/// Where `user add` and `user passwd` take a password from when set.
pub const PASSWORD_ENV: &str = "NUANXIN_PASSWORD";

#[derive(Debug, Parser)]
#[command(
    name = "nuanxin",
    version,
    about = "Nuanxin (暖新): the trade-union platform for new-employment-form workers",
    long_about = None,
    after_help = "Every option can also be set with its NUANXIN_* environment variable or in the TOML file \
                  (flags win over the environment, the environment over the file).\n\
                  NUANXIN_SECRET_KEY (128 hex characters) replaces the key file <data-dir>/secret.key.\n\
                  NUANXIN_PASSWORD gives `user add` and `user passwd` their password without a prompt."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// TOML configuration file [default: nuanxin.toml, if it exists]
    #[arg(long, global = true, env = "NUANXIN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory: the SQLite database, the secret key, backups [default: ./data]
    #[arg(long, global = true, env = "NUANXIN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite:PATH or postgres://… [default: sqlite:<data-dir>/nuanxin.db]
    #[arg(
        long,
        global = true,
        env = "NUANXIN_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Database connections (PostgreSQL pool, or SQLite readers) [default: 8]
    #[arg(long, global = true, env = "NUANXIN_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<u32>,
    /// Log format on stderr [default: text]
    #[arg(long, global = true, env = "NUANXIN_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `info,sqlx=warn` [default: info]
    #[arg(long, global = true, env = "NUANXIN_LOG_LEVEL", value_name = "FILTER")]
    pub log_level: Option<String>,
    /// Minimum password length [default: 8]
    #[arg(
        long,
        global = true,
        env = "NUANXIN_PASSWORD_MIN_LENGTH",
        value_name = "N",
        help_heading = "Policy"
    )]
    pub password_min_length: Option<usize>,
    /// Minimum character classes in a password, of 4 [default: 3]
    #[arg(
        long,
        global = true,
        env = "NUANXIN_PASSWORD_MIN_CLASSES",
        value_name = "N",
        help_heading = "Policy"
    )]
    pub password_min_classes: Option<usize>,
    /// Minutes of inactivity that end a session [default: 30]
    #[arg(
        long,
        global = true,
        env = "NUANXIN_SESSION_IDLE_MINUTES",
        value_name = "MIN",
        help_heading = "Policy"
    )]
    pub session_idle_minutes: Option<i64>,
    /// Hours after which a session ends regardless [default: 12]
    #[arg(
        long,
        global = true,
        env = "NUANXIN_SESSION_ABSOLUTE_HOURS",
        value_name = "H",
        help_heading = "Policy"
    )]
    pub session_absolute_hours: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web console and the JSON API
    Serve(ServeArgs),
    /// Apply the database migrations and exit
    Migrate,
    /// Load a fictional city (Nanjing's real region codes) into an empty database
    Demo(DemoArgs),
    /// Manage staff accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Import reference data
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write a consistent copy of the SQLite database
    Backup(BackupArgs),
    /// Exit 0 when the server answers /readyz with 200, 1 otherwise
    Healthcheck(HealthcheckArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "NUANXIN_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Load the demo city first if the database has no organisations
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure (the server is reached over HTTPS)
    #[arg(long, env = "NUANXIN_SECURE_COOKIES", value_name = "BOOL", num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub secure_cookies: Option<bool>,
    /// Take client addresses from X-Forwarded-For (behind a reverse proxy)
    #[arg(long, env = "NUANXIN_TRUST_PROXY", value_name = "BOOL", num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub trust_proxy: Option<bool>,
    /// The address workers reach, e.g. https://nuanxin.example.org: every QR
    /// code and link is built on it [default: the request's own address]
    #[arg(long, env = "NUANXIN_PUBLIC_BASE_URL", value_name = "URL")]
    pub public_base_url: Option<String>,
    /// Bearer token that /metrics asks of callers other than loopback
    #[arg(long, env = "NUANXIN_METRICS_TOKEN", value_name = "TOKEN")]
    pub metrics_token: Option<String>,
    /// Exact searches by ID number or phone allowed per account per minute [default: 30]
    #[arg(long, env = "NUANXIN_EXACT_SEARCHES_PER_MINUTE", value_name = "N")]
    pub exact_searches_per_minute: Option<i64>,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Total number of organisations to create
    #[arg(long, default_value_t = crate::demo::DEFAULT_ORGS)]
    pub orgs: usize,
    /// Seed: the same seed gives the same city
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account
    Add(UserAddArgs),
    /// Set a new password (ends the account's sessions)
    Passwd(PasswordArgs),
    /// Disable an account (ends its sessions)
    Disable(UsernameArg),
    /// Enable a disabled account
    Enable(UsernameArg),
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    #[arg(long)]
    pub username: String,
    /// Id of the organisation the account belongs to (its scope)
    #[arg(long = "org", value_name = "ORG_ID")]
    pub org_id: i64,
    /// system_admin, union_admin, reviewer or viewer
    #[arg(long)]
    pub role: String,
    /// Name shown in the console [default: the username]
    #[arg(long)]
    pub display_name: Option<String>,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Clone, Args)]
pub struct PasswordArgs {
    #[arg(long)]
    pub username: String,
    #[command(flatten)]
    pub password: PasswordSource,
}

/// Without `--generate-password`, the password comes from `NUANXIN_PASSWORD`
/// or is asked for on the terminal (or read as one line from a pipe).
#[derive(Debug, Clone, Default, Args)]
pub struct PasswordSource {
    /// Generate a random password and print it once
    #[arg(long)]
    pub generate_password: bool,
}

#[derive(Debug, Clone, Args)]
pub struct UsernameArg {
    #[arg(long)]
    pub username: String,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Street-level regions from a CSV file with the header code,name,parent_code
    Regions {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        /// Check every row and report; write nothing
        #[arg(long)]
        check: bool,
    },
    /// A roster of workers (.xlsx or .csv) enrolled as members through one union
    Roster(RosterArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RosterArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Id of the union or federation the roster is enrolled through
    #[arg(long, value_name = "ID")]
    pub org: i64,
    /// check: report only; valid-rows: enrol the valid rows; all-or-nothing:
    /// enrol only when every row is valid
    #[arg(long, value_enum, default_value = "check")]
    pub mode: RosterMode,
    /// Confirm that everyone listed accepted the personal-information notice
    #[arg(long)]
    pub consent: bool,
    /// Rows per transaction. Larger batches (100000) import faster but hold
    /// SQLite's write lock for seconds, so a running server's joins wait.
    #[arg(long, value_name = "ROWS", default_value_t = nuanxin_store::roster::BATCH_ROWS as u32,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub batch_rows: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RosterMode {
    Check,
    ValidRows,
    AllOrNothing,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Destination file [default: <data-dir>/backups/nuanxin-YYYYmmdd-HHMMSS.db]
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// Base URL of the server [default: http://<listen address>]
    #[arg(long, env = "NUANXIN_HEALTHCHECK_URL", value_name = "URL")]
    pub url: Option<String>,
}

impl Cli {
    /// The flags and environment variables as one configuration layer.
    pub fn layer(&self) -> Layer {
        let secret = std::env::var(SECRET_KEY_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty());
        self.layer_with_secret(secret)
    }

    /// [`Cli::layer`] with the secret key passed in, for tests.
    pub fn layer_with_secret(&self, secret_key: Option<String>) -> Layer {
        let g = &self.global;
        let serve = match &self.command {
            Command::Serve(s) => s.clone(),
            _ => ServeArgs::default(),
        };
        Layer {
            data_dir: g.data_dir.clone(),
            database_url: g.database_url.clone(),
            max_connections: g.max_connections,
            log_format: g.log_format,
            log_level: g.log_level.clone(),
            secret_key: secret_key.map(SecretKey),
            listen: serve.listen,
            secure_cookies: serve.secure_cookies,
            trust_proxy: serve.trust_proxy,
            public_base_url: serve.public_base_url,
            metrics_token: serve.metrics_token,
            exact_searches_per_minute: serve.exact_searches_per_minute,
            password_min_length: g.password_min_length,
            password_min_classes: g.password_min_classes,
            session_idle_minutes: g.session_idle_minutes,
            session_absolute_hours: g.session_absolute_hours,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use clap::CommandFactory;
    use std::path::Path;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// The only test in this crate that sets environment variables, so that
    /// parallel tests never see them.
    #[test]
    fn precedence_is_flag_then_env_then_file_then_default() {
        let file = Layer::from_toml(
            r#"
            data_dir = "/from/file"
            log_level = "warn"
            max_connections = 3
            listen = "127.0.0.1:7000"
            session_idle_minutes = 20
            "#,
            Path::new("nuanxin.toml"),
        )
        .unwrap();
        std::env::set_var("NUANXIN_DATA_DIR", "/from/env");
        std::env::set_var("NUANXIN_LOG_LEVEL", "debug");
        std::env::set_var("NUANXIN_LISTEN", "127.0.0.1:7001");
        let cli = Cli::try_parse_from([
            "nuanxin",
            "--data-dir",
            "/from/flag",
            "serve",
            "--listen",
            "127.0.0.1:7002",
        ]);
        let no_flags = Cli::try_parse_from(["nuanxin", "serve"]);
        std::env::remove_var("NUANXIN_DATA_DIR");
        std::env::remove_var("NUANXIN_LOG_LEVEL");
        std::env::remove_var("NUANXIN_LISTEN");

        let s = Settings::from_layer(cli.unwrap().layer_with_secret(None).or(file.clone()), None)
            .unwrap();
        assert_eq!(
            s.data_dir,
            Path::new("/from/flag"),
            "flag beats env and file"
        );
        assert_eq!(s.listen.port(), 7002, "flag beats env and file");
        assert_eq!(s.log_level, "debug", "env beats file");
        assert_eq!(s.max_connections, 3, "file beats default");
        assert_eq!(
            s.session_policy.idle,
            chrono::Duration::minutes(20),
            "file beats default"
        );
        assert_eq!(
            s.session_policy.absolute,
            chrono::Duration::hours(12),
            "default when unset"
        );

        let s = Settings::from_layer(
            no_flags.unwrap().layer_with_secret(None).or(file.clone()),
            None,
        )
        .unwrap();
        assert_eq!(s.data_dir, Path::new("/from/env"), "env beats file");
        assert_eq!(s.listen.port(), 7001, "env beats file");

        let none = Cli::try_parse_from(["nuanxin", "migrate"]).unwrap();
        let s =
            Settings::from_layer(none.layer_with_secret(Some("aa".into())).or(file), None).unwrap();
        assert_eq!(s.data_dir, Path::new("/from/file"), "file beats default");
        assert_eq!(s.secret_key.unwrap().0, "aa");
    }

    #[test]
    fn boolean_flags_take_an_optional_value() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Serve(s) => (s.secure_cookies, s.trust_proxy),
            _ => unreachable!(),
        };
        assert_eq!(
            parse(&["nuanxin", "serve", "--secure-cookies"]).0,
            Some(true)
        );
        assert_eq!(
            parse(&["nuanxin", "serve", "--secure-cookies=false"]).0,
            Some(false)
        );
        assert_eq!(
            parse(&["nuanxin", "serve", "--trust-proxy=yes"]).1,
            Some(true)
        );
    }

    #[test]
    fn subcommands_parse() {
        let c = Cli::try_parse_from([
            "nuanxin",
            "user",
            "add",
            "--username",
            "li",
            "--org",
            "3",
            "--role",
            "viewer",
        ])
        .unwrap();
        assert!(
            matches!(c.command, Command::User(UserCommand::Add(ref a)) if a.org_id == 3 && !a.password.generate_password)
        );
        let c = Cli::try_parse_from(["nuanxin", "import", "regions", "streets.csv"]).unwrap();
        assert!(
            matches!(c.command, Command::Import(ImportCommand::Regions { ref file, check: false }) if file == Path::new("streets.csv"))
        );
        let c = Cli::try_parse_from(["nuanxin", "demo", "--orgs", "1000", "--seed", "7"]).unwrap();
        assert!(matches!(c.command, Command::Demo(ref d) if d.orgs == 1000 && d.seed == 7));
        // A global option after the subcommand works too.
        let c = Cli::try_parse_from(["nuanxin", "backup", "--max-connections", "2"]).unwrap();
        assert_eq!(c.global.max_connections, Some(2));
        assert!(Cli::try_parse_from([
            "nuanxin",
            "user",
            "add",
            "--username",
            "li",
            "--org",
            "x",
            "--role",
            "viewer"
        ])
        .is_err());
    }
}
