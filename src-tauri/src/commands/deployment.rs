//! Deployments: the bundled examples, text the user opened, and a new deployment.

use triplane_api::deployment::{self, ExampleSummary, NewDeployment};
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

/// A new deployment (the user's organisation, premises and users), held by the app until it is
/// saved as a file.
#[tauri::command]
#[specta::specta]
pub fn deployment_new() -> Result<NewDeployment, WireError> {
    Ok(deployment::new_deployment()?)
}
