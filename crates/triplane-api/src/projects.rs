//! Project use cases over the store: list the user's projects, open one (its latest saved
//! revision, resolved), keep a deployment text as a new project.
//!
//! Every call opens the store and lets it go: the store refuses a database from a newer
//! Triplane and reports a lock held too long as `busy`, so a face that shows the message and
//! calls again has its retry without holding any state.

use std::path::{Path, PathBuf};

use serde::Serialize;
use triplane_store::{Store, StoreError};

use crate::view::PlaneView;
use crate::{deployment, ApiError, ErrorCode};

/// A project as the projects list shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProjectSummary {
    pub id: u32,
    pub name: String,
    /// Unix milliseconds.
    pub created: f64,
    pub revisions: u32,
    /// Unix milliseconds of the latest revision, if there is one.
    pub updated: Option<f64>,
}

/// The projects in the store at `db` (the OS data directory's file when `None`), oldest first.
pub fn list(db: Option<&Path>) -> Result<Vec<ProjectSummary>, ApiError> {
    let store = open_store(db)?;
    let mut out = Vec::new();
    for p in store.list_projects()? {
        let revisions = store.list_revisions(p.id)?;
        out.push(ProjectSummary {
            id: wire_id(p.id)?,
            name: p.name,
            created: p.created as f64,
            revisions: u32::try_from(revisions.len()).unwrap_or(u32::MAX),
            updated: revisions.last().map(|r| r.created as f64),
        });
    }
    Ok(out)
}

/// The latest revision of project `id`, resolved for the plane view.
pub fn open_view(db: Option<&Path>, id: u32) -> Result<PlaneView, ApiError> {
    let store = open_store(db)?;
    let project = store
        .list_projects()?
        .into_iter()
        .find(|p| p.id == i64::from(id))
        .ok_or_else(|| ApiError::usage(format!("no project with id `{id}`")))?;
    let latest = store.list_revisions(project.id)?.pop().ok_or_else(|| {
        ApiError::usage(format!("the project `{}` has no saved revision", project.name))
    })?;
    let text = store.revision(latest.id)?.text;

    let d = deployment::load_text(&format!("project:{}", project.name), &text)?;
    Ok(PlaneView::from(&d))
}

/// Keeps `text` as a new project named `name`, after checking it resolves: a project never
/// starts from a file the app cannot show.
pub fn create(
    db: Option<&Path>,
    name: &str,
    file: &str,
    text: &str,
) -> Result<ProjectSummary, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::usage("a project needs a name"));
    }
    deployment::load_text(file, text)?;

    let store = open_store(db)?;
    if store.list_projects()?.iter().any(|p| p.name == name) {
        return Err(ApiError::usage(format!("a project named `{name}` already exists")));
    }
    let project = store.create_project(name)?;
    let revision = store.save_revision(project.id, text, Some(&format!("from `{file}`")))?;
    Ok(ProjectSummary {
        id: wire_id(project.id)?,
        name: project.name,
        created: project.created as f64,
        revisions: 1,
        updated: Some(revision.created as f64),
    })
}

/// One revision as the History tab lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RevisionView {
    pub id: u32,
    /// 1 for the project's first revision, counting up.
    pub number: u32,
    /// Unix milliseconds.
    pub created: f64,
    pub message: Option<String>,
    /// Lowercase hex SHA-256 of the text.
    pub sha256: String,
}

/// A project with the text of its latest revision, for the app to hold and edit.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProjectText {
    pub id: u32,
    pub name: String,
    /// The file the project follows, when it follows one.
    pub file: Option<String>,
    pub text: String,
    pub view: PlaneView,
}

/// The revisions of project `id`, the newest first.
pub fn revisions(db: Option<&Path>, id: u32) -> Result<Vec<RevisionView>, ApiError> {
    let store = open_store(db)?;
    store.project(i64::from(id))?;
    let mut out = Vec::new();
    for (n, r) in store.list_revisions(i64::from(id))?.into_iter().enumerate() {
        out.push(RevisionView {
            id: wire_id(r.id)?,
            number: u32::try_from(n + 1).unwrap_or(u32::MAX),
            created: r.created as f64,
            message: r.message,
            sha256: r.sha256,
        });
    }
    out.reverse();
    Ok(out)
}

/// The text of revision `id`.
pub fn revision_text(db: Option<&Path>, id: u32) -> Result<String, ApiError> {
    Ok(open_store(db)?.revision(i64::from(id))?.text)
}

/// The line diff from revision `from` to revision `to`.
pub fn diff(db: Option<&Path>, from: u32, to: u32) -> Result<crate::files::DiffView, ApiError> {
    let store = open_store(db)?;
    let old = store.revision(i64::from(from))?;
    let new = store.revision(i64::from(to))?;
    if old.project_id != new.project_id {
        return Err(ApiError::usage(format!(
            "revisions `{from}` and `{to}` belong to different projects"
        )));
    }
    Ok(crate::files::diff(&old.text, &new.text))
}

/// Project `id` with its latest text, resolved.
pub fn open_text(db: Option<&Path>, id: u32) -> Result<ProjectText, ApiError> {
    let store = open_store(db)?;
    let project = store.project(i64::from(id))?;
    let latest = store.list_revisions(project.id)?.pop().ok_or_else(|| {
        ApiError::usage(format!("the project `{}` has no saved revision", project.name))
    })?;
    let text = store.revision(latest.id)?.text;
    let d = deployment::load_text(&format!("project:{}", project.name), &text)?;
    Ok(ProjectText { id, name: project.name, file: project.file, text, view: PlaneView::from(&d) })
}

/// Saves `text` as a new revision of project `id` (a project kept in the store only; a
/// project that follows a file is saved through [`crate::files::Files::save`]), after checking
/// it resolves, and drops the project's autosave. Returns the revision, or `None` when the
/// text equals the latest revision.
pub fn save(
    db: Option<&Path>,
    id: u32,
    text: &str,
    message: Option<&str>,
) -> Result<Option<RevisionView>, ApiError> {
    let store = open_store(db)?;
    let project = store.project(i64::from(id))?;
    deployment::load_text(&format!("project:{}", project.name), text)?;

    let listed = store.list_revisions(project.id)?;
    let unchanged = listed.last().is_some_and(|r| {
        r.sha256 == triplane_model::hash_bytes(text.as_bytes()).trim_start_matches("sha256:")
    });
    let saved = if unchanged {
        None
    } else {
        let r = store.save_revision(project.id, text, Some(message.unwrap_or("saved")))?;
        Some(RevisionView {
            id: wire_id(r.id)?,
            number: u32::try_from(listed.len() + 1).unwrap_or(u32::MAX),
            created: r.created as f64,
            message: r.message,
            sha256: r.sha256,
        })
    };
    store.delete_autosave(&format!("project:{id}"))?;
    Ok(saved)
}

pub(crate) fn open_store(db: Option<&Path>) -> Result<Store, ApiError> {
    let path: PathBuf = match db {
        Some(p) => p.to_path_buf(),
        None => triplane_store::default_path()?,
    };
    Ok(Store::open(path)?)
}

/// Row ids cross IPC as `u32`: JavaScript numbers hold them exactly, and a user will not
/// create four billion projects.
pub(crate) fn wire_id(id: i64) -> Result<u32, ApiError> {
    u32::try_from(id).map_err(|_| ApiError::runtime(format!("project id `{id}` is out of range")))
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let code = match &e {
            StoreError::Busy { .. } => ErrorCode::Busy,
            StoreError::NewerSchema { .. } => ErrorCode::NewerDatabase,
            StoreError::Foreign { .. } => ErrorCode::Invalid,
            StoreError::NotFound { .. } => ErrorCode::Usage,
            _ => ErrorCode::Runtime,
        };
        ApiError::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = include_str!("../../../tests/fixtures/deployments/minimal.yaml");

    #[test]
    fn a_kept_project_lists_and_opens() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        assert!(list(Some(&db)).unwrap().is_empty());

        let p = create(Some(&db), " Mairie ", "mini.yaml", TEXT).unwrap();
        assert_eq!(p.name, "Mairie", "names are trimmed");

        let listed = list(Some(&db)).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].revisions, 1);
        let view = open_view(Some(&db), p.id).unwrap();
        assert_eq!(view.file, "project:Mairie");
        assert!(!view.components.is_empty());
    }

    #[test]
    fn an_invalid_text_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let err = create(Some(&db), "x", "bad.yaml", "triplane: 1\nnope: 1\n").unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(list(Some(&db)).unwrap().is_empty(), "nothing was written");
    }

    #[test]
    fn a_newer_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        newer_database(&db);
        let before = std::fs::read(&db).unwrap();

        let err = list(Some(&db)).unwrap_err();
        assert_eq!(err.code, ErrorCode::NewerDatabase, "{}", err.message);
        assert_eq!(std::fs::read(&db).unwrap(), before, "the file is byte-for-byte unchanged");
    }

    #[test]
    fn a_locked_database_is_busy_and_a_retry_after_the_lock_works() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        create(Some(&db), "p", "mini.yaml", TEXT).unwrap();

        // In WAL mode readers pass a writer's lock; exclusive locking mode shuts every other
        // connection out until this one closes, as a stuck process would.
        let holder = rusqlite::Connection::open(&db).unwrap();
        holder.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;").unwrap();
        let err = list(Some(&db)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Busy, "{}", err.message);

        drop(holder);
        assert_eq!(list(Some(&db)).unwrap().len(), 1, "the retry sees the project");
    }

    /// Writes a database whose `user_version` is past this build's schema, by opening it
    /// with the store and bumping the header's user-version field (offset 60, big-endian).
    fn newer_database(path: &Path) {
        drop(Store::open(path).unwrap());
        let mut bytes = std::fs::read(path).unwrap();
        let newer = u32::try_from(triplane_store::SCHEMA_VERSION + 1).unwrap();
        bytes[60..64].copy_from_slice(&newer.to_be_bytes());
        std::fs::write(path, &bytes).unwrap();
    }
}
