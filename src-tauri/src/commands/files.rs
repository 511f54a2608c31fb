//! Deployment files on disk: open and save through native dialogs (`crate::dialog`), save to
//! a file already open, and the autosaves of unsaved work. The web side holds handles, never
//! paths it could name.

use tauri::{AppHandle, State};
use triplane_api::files::{AutosaveView, Files, OpenedFile, Origin, ResumedWork, SavedFile};
use triplane_api::view::WireError;

use crate::dialog;
use crate::state::AppState;

/// Shows the open dialog; `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn files_open_dialog(
    app: AppHandle,
    files: State<'_, Files>,
) -> Result<Option<OpenedFile>, WireError> {
    dialog::pick_open(&app)?.map(|p| Ok(files.open(&p)?)).transpose()
}

/// Writes `text` over the open file `handle`; refused, writing nothing, when the file was
/// deleted, changed on disk or made read-only since it was read.
#[tauri::command]
#[specta::specta]
pub async fn files_save(
    files: State<'_, Files>,
    handle: u32,
    text: String,
    message: Option<String>,
) -> Result<SavedFile, WireError> {
    Ok(files.save(handle, &text, message.as_deref())?)
}

/// Shows the save dialog with `suggested` as the file name; `null` when the user cancelled.
/// `origin` is where the work came from; its autosave goes once the file is written.
#[tauri::command]
#[specta::specta]
pub async fn files_save_as_dialog(
    app: AppHandle,
    files: State<'_, Files>,
    suggested: String,
    text: String,
    message: Option<String>,
    origin: Option<Origin>,
) -> Result<Option<SavedFile>, WireError> {
    dialog::pick_save(&app, &suggested)?
        .map(|p| Ok(files.save_as(&p, &text, message.as_deref(), origin.as_ref())?))
        .transpose()
}

/// The file named on the command line when it is a path (not `example:ID`), opened.
#[tauri::command]
#[specta::specta]
pub async fn files_launch(
    state: State<'_, AppState>,
    files: State<'_, Files>,
) -> Result<Option<OpenedFile>, WireError> {
    Ok(files.open_launch(state.launch_file.as_deref())?)
}

/// Keeps unsaved work of the open deployment (replacing its previous autosave).
#[tauri::command]
#[specta::specta]
pub async fn files_autosave(
    files: State<'_, Files>,
    origin: Origin,
    name: String,
    text: String,
) -> Result<(), WireError> {
    Ok(files.autosave(&origin, &name, &text)?)
}

/// Unsaved work kept by earlier sessions, the most recent first.
#[tauri::command]
#[specta::specta]
pub async fn files_autosaves(files: State<'_, Files>) -> Result<Vec<AutosaveView>, WireError> {
    Ok(files.autosaves()?)
}

/// Takes back an autosave: its text, resolved, and where Save writes it.
#[tauri::command]
#[specta::specta]
pub async fn files_resume_autosave(
    files: State<'_, Files>,
    source: String,
) -> Result<ResumedWork, WireError> {
    Ok(files.resume(&source)?)
}

/// Drops an autosave the user declined.
#[tauri::command]
#[specta::specta]
pub async fn files_discard_autosave(
    files: State<'_, Files>,
    source: String,
) -> Result<(), WireError> {
    Ok(files.discard(&source)?)
}

/// The text of a bundled example, so the app can hold and edit it (saving it is a Save as).
#[tauri::command]
#[specta::specta]
pub fn files_example_text(id: String) -> Result<String, WireError> {
    Ok(triplane_api::deployment::example_text(&id)?.to_owned())
}
