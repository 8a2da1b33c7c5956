//! The audit trail: the API, the console page, and its words.

pub mod api;
pub mod pages;
pub mod query;
pub mod words;
