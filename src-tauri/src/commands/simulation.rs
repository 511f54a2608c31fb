//! Simulation of the deployment the app has open.

use triplane_api::simulation;
use triplane_api::view::{ComparisonView, SimulationView, WireError};

/// `text` is the deployment text the web side holds (a picked file, a project); without it
/// `file` must be `example:ID`. This command reads no file.
#[tauri::command]
#[specta::specta]
pub fn simulation_run(
    file: String,
    text: Option<String>,
    seed: u32,
) -> Result<SimulationView, WireError> {
    Ok(simulation::view(&file, text.as_deref(), seed)?)
}

/// Two to four bundled examples by ID, simulated with the same seed.
#[tauri::command]
#[specta::specta]
pub fn simulation_compare(ids: Vec<String>, seed: u32) -> Result<ComparisonView, WireError> {
    Ok(simulation::compare_view(&ids, seed)?)
}
