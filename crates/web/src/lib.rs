//! HTTP API (`/api/v1`, JSON) and the server-rendered console of Nuanxin.

mod api;
mod app;
mod audit_words;
mod auth;
mod bare_errors;
pub mod base_url;
mod error;
mod export;
mod i18n;
mod member_search;
mod metrics;
mod ops;
mod pages;
mod rate;
mod roster_jobs;

pub use app::{router, serve, AppConfig, AppState};
