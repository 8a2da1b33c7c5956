//! Staff accounts: the API and the console pages.

pub mod api;
pub mod pages;
