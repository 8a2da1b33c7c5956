//! Platform keys: the keys a union gives a platform enterprise (console)
//! and the roster push they authorise (API).

pub mod api;
pub mod pages;
