//! The store's error type: every variant names the database file, and the ids or versions
//! involved, so a message read in a log is enough to find the row or file at fault.

use std::path::PathBuf;

/// Errors from opening, migrating, reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database `{path}`")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "the database `{path}` has schema version {found}, newer than this Triplane supports \
         ({supported}); it was left untouched; hint: upgrade Triplane"
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },

    #[error(
        "the database `{path}` has tables but no Triplane schema version; it was left \
         untouched; hint: pass another file with `--db`"
    )]
    Foreign { path: PathBuf },

    /// Another connection holds a lock for longer than the busy timeout. Kept apart from
    /// [`StoreError::Query`] so callers can tell "retry later" from "something is broken".
    #[error(
        "the database `{path}` is locked by another connection; hint: close the other \
         Triplane window or command and retry"
    )]
    Busy {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("cannot back up `{path}` to `{backup}` before migrating it")]
    Backup {
        path: PathBuf,
        backup: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("migrating `{path}` to schema version {version} failed; the file was rolled back")]
    Migrate {
        path: PathBuf,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },

    #[error("cannot create the data directory `{path}`")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("no data directory is known for this user; hint: pass a file with `--db`")]
    NoDataDir,

    #[error("{what} `{id}` not found in `{path}`")]
    NotFound { path: PathBuf, what: &'static str, id: i64 },

    #[error("{context} failed on `{path}`")]
    Query {
        path: PathBuf,
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    #[error("the chunk times of run {run_id} sample {idx} cannot be stored: {reason}")]
    ChunkTimes { run_id: i64, idx: u32, reason: &'static str },

    #[error("the row of {what} `{id}` in `{path}` holds an unexpected value: {reason}")]
    Corrupt { path: PathBuf, what: &'static str, id: i64, reason: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// True when SQLite gave up waiting for a lock held by another connection.
pub(crate) fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Maps a rusqlite error to `Busy` or `Query`, with the file and what was being done.
pub(crate) fn query_err<'a>(
    path: &'a std::path::Path,
    context: &'static str,
) -> impl FnOnce(rusqlite::Error) -> StoreError + 'a {
    move |source| {
        if is_busy(&source) {
            StoreError::Busy { path: path.to_path_buf(), source }
        } else {
            StoreError::Query { path: path.to_path_buf(), context, source }
        }
    }
}
