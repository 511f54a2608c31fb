//! Simulation use cases: simulate one deployment, compare several. Both faces call these;
//! the engine itself lives in `triplane-sim` and does no I/O.

use triplane_sim::compare::Comparison;
use triplane_sim::{SimError, SimReport};

use crate::{deployment, ApiError};

pub use triplane_sim::{Options, DEFAULT_SEED};

/// Loads `path` (or `example:NAME`) and simulates it.
pub fn simulate(path: &str, options: &Options) -> Result<SimReport, ApiError> {
    let d = deployment::load(path)?;
    triplane_sim::simulate(&d, options).map_err(ApiError::from)
}

/// Simulates each file with the same options and lines them up.
pub fn compare(paths: &[String], options: &Options) -> Result<Comparison, ApiError> {
    let mut reports = Vec::new();
    let mut personal = Vec::new();
    for path in paths {
        let d = deployment::load(path)?;
        personal.push(d.data_classes.iter().filter(|c| c.personal).map(|c| c.id.clone()).collect());
        reports.push(triplane_sim::simulate(&d, options)?);
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
    let d = match text {
        Some(text) => deployment::load_text(file, text)?,
        None if file.starts_with("example:") => deployment::load(file)?,
        None => {
            return Err(ApiError::usage(format!(
                "`{file}` is not a bundled example; send the deployment text to simulate it"
            )))
        }
    };

    let options = Options { seed: u64::from(seed), ..Options::default() };
    let report = triplane_sim::simulate(&d, &options)?;
    Ok(crate::view::SimulationView::from(&report))
}

/// Simulates two to four bundled examples (by ID) with the same seed for the Compare view.
pub fn compare_view(ids: &[String], seed: u32) -> Result<crate::view::ComparisonView, ApiError> {
    if !(2..=4).contains(&ids.len()) {
        return Err(ApiError::usage(format!("compare two to four deployments, not {}", ids.len())));
    }

    let paths: Vec<String> = ids.iter().map(|id| format!("example:{id}")).collect();
    let options = Options { seed: u64::from(seed), ..Options::default() };
    Ok(crate::view::ComparisonView::from(&compare(&paths, &options)?))
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
/// false-negative and false-positive rates replace the file's.
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
    if let Some(c) = d.routing.as_mut().and_then(|r| r.classifier.as_mut()) {
        if let Some(rates) = crate::quality::classifier_rates(&store, &c.component)? {
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
    Ok((triplane_sim::simulate(&d, options)?, measured, latencies))
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
    fn the_compare_view_takes_two_to_four_examples() {
        let one = compare_view(&["hybrid".to_string()], 42).unwrap_err();
        assert_eq!(one.code, crate::ErrorCode::Usage, "one deployment is no comparison");

        let ids = ["hybrid".to_string(), "sovereign".to_string()];
        let view = compare_view(&ids, 42).unwrap();
        assert_eq!(view.variants.len(), 2);
        assert_eq!(view.variants[0].file, "example:hybrid");
    }

    #[test]
    fn the_app_view_reads_no_path_the_web_side_names() {
        let e = view("/etc/passwd", None, 42).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Usage, "only `example:ID` is loaded without text");
    }
}
