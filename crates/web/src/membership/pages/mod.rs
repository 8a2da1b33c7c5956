//! Membership's console pages.

pub mod events;
pub mod home;
pub mod member;
pub mod members;
pub mod review;
pub mod roll;
