//! Projects and the revisions of their deployment file. A revision is immutable: saving
//! appends a row with the text and its SHA-256, so any past state can be shown or diffed.

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
        Ok(Project { id: self.conn.last_insert_rowid(), name: name.to_owned(), created })
    }

    /// Every project, oldest first.
    pub fn list_projects(&self) -> Result<Vec<Project>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, created FROM projects ORDER BY id")
            .map_err(query_err(&self.path, "listing projects"))?;
        let rows = stmt
            .query_map([], |r| Ok(Project { id: r.get(0)?, name: r.get(1)?, created: r.get(2)? }))
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
