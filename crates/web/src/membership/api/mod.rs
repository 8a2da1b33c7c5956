//! Membership's JSON API.

pub mod members;
pub mod review;
pub mod transfers;
