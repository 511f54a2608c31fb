//! The user's projects, in the store file the app was started with.

use tauri::State;
use triplane_api::projects::{self, ProjectSummary};
use triplane_api::view::{PlaneView, WireError};

use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn projects_list(state: State<'_, AppState>) -> Result<Vec<ProjectSummary>, WireError> {
    Ok(projects::list(state.db.as_deref())?)
}

#[tauri::command]
#[specta::specta]
pub fn projects_open(state: State<'_, AppState>, id: u32) -> Result<PlaneView, WireError> {
    Ok(projects::open_view(state.db.as_deref(), id)?)
}

/// Keeps a deployment the user opened as a new project, with its text as the first revision.
#[tauri::command]
#[specta::specta]
pub fn projects_create(
    state: State<'_, AppState>,
    name: String,
    file: String,
    text: String,
) -> Result<ProjectSummary, WireError> {
    Ok(projects::create(state.db.as_deref(), &name, &file, &text)?)
}
