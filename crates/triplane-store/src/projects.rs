//! Projects and the revisions of their deployment file. A revision is immutable: saving
//! appends a row with the text and its SHA-256, so any past state can be shown or diffed.
//! A project may follow a file on disk (`file`), so every save of that file is a revision.
//!
//! Autosaves are kept apart from revisions: they hold unsaved work, one per open deployment
//! (`source`), and are replaced on every autosave and removed once the work is saved.

use rusqlite::{params, OptionalExtension, Row};
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::error::{query_err, Result, StoreError};
use crate::{now_ms, Store};

/// A deployment project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: i64,
    pub name: String,
    /// Unix milliseconds.
    pub created: i64,
    /// The deployment file on disk this project follows, if any (an absolute path).
    pub file: Option<String>,
}

/// Unsaved work of one open deployment, as the app last autosaved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autosave {
    /// What the work was opened from: `file:PATH`, `project:ID` or `example:ID`.
    pub source: String,
    /// The name shown to the user.
    pub name: String,
    pub text: String,
    /// Unix milliseconds.
    pub saved: i64,
}

/// One saved state of a project's deployment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: i64,
    pub project_id: i64,
    pub text: String,
    /// Lowercase hex SHA-256 of `text` as UTF-8.
    pub sha256: String,
    /// Unix milliseconds.
    pub created: i64,
    pub message: Option<String>,
}

impl Store {
    /// Creates a project; names are unique.
    #[instrument(skip(self), err)]
    pub fn create_project(&self, name: &str) -> Result<Project> {
        let created = now_ms();
        self.conn
            .execute("INSERT INTO projects (name, created) VALUES (?1, ?2)", params![name, created])
            .map_err(query_err(&self.path, "creating a project"))?;
        Ok(Project {
            id: self.conn.last_insert_rowid(),
            name: name.to_owned(),
            created,
            file: None,
        })
    }

    /// The project following the file `file`, created (named `name`) on first use.
    #[instrument(skip(self), err)]
    pub fn project_for_file(&self, file: &str, name: &str) -> Result<Project> {
        if let Some(p) = self.find_project_for_file(file)? {
            return Ok(p);
        }
        let created = now_ms();
        self.conn
            .execute(
                "INSERT INTO projects (name, created, file) VALUES (?1, ?2, ?3)",
                params![name, created, file],
            )
            .map_err(query_err(&self.path, "creating the project of a file"))?;
        Ok(Project {
            id: self.conn.last_insert_rowid(),
            name: name.to_owned(),
            created,
            file: Some(file.to_owned()),
        })
    }

    /// The project following the file `file`, if there is one.
    pub fn find_project_for_file(&self, file: &str) -> Result<Option<Project>> {
        self.conn
            .query_row(
                "SELECT id, name, created, file FROM projects WHERE file = ?1",
                [file],
                project_from_row,
            )
            .optional()
            .map_err(query_err(&self.path, "finding the project of a file"))
    }

    /// One project by id.
    pub fn project(&self, id: i64) -> Result<Project> {
        self.conn
            .query_row(
                "SELECT id, name, created, file FROM projects WHERE id = ?1",
                [id],
                project_from_row,
            )
            .optional()
            .map_err(query_err(&self.path, "reading a project"))?
            .ok_or_else(|| StoreError::NotFound { path: self.path.clone(), what: "project", id })
    }

    /// Keeps unsaved work of `source`, replacing its previous autosave.
    #[instrument(skip(self, text), err)]
    pub fn put_autosave(&self, source: &str, name: &str, text: &str) -> Result<Autosave> {
        let saved = now_ms();
        self.conn
            .execute(
                "INSERT INTO autosaves (source, name, text, saved) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (source) DO UPDATE SET name = ?2, text = ?3, saved = ?4",
                params![source, name, text, saved],
            )
            .map_err(query_err(&self.path, "autosaving"))?;
        Ok(Autosave {
            source: source.to_owned(),
            name: name.to_owned(),
            text: text.to_owned(),
            saved,
        })
    }

    /// Every autosave, the most recent first.
    pub fn list_autosaves(&self) -> Result<Vec<Autosave>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT source, name, text, saved FROM autosaves ORDER BY saved DESC, source",
            )
            .map_err(query_err(&self.path, "listing autosaves"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Autosave {
                    source: r.get(0)?,
                    name: r.get(1)?,
                    text: r.get(2)?,
                    saved: r.get(3)?,
                })
            })
            .map_err(query_err(&self.path, "listing autosaves"))?;
        rows.collect::<Result<_, _>>().map_err(query_err(&self.path, "listing autosaves"))
    }

    /// Drops the autosave of `source` (its work was saved or discarded); a missing one is fine.
    #[instrument(skip(self), err)]
    pub fn delete_autosave(&self, source: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM autosaves WHERE source = ?1", [source])
            .map_err(query_err(&self.path, "removing an autosave"))?;
        Ok(())
    }

    /// Every project, oldest first.
    pub fn list_projects(&self) -> Result<Vec<Project>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, created, file FROM projects ORDER BY id")
            .map_err(query_err(&self.path, "listing projects"))?;
        let rows = stmt
            .query_map([], project_from_row)
            .map_err(query_err(&self.path, "listing projects"))?;
        rows.collect::<Result<_, _>>().map_err(query_err(&self.path, "listing projects"))
    }

    /// Appends a revision of `project_id`'s deployment file.
    #[instrument(skip(self, text), err)]
    pub fn save_revision(
        &self,
        project_id: i64,
        text: &str,
        message: Option<&str>,
    ) -> Result<Revision> {
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        let created = now_ms();
        self.conn
            .execute(
                "INSERT INTO revisions (project_id, text, sha256, created, message)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![project_id, text, sha256, created, message],
            )
            .map_err(|source| {
                // The foreign key is the only constraint an insert here can break.
                if source.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                    StoreError::NotFound {
                        path: self.path.clone(),
                        what: "project",
                        id: project_id,
                    }
                } else {
                    query_err(&self.path, "saving a revision")(source)
                }
            })?;
        Ok(Revision {
            id: self.conn.last_insert_rowid(),
            project_id,
            text: text.to_owned(),
            sha256,
            created,
            message: message.map(str::to_owned),
        })
    }

    /// The revisions of a project, oldest first, without their text (use
    /// [`Store::revision`] for that); `text` is left empty.
    pub fn list_revisions(&self, project_id: i64) -> Result<Vec<Revision>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, project_id, '', sha256, created, message FROM revisions
                 WHERE project_id = ?1 ORDER BY id",
            )
            .map_err(query_err(&self.path, "listing revisions"))?;
        let rows = stmt
            .query_map([project_id], revision_from_row)
            .map_err(query_err(&self.path, "listing revisions"))?;
        rows.collect::<Result<_, _>>().map_err(query_err(&self.path, "listing revisions"))
    }

    /// One revision with its text.
    pub fn revision(&self, id: i64) -> Result<Revision> {
        self.conn
            .query_row(
                "SELECT id, project_id, text, sha256, created, message FROM revisions
                 WHERE id = ?1",
                [id],
                revision_from_row,
            )
            .optional()
            .map_err(query_err(&self.path, "reading a revision"))?
            .ok_or_else(|| StoreError::NotFound { path: self.path.clone(), what: "revision", id })
    }
}

fn project_from_row(r: &Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project { id: r.get(0)?, name: r.get(1)?, created: r.get(2)?, file: r.get(3)? })
}

fn revision_from_row(r: &Row<'_>) -> rusqlite::Result<Revision> {
    Ok(Revision {
        id: r.get(0)?,
        project_id: r.get(1)?,
        text: r.get(2)?,
        sha256: r.get(3)?,
        created: r.get(4)?,
        message: r.get(5)?,
    })
}
