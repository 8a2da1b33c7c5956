//! The merged configuration. Every setting comes from, in order of
//! precedence: a command-line flag, its `NUANXIN_*` environment variable
//! (clap folds these two together), the TOML file, the default.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use nuanxin_domain::account::PasswordPolicy;
use nuanxin_store::sessions::SessionPolicy;
use serde::Deserialize;

use crate::error::UserError;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "nuanxin.toml";
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_LOG_LEVEL: &str = "info";
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;
pub const DEFAULT_SESSION_IDLE_MINUTES: i64 = 30;
pub const DEFAULT_SESSION_ABSOLUTE_HOURS: i64 = 12;
pub const DEFAULT_EXACT_SEARCHES_PER_MINUTE: i64 = 30;
const MAX_SESSION_HOURS: i64 = 24 * 365;
const MAX_CONNECTIONS: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The secret key (128 hex characters). Kept out of `Debug` output so that
/// printing the settings never leaks it into a log.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretKey(pub String);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// One source of settings: every field optional, so layers can be stacked.
/// The TOML file has exactly these keys; an unknown key is an error, since a
/// misspelt setting silently ignored is worse than a refusal to start.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub max_connections: Option<u32>,
    pub log_format: Option<LogFormat>,
    pub log_level: Option<String>,
    pub secret_key: Option<SecretKey>,
    pub listen: Option<String>,
    pub secure_cookies: Option<bool>,
    pub trust_proxy: Option<bool>,
    pub public_base_url: Option<String>,
    pub metrics_token: Option<String>,
    pub exact_searches_per_minute: Option<i64>,
    pub password_min_length: Option<usize>,
    pub password_min_classes: Option<usize>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
}

impl Layer {
    /// This layer, with the gaps filled from `lower`.
    pub fn or(self, lower: Layer) -> Layer {
        Layer {
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            max_connections: self.max_connections.or(lower.max_connections),
            log_format: self.log_format.or(lower.log_format),
            log_level: self.log_level.or(lower.log_level),
            secret_key: self.secret_key.or(lower.secret_key),
            listen: self.listen.or(lower.listen),
            secure_cookies: self.secure_cookies.or(lower.secure_cookies),
            trust_proxy: self.trust_proxy.or(lower.trust_proxy),
            public_base_url: self.public_base_url.or(lower.public_base_url),
            metrics_token: self.metrics_token.or(lower.metrics_token),
            exact_searches_per_minute: self
                .exact_searches_per_minute
                .or(lower.exact_searches_per_minute),
            password_min_length: self.password_min_length.or(lower.password_min_length),
            password_min_classes: self.password_min_classes.or(lower.password_min_classes),
            session_idle_minutes: self.session_idle_minutes.or(lower.session_idle_minutes),
            session_absolute_hours: self.session_absolute_hours.or(lower.session_absolute_hours),
        }
    }

    pub fn from_toml(text: &str, origin: &Path) -> Result<Layer, UserError> {
        toml::from_str(text).map_err(|e| {
            // toml's message spans several lines with a source excerpt;
            // keep the error to one line.
            let msg = e.message().to_string();
            let at = e
                .span()
                .map(|s| line_of(text, s.start))
                .map(|l| format!(" (line {l})"))
                .unwrap_or_default();
            UserError::new(format!(
                "configuration file {}{at}: {msg}",
                origin.display()
            ))
        })
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// The settings every command works with, after merging and checking.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// The scheme picks the backend: `sqlite:PATH` or `postgres://…`.
    pub database_url: String,
    pub max_connections: u32,
    pub log_format: LogFormat,
    pub log_level: String,
    /// Overrides the key file in the data directory when set.
    pub secret_key: Option<SecretKey>,
    pub listen: SocketAddr,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    /// `scheme://host[:port]`, without a trailing slash.
    pub public_base_url: Option<String>,
    pub metrics_token: Option<String>,
    pub exact_searches_per_minute: i64,
    pub password_policy: PasswordPolicy,
    pub session_policy: SessionPolicy,
}

impl Settings {
    /// Fills what no layer set with the defaults and checks the result.
    pub fn from_layer(l: Layer, config_file: Option<PathBuf>) -> Result<Settings, UserError> {
        let data_dir = l
            .data_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        // Derived from the final data directory, so `--data-dir` alone moves
        // the database too, unless a URL was given somewhere.
        let database_url = l
            .database_url
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("nuanxin.db").display()));
        let listen_raw = l.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen: SocketAddr = listen_raw.trim().parse().map_err(|_| {
            UserError::new(format!(
                "listen address {listen_raw:?} is not IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080"
            ))
        })?;
        let max_connections = l.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS);
        if !(1..=MAX_CONNECTIONS).contains(&max_connections) {
            return Err(UserError::new(format!(
                "max_connections must be between 1 and {MAX_CONNECTIONS}"
            )));
        }
        let defaults = PasswordPolicy::default();
        let password_policy = PasswordPolicy {
            min_length: l.password_min_length.unwrap_or(defaults.min_length),
            min_classes: l.password_min_classes.unwrap_or(defaults.min_classes),
        };
        if !(1..=128).contains(&password_policy.min_length) {
            return Err(UserError::new(
                "password_min_length must be between 1 and 128",
            ));
        }
        if !(1..=4).contains(&password_policy.min_classes) {
            return Err(UserError::new(
                "password_min_classes must be between 1 and 4 (of lower case, upper case, digits, symbols)",
            ));
        }
        let idle = l
            .session_idle_minutes
            .unwrap_or(DEFAULT_SESSION_IDLE_MINUTES);
        let absolute = l
            .session_absolute_hours
            .unwrap_or(DEFAULT_SESSION_ABSOLUTE_HOURS);
        // A year bounds both, which also keeps the arithmetic below from overflowing.
        if !(1..=MAX_SESSION_HOURS).contains(&absolute)
            || !(1..=MAX_SESSION_HOURS * 60).contains(&idle)
        {
            return Err(UserError::new(format!(
                "session_absolute_hours must be between 1 and {MAX_SESSION_HOURS}, \
                 and session_idle_minutes between 1 and {}",
                MAX_SESSION_HOURS * 60
            )));
        }
        if idle > absolute * 60 {
            return Err(UserError::new(
                "session_idle_minutes cannot exceed session_absolute_hours",
            ));
        }
        let secret_key = l.secret_key.filter(|k| !k.0.trim().is_empty());
        let public_base_url = match l.public_base_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => Some(
                nuanxin_web::base_url::parse(u)
                    .map_err(|why| UserError::new(format!("public_base_url {u:?}: {why}")))?,
            ),
        };
        let metrics_token = l.metrics_token.filter(|t| !t.trim().is_empty());
        let exact_searches_per_minute = l
            .exact_searches_per_minute
            .unwrap_or(DEFAULT_EXACT_SEARCHES_PER_MINUTE);
        if !(1..=10_000).contains(&exact_searches_per_minute) {
            return Err(UserError::new(
                "exact_searches_per_minute must be between 1 and 10000",
            ));
        }
        Ok(Settings {
            config_file,
            data_dir,
            database_url,
            max_connections,
            log_format: l.log_format.unwrap_or_default(),
            log_level: l
                .log_level
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_LOG_LEVEL.to_string()),
            secret_key,
            listen,
            secure_cookies: l.secure_cookies.unwrap_or(false),
            trust_proxy: l.trust_proxy.unwrap_or(false),
            public_base_url,
            metrics_token,
            exact_searches_per_minute,
            password_policy,
            session_policy: SessionPolicy {
                idle: chrono::Duration::minutes(idle),
                absolute: chrono::Duration::hours(absolute),
            },
        })
    }

    /// `<data-dir>/secret.key`, created on first start.
    pub fn key_file(&self) -> PathBuf {
        self.data_dir.join("secret.key")
    }

    /// The web layer's part of the settings.
    pub fn app_config(&self) -> nuanxin_web::AppConfig {
        nuanxin_web::AppConfig {
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            public_base_url: self.public_base_url.clone(),
            metrics_token: self.metrics_token.clone(),
            exact_searches_per_minute: self.exact_searches_per_minute,
            password_policy: self.password_policy.clone(),
            session_policy: self.session_policy,
        }
    }
}

/// Reads the configuration file: the one named (which must exist), or
/// `nuanxin.toml` in the working directory when it exists.
pub fn read_file(explicit: Option<&Path>) -> Result<(Layer, Option<PathBuf>), UserError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from(DEFAULT_CONFIG_FILE);
            if !p.exists() {
                return Ok((Layer::default(), None));
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        UserError::new(format!(
            "cannot read configuration file {}: {e}",
            path.display()
        ))
    })?;
    Ok((Layer::from_toml(&text, &path)?, Some(path)))
}

/// Flags and environment (already merged by clap) over the file over defaults.
pub fn load(flags: Layer, explicit_file: Option<&Path>) -> Result<Settings, UserError> {
    let (file, path) = read_file(explicit_file)?;
    Settings::from_layer(flags.or(file), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Layer, UserError> {
        Layer::from_toml(text, Path::new("test.toml"))
    }

    #[test]
    fn defaults() {
        let s = Settings::from_layer(Layer::default(), None).unwrap();
        assert_eq!(s.data_dir, PathBuf::from("./data"));
        assert_eq!(s.database_url, "sqlite:./data/nuanxin.db");
        assert_eq!(s.max_connections, 8);
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.session_policy.idle, chrono::Duration::minutes(30));
        assert_eq!(s.session_policy.absolute, chrono::Duration::hours(12));
        assert_eq!(s.log_format, LogFormat::Text);
        assert!(s.secret_key.is_none());
    }

    #[test]
    fn the_database_follows_the_data_dir_unless_given() {
        let l = Layer {
            data_dir: Some("/srv/nx".into()),
            ..Default::default()
        };
        assert_eq!(
            Settings::from_layer(l.clone(), None).unwrap().database_url,
            "sqlite:/srv/nx/nuanxin.db"
        );
        let l = Layer {
            database_url: Some("postgres://db/nx".into()),
            ..l
        };
        assert_eq!(
            Settings::from_layer(l, None).unwrap().database_url,
            "postgres://db/nx"
        );
    }

    #[test]
    fn the_file_knows_every_setting() {
        let l = parse(
            r#"
            data_dir = "/var/lib/nuanxin"
            database_url = "postgres://nx@db/nuanxin"
            max_connections = 16
            log_format = "json"
            log_level = "debug,sqlx=warn"
            secret_key = "00ff"
            listen = "0.0.0.0:9000"
            secure_cookies = true
            trust_proxy = true
            password_min_length = 12
            password_min_classes = 4
            session_idle_minutes = 15
            session_absolute_hours = 8
            "#,
        )
        .unwrap();
        let s = Settings::from_layer(l, None).unwrap();
        assert_eq!(s.max_connections, 16);
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(s.listen.port(), 9000);
        assert!(s.secure_cookies && s.trust_proxy);
        assert_eq!(
            (s.password_policy.min_length, s.password_policy.min_classes),
            (12, 4)
        );
        assert_eq!(s.session_policy.idle, chrono::Duration::minutes(15));
        assert_eq!(s.secret_key.unwrap().0, "00ff");
    }

    #[test]
    fn a_misspelt_key_is_refused_with_its_line() {
        let e = parse("data_dir = \"x\"\nlisten_addr = \"1.2.3.4:5\"\n").unwrap_err();
        assert!(
            e.0.contains("listen_addr") && e.0.contains("line 2"),
            "{}",
            e.0
        );
        assert!(!e.0.contains('\n'), "one line: {}", e.0);
    }

    #[test]
    fn bad_values_are_user_errors() {
        let bad = |l: Layer| Settings::from_layer(l, None).unwrap_err();
        assert!(bad(Layer {
            listen: Some("localhost".into()),
            ..Default::default()
        })
        .0
        .contains("IP:PORT"));
        bad(Layer {
            max_connections: Some(0),
            ..Default::default()
        });
        bad(Layer {
            password_min_classes: Some(5),
            ..Default::default()
        });
        bad(Layer {
            session_idle_minutes: Some(0),
            ..Default::default()
        });
        bad(Layer {
            session_absolute_hours: Some(i64::MAX),
            ..Default::default()
        });
        bad(Layer {
            session_idle_minutes: Some(i64::MIN),
            ..Default::default()
        });
        bad(Layer {
            max_connections: Some(u32::MAX),
            ..Default::default()
        });
        bad(Layer {
            session_idle_minutes: Some(600),
            session_absolute_hours: Some(2),
            ..Default::default()
        });
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = Settings::from_layer(
            Layer {
                secret_key: Some(SecretKey("abcdef".into())),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        assert!(!format!("{s:?}").contains("abcdef"));
    }

    #[test]
    fn the_example_file_holds_the_defaults() {
        let text = include_str!("../../../nuanxin.example.toml");
        let l = Layer::from_toml(text, Path::new("nuanxin.example.toml")).unwrap();
        let s = Settings::from_layer(l, None).unwrap();
        let d = Settings::from_layer(Layer::default(), None).unwrap();
        assert_eq!(format!("{s:?}"), format!("{d:?}"));
    }

    #[test]
    fn a_missing_named_file_is_a_user_error() {
        let e = read_file(Some(Path::new("/nonexistent/nuanxin.toml"))).unwrap_err();
        assert!(e.0.contains("/nonexistent/nuanxin.toml"));
    }
}
