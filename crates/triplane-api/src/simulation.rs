//! Simulation use cases: simulate one deployment, compare several. Both faces call these;
//! the engine itself lives in `triplane-sim` and does no I/O.

use std::sync::atomic::AtomicBool;

use triplane_sim::compare::Comparison;
use triplane_sim::{Control, PolicySet, SimError, SimReport};

use crate::{deployment, ApiError, ErrorCode};

pub use triplane_sim::{Options, Progress, DEFAULT_SEED};

/// Loads `path` (or `example:NAME`) and simulates it.
pub fn simulate(path: &str, options: &Options) -> Result<SimReport, ApiError> {
    let d = deployment::load(path)?;
    triplane_sim::simulate(&d, options).map_err(ApiError::from)
}

/// Like [`simulate`], but the caller can stop the run and follow it: a long run (many
/// `days`, a big workload) belongs off the UI thread, e.g. in `spawn_blocking`.
///
/// - `cancel`: set it (`store(true, Relaxed)`) from any thread to stop the run; it is looked
///   at every [`triplane_sim::CHECK_EVERY_SESSIONS`] sessions, so the call returns within
///   milliseconds with an [`ApiError`] whose code is [`ErrorCode::Cancelled`] and no partial
///   report. A flag already set before the call cancels it before the first session.
/// - `progress`: called on the simulating thread with the sessions simulated so far and the
///   fraction done (0 to 1, never decreasing), at most about a thousand times per call and
///   once more with exactly 1 when the run completes. Keep it cheap: forward the value (a
///   Tauri `Channel` send, a terminal redraw) and return.
///
/// For the same file and options the report equals [`simulate`]'s, byte for byte.
pub fn simulate_controlled(
    path: &str,
    options: &Options,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress),
) -> Result<SimReport, ApiError> {
    let d = deployment::load(path)?;
    run_controlled(&d, options, cancel, &mut progress)
}

fn run_controlled(
    d: &triplane_model::Deployment,
    options: &Options,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<SimReport, ApiError> {
    let policies = PolicySet::builtin()?;
    let mut control = Control::new(cancel, progress);
    Ok(triplane_sim::simulate_controlled(d, options, &policies, &mut control)?)
}

/// Simulates each file with the same options and lines them up.
pub fn compare(paths: &[String], options: &Options) -> Result<Comparison, ApiError> {
    let deployments =
        paths.iter().map(|p| deployment::load(p)).collect::<Result<Vec<_>, ApiError>>()?;
    compare_deployments(&deployments, options)
}

/// Simulates each loaded deployment with the same options and lines them up: [`compare`]
/// once the files are read, for a face that holds some of the texts itself.
pub fn compare_deployments(
    deployments: &[triplane_model::Deployment],
    options: &Options,
) -> Result<Comparison, ApiError> {
    let mut reports = Vec::new();
    let mut personal = Vec::new();
    for d in deployments {
        personal.push(d.data_classes.iter().filter(|c| c.personal).map(|c| c.id.clone()).collect());
        reports.push(triplane_sim::simulate(d, options)?);
    }
    Ok(triplane_sim::compare::compare(&reports, &personal))
}

/// Simulates a deployment the app has open and shapes the report for the Simulation view:
/// `text` is the deployment text the web side sent (a picked file, a project revision) under
/// the name `file`; without text, `file` must be `example:ID`. No path the web side names is
/// ever read.
pub fn view(
    file: &str,
    text: Option<&str>,
    seed: u32,
) -> Result<crate::view::SimulationView, ApiError> {
    let options = Options { seed: u64::from(seed), ..Options::default() };
    let never = AtomicBool::new(false);
    view_controlled(file, text, &options, &never, |_| {})
}

/// [`view`] with any [`Options`] (days, scenario), a cancel flag and a progress callback,
/// which behave as in [`simulate_controlled`]: set `cancel` to get an error with code
/// [`ErrorCode::Cancelled`] within milliseconds; `progress` gets the fraction done (0 to 1,
/// never decreasing, exactly 1 at the end) at most about a thousand times. `file` and `text`
/// are read as in [`view`]: no path the web side names is ever read.
pub fn view_controlled(
    file: &str,
    text: Option<&str>,
    options: &Options,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress),
) -> Result<crate::view::SimulationView, ApiError> {
    let d = match text {
        Some(text) => deployment::load_text(file, text)?,
        None if file.starts_with("example:") => deployment::load(file)?,
        None => {
            return Err(ApiError::usage(format!(
                "`{file}` is not a bundled example; send the deployment text to simulate it"
            )))
        }
    };

    let report = run_controlled(&d, options, cancel, &mut progress)?;
    Ok(crate::view::SimulationView::from(&report))
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> ApiError {
        let message = e.to_string();
        match e {
            SimError::Invalid { diagnostics, .. } => ApiError::invalid(message, diagnostics),
            SimError::Options { .. } => ApiError::usage(message),
            // A built-in pack that does not compile or fails is a defect of this build.
            SimError::PolicyCompile { .. } | SimError::PolicyEval { .. } => {
                ApiError::runtime(message)
            }
            SimError::TooLarge { .. } => {
                ApiError::usage(format!("{message}; simulate fewer days or a smaller workload"))
            }
            SimError::Cancelled => ApiError::new(ErrorCode::Cancelled, message),
        }
    }
}

/// Classifier error rates a simulation took from a stored classification run instead of the
/// deployment file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeasuredClassifier {
    /// The classifier's model component, which is also the benchmarked candidate's id.
    pub component: String,
    pub measured: crate::quality::ClassifierRates,
    /// The rates the file gave, now replaced.
    pub file_false_negative_rate: f64,
    pub file_false_positive_rate: f64,
}

/// Like [`simulate`], but when the deployment's router has a classifier whose component id is
/// a candidate with a completed classification run in `db`, the latest such run's measured
/// false-negative and false-positive rates replace the file's: per data class for the draws
/// (a request's deciding class picks the rates), all classes together for the report.
///
/// Likewise, each model component whose id is a candidate with a completed latency run
/// takes that run's p50 TTFT and decode rate instead of the file's figures; the third
/// element lists them, naming the run.
pub fn simulate_with_store(
    path: &str,
    options: &Options,
    db: &std::path::Path,
) -> Result<(SimReport, Option<MeasuredClassifier>, Vec<MeasuredLatency>), ApiError> {
    let mut d = deployment::load(path)?;
    let store = triplane_store::Store::open(db)?;
    let mut latencies = Vec::new();
    for c in &mut d.components {
        if let Some(m) = crate::bench::measured_latency(&store, &c.id)? {
            let file = c.latency.clone().unwrap_or(triplane_model::LatencySpec {
                ttft_ms: None,
                output_tokens_per_s: None,
                overhead_ms: None,
                sources: vec![],
                note: None,
            });
            latencies.push(MeasuredLatency {
                component: c.id.clone(),
                file_ttft_ms: file.ttft_ms,
                file_output_tokens_per_s: file.output_tokens_per_s,
                measured: m.clone(),
            });
            let mut spec = file;
            spec.ttft_ms = Some(m.ttft_ms);
            spec.output_tokens_per_s = Some(m.output_tokens_per_s);
            spec.note = Some(format!("measured by latency run {}", m.run_id));
            c.latency = Some(spec);
        }
    }
    let mut measured = None;
    let mut options = options.clone();
    let classes: Vec<(String, u8)> =
        d.data_classes.iter().map(|c| (c.id.clone(), c.rank)).collect();
    if let Some(c) = d.routing.as_mut().and_then(|r| r.classifier.as_mut()) {
        if let Some(rates) = crate::quality::classifier_rates(&store, &c.component, &classes)? {
            options.class_miss_rates = rates
                .per_class_router
                .iter()
                .map(|r| triplane_sim::plan::ClassMissRates {
                    class: r.label.clone(),
                    false_negative_rate: r.false_negative_rate,
                    false_positive_rate: r.false_positive_rate,
                })
                .collect();
            measured = Some(MeasuredClassifier {
                component: c.component.clone(),
                file_false_negative_rate: c.false_negative_rate,
                file_false_positive_rate: c.false_positive_rate,
                measured: rates.clone(),
            });
            c.false_negative_rate = rates.router.false_negative_rate;
            c.false_positive_rate = rates.router.false_positive_rate;
        }
    }
    Ok((triplane_sim::simulate(&d, &options)?, measured, latencies))
}

/// Latency figures a simulation took from a stored latency run instead of the file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeasuredLatency {
    /// The model component, which is also the benchmarked candidate's id.
    pub component: String,
    pub measured: crate::bench::MeasuredLatency,
    /// The figures the file gave (or none), now replaced.
    pub file_ttft_ms: Option<f64>,
    pub file_output_tokens_per_s: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_view_carries_the_reports_figures() {
        let report = simulate("example:hybrid", &Options::default()).unwrap();
        let view = view("example:hybrid", None, 42).unwrap();

        let grades: Vec<(String, String)> = report
            .scorecard
            .planes
            .iter()
            .map(|p| (p.plane.clone(), p.grade.to_string()))
            .collect();
        let shown: Vec<(String, String)> =
            view.scorecard.iter().map(|p| (p.plane.clone(), p.grade.clone())).collect();
        assert_eq!(shown, grades, "the view is the report of the default seed");
        assert_eq!(view.totals.flows, report.totals.flows as f64);
        assert_eq!(view.violations.len(), report.violations.len());
        assert!(view.heatmap_svg.starts_with("<svg"), "the heat map is an SVG document");
    }

    #[test]
    fn a_controlled_run_reports_rising_progress_and_the_same_report() {
        let options = Options { days: 3, ..Options::default() };
        let plain = simulate("example:hybrid", &options).unwrap();

        let mut seen = Vec::new();
        let never = AtomicBool::new(false);
        let got =
            simulate_controlled("example:hybrid", &options, &never, |p| seen.push(p)).unwrap();
        assert_eq!(got, plain, "following a run must not change its report");
        assert!(seen.len() > 2, "three days of hybrid report progress more than twice: {seen:?}");
        assert!(
            seen.windows(2)
                .all(|w| w[0].fraction <= w[1].fraction && w[0].sessions <= w[1].sessions),
            "progress never goes back: {seen:?}"
        );
        let last = seen.last().unwrap();
        assert_eq!(last.fraction, 1.0, "a completed run ends at exactly 1");
        assert_eq!(last.sessions, plain.totals.sessions, "the last call counts every session");
    }

    #[test]
    fn setting_the_cancel_flag_stops_a_run_with_the_cancelled_code() {
        let cancel = AtomicBool::new(true);
        let e = simulate_controlled("example:hybrid", &Options::default(), &cancel, |_| {})
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled, "a flag set before the call cancels it: {e}");

        // Cancel from the middle of a year, as the app's Cancel button does from another thread.
        let cancel = AtomicBool::new(false);
        let year = Options { days: 365, ..Options::default() };
        let mut last = 0.0;
        let e = simulate_controlled("example:mcp-tunnel", &year, &cancel, |p| {
            last = p.fraction;
            if p.fraction >= 0.01 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled, "{e}");
        assert!(last < 0.05, "the run stopped soon after the flag was set, at {last}");
    }

    #[test]
    fn the_controlled_view_takes_days_and_a_scenario() {
        let options =
            Options { days: 2, scenario: Some("dpf-annulled".into()), ..Options::default() };
        let never = AtomicBool::new(false);
        let mut fractions = Vec::new();
        let view = view_controlled("example:hybrid", None, &options, &never, |p| {
            fractions.push(p.fraction)
        })
        .unwrap();
        let report = simulate("example:hybrid", &options).unwrap();
        assert_eq!(view.totals.flows, report.totals.flows as f64);
        assert!(fractions.iter().any(|f| (0.4..0.6).contains(f)), "two runs: half-way shows");
        assert_eq!(fractions.last(), Some(&1.0));
    }

    #[test]
    fn the_app_view_reads_no_path_the_web_side_names() {
        let e = view("/etc/passwd", None, 42).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Usage, "only `example:ID` is loaded without text");
    }
}
