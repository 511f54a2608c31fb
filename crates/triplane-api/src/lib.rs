//! Use cases of Triplane, one module per domain, as plain functions returning `Result`.
//! The CLI and the desktop app are thin faces over this crate: a use case written twice,
//! once per face, is a defect.
//!
//! Errors carry a small [`ErrorCode`] that both faces branch on (exit codes, UI messages),
//! never the message text.

pub mod bench;
pub mod bench_app;
pub mod catalog;
pub mod compose;
pub mod deployment;
mod error;
pub mod export;
pub mod files;
pub mod keys;
pub mod projects;
pub mod quality;
pub mod simulation;
pub mod simulation_run;
pub mod view;

pub use error::{ApiError, ErrorCode};
pub use triplane_model as model;
