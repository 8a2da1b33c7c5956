//! The store tests' tree and helpers come from the test kit.
#![allow(unused_imports)]

pub use nuanxin_testkit::tree::*;
