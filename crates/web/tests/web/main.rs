//! The web crate's HTTP and browser tests, in one binary so the app is
//! linked once: each file is a module, `common` their helpers.

mod common;

mod api;
mod browser;
mod membership_api;
mod membership_events;
mod membership_join;
mod membership_review;
mod membership_reviewer_day;
mod membership_worker_rights;
mod pages;
mod platform;
mod roster;
mod routing_rules;
mod scope_matrix;
