//! Simulation of the deployment the app has open, and its comparison with bundled examples.

use tauri::ipc::Channel;
use tauri::State;
use triplane_api::simulation_run::{
    self, CompareRequest, SimulationControl, SimulationOutcome, SimulationProgress,
    SimulationRequest,
};
use triplane_api::view::{ComparisonView, WireError};

use crate::state::AppState;

/// Simulates the open deployment (an example, a project's revision, or the text the web side
/// holds) off the UI thread, with its representative session; `on_progress` receives the
/// fraction done. One run at a time; `simulation_cancel` stops it. This command reads no file.
#[tauri::command]
#[specta::specta]
pub async fn simulation_run(
    state: State<'_, AppState>,
    control: State<'_, SimulationControl>,
    request: SimulationRequest,
    on_progress: Channel<SimulationProgress>,
) -> Result<SimulationOutcome, WireError> {
    Ok(simulation_run::run(state.db.as_deref(), request, &control, move |p| {
        let _ = on_progress.send(p);
    })
    .await?)
}

/// Cancels the running simulation; false when none runs.
#[tauri::command]
#[specta::specta]
pub fn simulation_cancel(control: State<'_, SimulationControl>) -> bool {
    control.cancel()
}

/// The open deployment (read as `simulation_run` reads it) beside one to three bundled
/// examples, simulated with the same seed for one day, off the UI thread. Reads no file.
#[tauri::command]
#[specta::specta]
pub async fn simulation_compare(
    state: State<'_, AppState>,
    request: CompareRequest,
) -> Result<ComparisonView, WireError> {
    Ok(simulation_run::compare(state.db.as_deref(), request).await?)
}
