//! The store's tests on every backend, in one binary: each file is a
//! module, `common` their helpers.

mod common;

mod accounts;
mod audit;
mod caches;
mod events;
mod membership;
mod orgs;
mod platform;
mod platform_keys;
mod review;
mod roster;
mod routing;
mod routing_rules;
mod transfers;
