//! Empty on purpose: this crate exists for its `Cargo.toml`, which turns on in the desktop
//! app's and the CLI's dependency graphs the features that a whole-workspace build turns on, so
//! both kinds of build share one set of compiled dependencies.
