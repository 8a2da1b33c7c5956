//! Logging in and out, and one's own password: the API and the pages.

pub mod api;
pub mod login;
pub mod password;
