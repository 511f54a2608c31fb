//! Printing shared by the subcommands: JSON to stdout, errors to stderr with their exit code.

use std::process::ExitCode;

use serde::Serialize;
use triplane_api::ApiError;

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| ApiError::runtime(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Prints an error and its diagnostics on stderr; returns the matching exit code.
pub fn fail(e: &ApiError) -> ExitCode {
    for d in &e.diagnostics {
        eprintln!("{d}");
    }
    eprintln!("error: {}", e.message);
    ExitCode::from(e.code.exit_code() as u8)
}
