//! Pure rules and types of Nuanxin: no IO, no async, no SQL, no HTTP.

pub mod account;
pub mod error;
pub mod ids;
pub mod mask;
pub mod membership;
pub mod org;
pub mod region;
pub mod roster;
pub mod routing_rule;
pub mod text;
pub mod time;

pub use error::{FieldError, ValidationErrors};
