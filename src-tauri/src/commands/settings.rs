//! API keys in the OS keychain, as the Settings page shows them: masked, never in full.
//! The keychain is a D-Bus service on Linux, so these run off the UI thread.

use triplane_api::keys::{self, KeyStatus, KeysOverview};
use triplane_api::view::WireError;

/// The known providers and the `extra` key names, with their keychain and environment status.
#[tauri::command]
#[specta::specta]
pub async fn settings_keys(extra: Vec<String>) -> Result<KeysOverview, WireError> {
    Ok(keys::overview(&extra)?)
}

/// Stores (or replaces) a key; the answer shows it masked.
#[tauri::command]
#[specta::specta]
pub async fn settings_set_key(name: String, secret: String) -> Result<KeyStatus, WireError> {
    Ok(keys::set(&name, &secret)?)
}

#[tauri::command]
#[specta::specta]
pub async fn settings_delete_key(name: String) -> Result<KeyStatus, WireError> {
    Ok(keys::delete(&name)?)
}
