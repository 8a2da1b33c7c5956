//! The worker's pages: mobile-first, for phones and WeChat's browser.

pub mod join;
pub mod rights;
