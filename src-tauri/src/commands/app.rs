//! The app itself: launch arguments and the start-up marker.

use tauri::State;
use triplane_api::view::{PlaneView, WireError};

use crate::state::AppState;

/// Records the UI's first interactive paint; `ui_ms` is the page's `performance.now()`.
#[tauri::command]
#[specta::specta]
pub fn app_mark_first_paint(state: State<'_, AppState>, ui_ms: f64) -> f64 {
    state.mark_first_paint(ui_ms)
}

/// The deployment file named on the command line, resolved; `null` when none was named.
#[tauri::command]
#[specta::specta]
pub fn app_launch_file(state: State<'_, AppState>) -> Result<Option<PlaneView>, WireError> {
    Ok(triplane_api::deployment::launch_view(state.launch_file.as_deref())?)
}
