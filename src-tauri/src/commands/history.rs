//! The revisions of a project: list, diff, read one, and save a project kept in the store.

use tauri::State;
use triplane_api::files::DiffView;
use triplane_api::projects::{self, ProjectText, RevisionView};
use triplane_api::view::WireError;

use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn history_revisions(
    state: State<'_, AppState>,
    project: u32,
) -> Result<Vec<RevisionView>, WireError> {
    Ok(projects::revisions(state.db.as_deref(), project)?)
}

#[tauri::command]
#[specta::specta]
pub async fn history_diff(
    state: State<'_, AppState>,
    from: u32,
    to: u32,
) -> Result<DiffView, WireError> {
    Ok(projects::diff(state.db.as_deref(), from, to)?)
}

#[tauri::command]
#[specta::specta]
pub async fn history_revision_text(
    state: State<'_, AppState>,
    revision: u32,
) -> Result<String, WireError> {
    Ok(projects::revision_text(state.db.as_deref(), revision)?)
}

/// A project with the text of its latest revision, so the app can edit and save it.
#[tauri::command]
#[specta::specta]
pub async fn history_open_project(
    state: State<'_, AppState>,
    project: u32,
) -> Result<ProjectText, WireError> {
    Ok(projects::open_text(state.db.as_deref(), project)?)
}

/// Saves a new revision of a project kept in the store only; `null` when nothing changed.
#[tauri::command]
#[specta::specta]
pub async fn history_save_project(
    state: State<'_, AppState>,
    project: u32,
    text: String,
    message: Option<String>,
) -> Result<Option<RevisionView>, WireError> {
    Ok(projects::save(state.db.as_deref(), project, &text, message.as_deref())?)
}
