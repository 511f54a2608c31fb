//! Triplane's SQLite store: one file per user holding projects with every saved revision of
//! their deployment file, and benchmark runs with their per-request samples.
//!
//! This crate owns the file's lifecycle: opening it in WAL mode with foreign keys and a busy
//! timeout, refusing a file written by a newer Triplane, backing a file up before migrating
//! it, and running pending migrations in one transaction. It stores no secret: nothing here
//! has a column for an API key, and callers pass settings already stripped of them.

mod chunk_times;
mod error;
mod projects;
mod quality;
mod runs;
mod schema;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};
use tracing::{info, instrument};

pub use chunk_times::{decode_chunk_times, encode_chunk_times};
pub use error::{Result, StoreError};
pub use projects::{Autosave, Project, Revision};
pub use quality::{AnswerRole, QualityAnswer, QualityVerdict};
pub use runs::{NewRun, Run, RunKind, RunStatus, Sample};
pub use schema::SCHEMA_VERSION;

use error::{is_busy, query_err};

/// How long a statement waits for another connection's lock before failing with
/// [`StoreError::Busy`]. Long enough to ride out a batch commit from a running benchmark,
/// short enough that a stuck lock surfaces as an error instead of a hang.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The file name used inside the OS data directory by [`Store::open_default`].
pub const DEFAULT_FILE_NAME: &str = "triplane.db";

/// Options for [`Store::open_with`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self { busy_timeout: DEFAULT_BUSY_TIMEOUT }
    }
}

/// An open store. Not `Sync`: give each thread its own `Store` (WAL lets them coexist).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    backup: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, &OpenOptions::default())
    }

    /// Opens `triplane.db` in the OS data directory (e.g. `~/.local/share/triplane`).
    pub fn open_default() -> Result<Self> {
        Self::open(default_path()?)
    }

    /// Opens the store at `path` with explicit options.
    #[instrument(skip(options), fields(path = %path.as_ref().display()), err)]
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open { path: path.clone(), source })?;
        conn.busy_timeout(options.busy_timeout)
            .map_err(query_err(&path, "setting the busy timeout"))?;

        // The version check comes before any pragma that writes to the file: a database from
        // a newer Triplane must leave this function byte-for-byte as it came.
        let found = user_version(&conn, &path)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { path, found, supported: SCHEMA_VERSION });
        }
        if found == 0 && has_user_tables(&conn, &path)? {
            return Err(StoreError::Foreign { path });
        }

        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(query_err(&path, "switching to WAL"))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(query_err(&path, "enabling foreign keys"))?;

        let mut store = Store { conn, path, backup: None };
        if found < SCHEMA_VERSION {
            if found > 0 {
                store.backup = Some(store.back_up(found)?);
            }
            store.migrate()?;
        }
        Ok(store)
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The backup written before this open migrated an existing file, if it did.
    pub fn backup_path(&self) -> Option<&Path> {
        self.backup.as_deref()
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        user_version(&self.conn, &self.path)
    }

    /// Copies the file before a migration. `VACUUM INTO` rather than a file copy because
    /// a copy of the main file alone would miss pages still in the WAL.
    fn back_up(&self, version: i64) -> Result<PathBuf> {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_FILE_NAME.to_owned());
        let backup = self.path.with_file_name(format!("{name}.v{version}-{}.bak", now_ms()));
        self.conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()]).map_err(|source| {
            StoreError::Backup { path: self.path.clone(), backup: backup.clone(), source }
        })?;
        info!(backup = %backup.display(), "backed up the database before migrating");
        Ok(backup)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(query_err(&path, "starting the migration"))?;

        // Re-read inside the write lock: another process may have migrated meanwhile.
        let from = user_version(&tx, &path)?;
        if from > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { path, found: from, supported: SCHEMA_VERSION });
        }
        for (index, sql) in schema::MIGRATIONS.iter().enumerate().skip(from as usize) {
            let version = index as i64 + 1;
            tx.execute_batch(sql).map_err(|source| {
                if is_busy(&source) {
                    StoreError::Busy { path: path.clone(), source }
                } else {
                    StoreError::Migrate { path: path.clone(), version, source }
                }
            })?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(query_err(&path, "recording the schema version"))?;
        tx.commit().map_err(query_err(&path, "committing the migration"))?;
        info!(from, to = SCHEMA_VERSION, "migrated the database");
        Ok(())
    }
}

/// Where [`Store::open_default`] keeps the file; creates the directory.
pub fn default_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "triplane").ok_or(StoreError::NoDataDir)?;
    let dir = dirs.data_dir();
    std::fs::create_dir_all(dir)
        .map_err(|source| StoreError::DataDir { path: dir.to_path_buf(), source })?;
    Ok(dir.join(DEFAULT_FILE_NAME))
}

fn user_version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(query_err(path, "reading the schema version"))
}

fn has_user_tables(conn: &Connection, path: &Path) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')",
        [],
        |row| row.get(0),
    )
    .map_err(query_err(path, "listing tables"))
}

/// Wall-clock Unix milliseconds, the unit of every `created`/`started`/`ended` column.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
