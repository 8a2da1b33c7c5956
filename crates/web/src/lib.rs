//! HTTP API (`/api/v1`, JSON) and the server-rendered console of Nuanxin.

mod api;
mod app;
mod auth;
mod bare_errors;
mod error;
mod event_rate;
mod export;
mod i18n;
mod metrics;
mod ops;
mod pages;
mod roster_jobs;

pub use app::{router, serve, AppConfig, AppState};
