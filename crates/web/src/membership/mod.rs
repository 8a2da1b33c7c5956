//! Membership: applying, the review queues and decisions, the roll,
//! reveal and exact search, transfers, enrolment events, members' requests,
//! and the worker's join, status, card and verify pages.
//!
//! - `api`: the JSON API under `/api/v1`;
//! - `pages`: the console's pages for staff;
//! - `worker`: the pages a worker opens on their phone, without an account.

pub mod api;
pub mod pages;
pub mod reason;
pub mod search;
pub mod worker;

use axum::Router;

use crate::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .merge(api::members::routes())
        .merge(api::review::routes())
        .merge(api::transfers::routes())
}

pub fn page_routes() -> Router<AppState> {
    Router::new()
        .merge(pages::home::routes())
        .merge(pages::member::routes())
        .merge(pages::members::routes())
        .merge(pages::roll::routes())
        .merge(pages::events::routes())
        .merge(worker::join::routes())
        .merge(worker::rights::routes())
}
