//! The Benchmarks page: latency and quality runs with live progress and cancel, stored runs
//! with their figures and charts, comparisons of quality runs, in the store file the app was
//! started with.

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use triplane_api::bench_app::{
    self, CandidateView, ChartView, LatencyForm, LatencyOutcome, PriceForm, ProgressView,
    QualityComparisonView, QualityForm, QualityOutcome, QualityProgressView, RunControl,
    RunRowView, RunView, SuiteFiles, SuiteView,
};
use triplane_api::view::WireError;

use crate::dialog;
use crate::state::AppState;

/// Runs a latency benchmark off the UI thread; `on_progress` receives its progress live. One
/// run at a time; `bench_cancel` stops it and keeps what it measured.
#[tauri::command]
#[specta::specta]
pub async fn bench_run_latency(
    state: State<'_, AppState>,
    control: State<'_, RunControl>,
    form: LatencyForm,
    on_progress: Channel<ProgressView>,
) -> Result<LatencyOutcome, WireError> {
    Ok(bench_app::run_latency(state.db.as_deref(), &form, &control, move |p| {
        let _ = on_progress.send(p);
    })
    .await?)
}

/// Cancels the running benchmark; false when none runs.
#[tauri::command]
#[specta::specta]
pub fn bench_cancel(control: State<'_, RunControl>) -> bool {
    control.cancel()
}

#[tauri::command]
#[specta::specta]
pub fn bench_runs(state: State<'_, AppState>) -> Result<Vec<RunRowView>, WireError> {
    Ok(bench_app::runs(state.db.as_deref())?)
}

#[tauri::command]
#[specta::specta]
pub fn bench_candidates(state: State<'_, AppState>) -> Result<Vec<CandidateView>, WireError> {
    Ok(bench_app::candidates(state.db.as_deref())?)
}

#[tauri::command]
#[specta::specta]
pub fn bench_run(state: State<'_, AppState>, run: u32) -> Result<RunView, WireError> {
    Ok(bench_app::run_view(state.db.as_deref(), run)?)
}

/// Charts of several latency runs together (a sweep: percentiles against the load level).
#[tauri::command]
#[specta::specta]
pub fn bench_charts(
    state: State<'_, AppState>,
    runs: Vec<u32>,
) -> Result<Vec<ChartView>, WireError> {
    Ok(bench_app::charts(state.db.as_deref(), &runs)?)
}

/// The built-in quality suites, for the quality form.
#[tauri::command]
#[specta::specta]
pub fn bench_suites() -> Result<Vec<SuiteView>, WireError> {
    Ok(bench_app::suites()?)
}

/// Shows the open dialog for a quality suite file and loads it; `null` when the user
/// cancelled. The web side gets the suite under a handle, never its path.
#[tauri::command]
#[specta::specta]
pub async fn bench_open_suite(
    app: AppHandle,
    files: State<'_, SuiteFiles>,
) -> Result<Option<SuiteView>, WireError> {
    dialog::pick_suite(&app)?.map(|p| Ok(files.open(&p)?)).transpose()
}

/// Runs a quality suite off the UI thread; `on_progress` receives its progress live. One
/// benchmark at a time; `bench_cancel` stops it and keeps the samples graded so far.
#[tauri::command]
#[specta::specta]
pub async fn bench_run_quality(
    state: State<'_, AppState>,
    control: State<'_, RunControl>,
    files: State<'_, SuiteFiles>,
    form: QualityForm,
    on_progress: Channel<QualityProgressView>,
) -> Result<QualityOutcome, WireError> {
    Ok(bench_app::run_quality(state.db.as_deref(), &form, &files, &control, move |p| {
        let _ = on_progress.send(p);
    })
    .await?)
}

/// Quality runs side by side with the charts of `triplane bench compare --charts`.
#[tauri::command]
#[specta::specta]
pub fn bench_compare(
    state: State<'_, AppState>,
    runs: Vec<u32>,
    prices: Vec<PriceForm>,
) -> Result<QualityComparisonView, WireError> {
    Ok(bench_app::compare(state.db.as_deref(), &runs, &prices)?)
}
