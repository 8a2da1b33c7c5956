//! Roster imports: the console page and the jobs running in this process.

pub mod jobs;
pub mod pages;
