//! HTTP API (`/api/v1`, JSON) and the server-rendered console of Nuanxin.

mod accounts;
mod api;
mod app;
mod audit;
mod auth;
mod bare_errors;
pub mod base_url;
mod error;
mod export;
mod http;
pub mod i18n;
mod membership;
mod metrics;
mod ops;
mod orgs;
mod pages;
mod platform_keys;
mod rate;
mod roster;
mod routing;
mod session;

pub use app::{router, serve, AppConfig, AppState};
