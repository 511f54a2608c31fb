//! The catalog of operators, sites, offerings and laws.

use triplane_api::catalog::{self, CatalogEntry};
use triplane_api::view::WireError;

#[tauri::command]
#[specta::specta]
pub fn catalog_search(query: Option<String>) -> Result<Vec<CatalogEntry>, WireError> {
    Ok(catalog::search(query.as_deref())?)
}
