//! The error every use case returns: a code to branch on, a message for people, and the
//! positioned diagnostics when a file was at fault.

use serde::Serialize;
use triplane_model::{Diagnostic, LoadError};

/// What went wrong, in the few kinds the faces treat differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The input was read and found wrong (invalid file, failed verification). Exit 1.
    Invalid,
    /// Bad arguments, or a named file or example that does not exist. Exit 2.
    Usage,
    /// I/O, network or another failure at run time. Exit 3.
    Runtime,
    /// The database is locked by another process; retrying may work. Exit 3.
    Busy,
    /// The database was written by a newer Triplane and is left untouched. Exit 3.
    NewerDatabase,
    /// The user cancelled. Exit 3.
    Cancelled,
}

impl ErrorCode {
    /// The CLI's exit code for this kind of error (see the README's table).
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorCode::Invalid => 1,
            ErrorCode::Usage => 2,
            ErrorCode::Runtime
            | ErrorCode::Busy
            | ErrorCode::NewerDatabase
            | ErrorCode::Cancelled => 3,
        }
    }
}

#[derive(Clone, Debug, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), diagnostics: vec![] }
    }

    pub fn usage(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Usage, message)
    }

    pub fn runtime(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Runtime, message)
    }

    pub fn invalid(message: impl Into<String>, diagnostics: Vec<Diagnostic>) -> ApiError {
        ApiError { code: ErrorCode::Invalid, message: message.into(), diagnostics }
    }
}

impl From<LoadError> for ApiError {
    fn from(e: LoadError) -> ApiError {
        match e {
            LoadError::Io { ref path, .. } if e.not_found() => {
                ApiError::usage(format!("`{path}` does not exist"))
            }
            LoadError::Io { .. } => ApiError::runtime(e.to_string()),
            LoadError::Invalid { file, diagnostics } => {
                let n = diagnostics.len();
                let s = if n == 1 { "" } else { "s" };
                ApiError::invalid(format!("`{file}` has {n} problem{s}"), diagnostics)
            }
        }
    }
}
