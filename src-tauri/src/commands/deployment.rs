//! Deployments: the bundled examples, and text the user opened.

use triplane_api::deployment::{self, ExampleSummary};
use triplane_api::view::{PlaneView, WireError};

#[tauri::command]
#[specta::specta]
pub fn deployment_examples() -> Result<Vec<ExampleSummary>, WireError> {
    Ok(deployment::examples()?)
}

#[tauri::command]
#[specta::specta]
pub fn deployment_open_example(id: String) -> Result<PlaneView, WireError> {
    Ok(deployment::example_view(&id)?)
}

/// Text read by the web side from a file the user picked: the web side has no file-system
/// access of its own, and this command reads no file.
#[tauri::command]
#[specta::specta]
pub fn deployment_open_text(name: String, text: String) -> Result<PlaneView, WireError> {
    Ok(deployment::text_view(&name, &text)?)
}
