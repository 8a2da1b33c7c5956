//! The store's tests on every backend, in one binary: each file is a
//! module, `common` their helpers.

mod common;

mod accounts;
mod audit;
mod caches;
mod membership;
mod membership_events;
mod membership_review;
mod membership_transfers;
mod orgs;
mod platform;
mod platform_keys;
mod roster;
mod routing;
mod routing_rules;
