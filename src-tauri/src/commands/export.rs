//! Export of the deployment the app has open: preview the bundle, write it signed and read it
//! back to verify it. The commands are `async` so the file work runs off the window's thread.
//!
//! `text` is the deployment text the web side holds; without it `file` must be `example:ID`.
//! The signing key crosses IPC as a path only: the key itself is read in Rust, never returned
//! and never logged.

use tauri::AppHandle;
use triplane_api::export::{self, BundlePreview, ExportDone};
use triplane_api::view::WireError;

use crate::dialog;

#[tauri::command]
#[specta::specta]
pub async fn export_preview(
    file: String,
    text: Option<String>,
) -> Result<BundlePreview, WireError> {
    Ok(export::preview_view(&file, text.as_deref())?)
}

/// The secret key `triplane keygen` writes by default, when it exists.
#[tauri::command]
#[specta::specta]
pub async fn export_default_key() -> Option<String> {
    export::default_secret_key()
}

/// Shows the native dialog for the bundle's target (a folder, or with `archive` a `.tar.gz`
/// named after `suggested`) and returns the picked path for the form; `null` when cancelled.
/// Nothing is written here: `export_write` checks and writes the target.
#[tauri::command]
#[specta::specta]
pub async fn export_pick_target(
    app: AppHandle,
    archive: bool,
    suggested: String,
) -> Result<Option<String>, WireError> {
    Ok(dialog::pick_export_target(&app, archive, &suggested)?
        .map(|p| p.to_string_lossy().into_owned()))
}

/// Writes the bundle to `out` (a new or empty folder, or a new `.tar.gz`) and verifies what
/// was written. This and the key are the only paths named by the web side that the app
/// touches; it refuses a target that exists and is not an empty folder.
#[tauri::command]
#[specta::specta]
pub async fn export_write(
    file: String,
    text: Option<String>,
    out: String,
    archive: bool,
    key: Option<String>,
) -> Result<ExportDone, WireError> {
    Ok(export::export_open(&file, text.as_deref(), &out, archive, key.as_deref())?)
}
