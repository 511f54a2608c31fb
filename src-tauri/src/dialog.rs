//! Native open and save dialogs, shown from Rust: the web side is granted none of the dialog
//! plugin's commands and never names a path, it only receives what the user picked.
//!
//! Test seam (debug builds only): when `TRIPLANE_DIALOG_RESPONSE_FILE` names a file, a dialog
//! is not shown; its answer is read from that file instead (one path, or an empty file for
//! "cancelled"), and the file is removed so each answer serves one dialog. WebDriver cannot
//! drive a GTK dialog; everything after the dialog (reading, writing, history) runs as it does
//! for a user. A release build ignores the variable.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;
use triplane_api::view::WireError;
use triplane_api::ApiError;

/// The file the user picked to open, or `None` when they cancelled.
pub fn pick_open<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PathBuf>, WireError> {
    if let Some(answer) = scripted() {
        return answer;
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Open a deployment file")
        .add_filter("Deployment (YAML)", &["yaml", "yml"])
        .blocking_pick_file();
    into_path(picked)
}

/// Where the user chose to save (they confirmed replacing an existing file in the dialog),
/// or `None` when they cancelled.
pub fn pick_save<R: Runtime>(
    app: &AppHandle<R>,
    suggested: &str,
) -> Result<Option<PathBuf>, WireError> {
    if let Some(answer) = scripted() {
        return answer;
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Save the deployment file")
        .set_file_name(suggested)
        .add_filter("Deployment (YAML)", &["yaml", "yml"])
        .blocking_save_file();
    into_path(picked)
}

/// The quality suite file the user picked, or `None` when they cancelled.
pub fn pick_suite<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PathBuf>, WireError> {
    if let Some(answer) = scripted() {
        return answer;
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Open a quality suite")
        .add_filter("Quality suite (YAML)", &["yaml", "yml"])
        .blocking_pick_file();
    into_path(picked)
}

/// Where the user chose to write a bundle: a folder (the export refuses one that is not empty),
/// or with `archive` a new `.tar.gz` file; `None` when they cancelled.
pub fn pick_export_target<R: Runtime>(
    app: &AppHandle<R>,
    archive: bool,
    suggested: &str,
) -> Result<Option<PathBuf>, WireError> {
    if let Some(answer) = scripted() {
        return answer;
    }
    let dialog = app.dialog().file();
    let picked = if archive {
        dialog
            .set_title("Write the bundle as an archive")
            .set_file_name(format!("{suggested}.tar.gz"))
            .add_filter("Bundle archive (.tar.gz)", &["gz"])
            .blocking_save_file()
    } else {
        dialog.set_title("Write the bundle into a folder").blocking_pick_folder()
    };
    into_path(picked)
}

fn into_path(picked: Option<tauri_plugin_dialog::FilePath>) -> Result<Option<PathBuf>, WireError> {
    picked
        .map(|p| {
            p.into_path().map_err(|e| {
                WireError::from(ApiError::runtime(format!("the picked file is not a path: {e}")))
            })
        })
        .transpose()
}

#[cfg(debug_assertions)]
fn scripted() -> Option<Result<Option<PathBuf>, WireError>> {
    let file = PathBuf::from(std::env::var_os("TRIPLANE_DIALOG_RESPONSE_FILE")?);
    let answer = std::fs::read_to_string(&file).map_err(|e| {
        WireError::from(ApiError::runtime(format!(
            "the scripted dialog answer `{}` cannot be read: {e}",
            file.display()
        )))
    });
    let _ = std::fs::remove_file(&file);
    Some(answer.map(|a| {
        let a = a.trim();
        (!a.is_empty()).then(|| PathBuf::from(a))
    }))
}

#[cfg(not(debug_assertions))]
fn scripted() -> Option<Result<Option<PathBuf>, WireError>> {
    None
}
