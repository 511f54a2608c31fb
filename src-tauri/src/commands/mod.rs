//! The app's commands, one file per domain, each command one line over `triplane-api`. A
//! command that needs a second line has logic that belongs in `triplane-api`.
//!
//! Every command returns `Result<_, WireError>`: errors cross IPC as `{code, message,
//! diagnostics}`, and the UI branches on `code`, never on the message.

pub mod app;
pub mod bench;
pub mod catalog;
pub mod compose;
pub mod deployment;
pub mod export;
pub mod files;
pub mod history;
pub mod projects;
pub mod settings;
pub mod simulation;

include!("names.rs");
