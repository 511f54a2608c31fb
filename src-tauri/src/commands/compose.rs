//! The composition editor: each edit is deployment text in, text out, with the diagnostics of
//! `triplane check` on the result. The web side holds the text (and its undo stack).

use triplane_api::compose::{self, ComposeEdit, Composition};
use triplane_api::view::WireError;

/// The editor's starting point: `text` when the web side holds it, else the bundled text of
/// `file` (`example:ID`). This command reads no file.
#[tauri::command]
#[specta::specta]
pub fn compose_open(file: String, text: Option<String>) -> Result<Composition, WireError> {
    Ok(compose::open(&file, text.as_deref())?)
}

/// Applies one edit to `text`; an edit that cannot be made is an `invalid` error and the web
/// side keeps its text.
#[tauri::command]
#[specta::specta]
pub fn compose_apply(
    file: String,
    text: String,
    edit: ComposeEdit,
) -> Result<Composition, WireError> {
    Ok(compose::apply(&file, &text, &edit)?)
}
