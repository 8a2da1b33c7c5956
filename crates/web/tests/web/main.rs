//! The web crate's HTTP and browser tests, in one binary so the app is
//! linked once: each file is a module, `common` their helpers.

mod common;

mod api;
mod browser;
mod events;
mod join;
mod members_api;
mod pages;
mod platform;
mod review;
mod reviewer_day;
mod roster;
mod routing_rules;
mod scope_matrix;
mod worker_rights;
