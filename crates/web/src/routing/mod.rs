//! Routing rules: the API and the console page.

pub mod api;
pub mod pages;
pub mod told;
