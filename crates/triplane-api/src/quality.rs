//! Quality use cases: run a suite against a candidate into the store, show and re-grade a
//! stored run, compare runs across candidates, and hand the simulation the error rates of a
//! candidate's latest classification run. The grading is `triplane_quality`'s; this module
//! turns user choices into targets, keeps secrets out of what is stored, and maps errors to
//! the codes both faces branch on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use triplane_bench::storage::from_sample;
use triplane_quality::run::{self as qrun, QualityError, RunOptions};
use triplane_quality::stats::{ClassRates, ClassRouterRates, RouterRates};
use triplane_quality::{SuiteError, Target};
use triplane_store::{RunKind, RunStatus, Store};

pub use triplane_quality::run::{Progress, QualitySummary};
pub use triplane_quality::stats::OFF_LABEL;
pub use triplane_quality::suite::BUILTIN;

use crate::bench::{Api, CancellationToken};
use crate::{ApiError, ErrorCode};

/// A model to send requests to, as the user named it.
#[derive(Debug, Clone)]
pub struct ModelChoice {
    pub endpoint: String,
    pub api: Api,
    pub model: String,
    pub candidate: Option<String>,
    /// The environment variable holding the key; never its value.
    pub api_key_env: Option<String>,
    /// The OS keychain entry holding the key (`triplane keys set NAME`); never its value.
    pub api_key_name: Option<String>,
}

/// A quality run to carry out.
#[derive(Debug, Clone)]
pub struct QualityRequest {
    /// A built-in suite name or a suite file.
    pub suite: String,
    pub model: ModelChoice,
    /// The judge, for suites with judged cases; it is recorded with the run.
    pub judge: Option<ModelChoice>,
    pub samples: u32,
    /// Reuse stored answers to identical requests (re-grading without new requests).
    pub use_cache: bool,
    pub timeout: Duration,
    /// Only these case ids (all when empty).
    pub cases: Vec<String>,
    pub db: Option<PathBuf>,
}

/// What `run` returns: the stored run's figures.
#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub db: PathBuf,
    pub summary: QualitySummary,
    /// Wall-clock seconds the run took.
    pub elapsed_s: f64,
}

fn open_store(db: Option<&Path>) -> Result<Store, ApiError> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => triplane_store::default_path()?,
    };
    Ok(Store::open(path)?)
}

impl From<SuiteError> for ApiError {
    fn from(e: SuiteError) -> ApiError {
        match e {
            SuiteError::Invalid { .. } => ApiError::new(ErrorCode::Invalid, e.to_string()),
            SuiteError::Read { .. } | SuiteError::Unknown { .. } => ApiError::usage(e.to_string()),
        }
    }
}

impl From<QualityError> for ApiError {
    fn from(e: QualityError) -> ApiError {
        match e {
            QualityError::Store(s) => s.into(),
            QualityError::NoJudge { .. }
            | QualityError::NoSamples
            | QualityError::NotQuality { .. } => ApiError::usage(e.to_string()),
            other => ApiError::runtime(error_chain(&other)),
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn target(m: &ModelChoice) -> Result<Target, ApiError> {
    let key = crate::keys::resolve(m.api_key_env.as_deref(), m.api_key_name.as_deref())?;
    Ok(Target::new(m.api, &m.endpoint, &m.model, m.candidate.clone(), key))
}

/// Loads a suite by built-in name or file, for the faces to list or check.
pub fn load_suite(name_or_path: &str) -> Result<triplane_quality::Suite, ApiError> {
    Ok(triplane_quality::resolve(name_or_path)?)
}

/// Runs a suite into the store and summarises the stored run.
pub async fn run(
    req: &QualityRequest,
    cancel: CancellationToken,
    on_progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<QualityReport, ApiError> {
    let suite = triplane_quality::resolve(&req.suite)?;
    let candidate = target(&req.model)?;
    let judge = req.judge.as_ref().map(target).transpose()?;
    let mut store = open_store(req.db.as_deref())?;
    let options = RunOptions {
        samples: req.samples,
        use_cache: req.use_cache,
        timeout: req.timeout,
        cases: req.cases.clone(),
    };
    let started = std::time::Instant::now();
    let (run_id, _) = qrun::run_suite(
        &suite,
        &candidate,
        judge.as_ref(),
        &options,
        qrun::KeyNames {
            api_key_env: req.model.api_key_env.clone(),
            api_key_name: req.model.api_key_name.clone(),
        },
        &mut store,
        &cancel,
        on_progress,
    )
    .await?;
    let elapsed_s = started.elapsed().as_secs_f64();
    Ok(QualityReport {
        db: store.path().to_path_buf(),
        summary: qrun::summarize(&store, run_id)?,
        elapsed_s,
    })
}

/// A stored quality run's figures.
pub fn show(db: Option<&Path>, run_id: i64) -> Result<QualitySummary, ApiError> {
    let store = open_store(db)?;
    Ok(qrun::summarize(&store, run_id)?)
}

/// One sample whose re-grade differs from its stored verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub case_id: String,
    pub sample: u32,
    pub stored_pass: Option<bool>,
    pub regraded_pass: bool,
}

/// The result of re-grading a stored run from its stored answers.
#[derive(Debug, Clone, Serialize)]
pub struct Regrade {
    pub run_id: i64,
    pub samples: usize,
    pub differences: Vec<Difference>,
}

/// Grades the stored answers of a run again, without any request, and lists every sample
/// whose verdict (pass, labels, per-check results) differs from the stored one.
pub fn regrade(db: Option<&Path>, run_id: i64) -> Result<Regrade, ApiError> {
    let store = open_store(db)?;
    let stored: BTreeMap<(String, u32), triplane_store::QualityVerdict> = store
        .quality_verdicts(run_id)?
        .into_iter()
        .map(|v| ((v.case_id.clone(), v.sample), v))
        .collect();
    let again = qrun::regrade(&store, run_id)?;
    let mut differences = Vec::new();
    for (case_id, sample, v) in &again {
        let row = qrun::to_row(case_id, *sample, v);
        let old = stored.get(&(case_id.clone(), *sample));
        if old != Some(&row) {
            differences.push(Difference {
                case_id: case_id.clone(),
                sample: *sample,
                stored_pass: old.map(|o| o.pass),
                regraded_pass: v.pass,
            });
        }
    }
    if again.len() != stored.len() {
        // A stored verdict without a stored answer cannot be re-graded: report it as differing.
        for (case_id, sample) in stored.keys() {
            if !again.iter().any(|(c, s, _)| c == case_id && s == sample) {
                differences.push(Difference {
                    case_id: case_id.clone(),
                    sample: *sample,
                    stored_pass: stored.get(&(case_id.clone(), *sample)).map(|v| v.pass),
                    regraded_pass: false,
                });
            }
        }
    }
    Ok(Regrade { run_id, samples: again.len(), differences })
}

/// One run in a comparison, with the latency of its candidate when a latency run exists.
#[derive(Debug, Clone, Serialize)]
pub struct ComparedRun {
    pub summary: QualitySummary,
    /// Median end-to-end latency (ms) of the candidate's latest completed latency run.
    pub latency_p50_ms: Option<f64>,
    pub latency_run: Option<i64>,
}

/// Quality runs side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub runs: Vec<ComparedRun>,
}

/// Lines up stored quality runs, each with its candidate's latest latency figures.
pub fn compare(db: Option<&Path>, run_ids: &[i64]) -> Result<Comparison, ApiError> {
    if run_ids.is_empty() {
        return Err(ApiError::usage("name at least one run to compare"));
    }
    let store = open_store(db)?;
    let mut runs = Vec::new();
    for &id in run_ids {
        let summary = qrun::summarize(&store, id)?;
        let latency = match &summary.candidate {
            Some(c) => latest_latency(&store, c)?,
            None => None,
        };
        runs.push(ComparedRun {
            latency_p50_ms: latency.map(|(_, p)| p),
            latency_run: latency.map(|(id, _)| id),
            summary,
        });
    }
    Ok(Comparison { runs })
}

fn latest_latency(store: &Store, candidate: &str) -> Result<Option<(i64, f64)>, ApiError> {
    let run = store
        .list_runs(Some(candidate))?
        .into_iter()
        .find(|r| r.kind == RunKind::Latency && r.status == RunStatus::Completed);
    let Some(run) = run else { return Ok(None) };
    let records: Vec<_> = store.samples(run.id)?.iter().filter_map(from_sample).collect();
    let summary = triplane_bench::metrics::summarize(&records);
    Ok(summary.e2e_ms.p50.map(|p| (run.id, p)))
}

/// The error rates of a candidate's latest classification run, for the router's classifier.
#[derive(Debug, Clone, Serialize)]
pub struct ClassifierRates {
    pub run_id: i64,
    pub candidate: String,
    /// Per class, one-vs-rest.
    pub per_class: Vec<ClassRates>,
    /// Over the suite's label order, all classes together: the summary a report shows.
    pub router: RouterRates,
    /// Per data class of the deployment, over its own ranks: the share of that class's
    /// samples labelled less sensitive (false negative) and more sensitive or unplaceable
    /// (false positive). These are the rates the simulation draws from.
    pub per_class_router: Vec<ClassRouterRates>,
}

/// The rates measured by the latest completed classification run of `candidate`, if any.
/// `classes` are the deployment's data classes as `(id, rank)`: a label that names one gets
/// its rank, any other label counts as unplaceable (the router sends it the protected way).
pub fn classifier_rates(
    store: &Store,
    candidate: &str,
    classes: &[(String, u8)],
) -> Result<Option<ClassifierRates>, ApiError> {
    let run = store
        .list_runs(Some(candidate))?
        .into_iter()
        .find(|r| r.kind == RunKind::Classification && r.status == RunStatus::Completed);
    let Some(run) = run else { return Ok(None) };
    let summary = qrun::summarize(store, run.id)?;
    let (Some(router), Some(confusion)) = (summary.router_rates, summary.confusion.as_ref()) else {
        return Ok(None);
    };
    let rank =
        |label: &str| classes.iter().find(|(id, _)| id == label).map(|(_, rank)| i32::from(*rank));
    Ok(Some(ClassifierRates {
        run_id: run.id,
        candidate: candidate.to_owned(),
        per_class_router: confusion.router_rates_by_class(rank),
        per_class: summary.class_rates,
        router,
    }))
}

/// Writes the comparison's charts into `dir`: pass rate per suite per candidate, the
/// confusion matrix of each classification run, and quality against latency against cost
/// (for runs whose candidate has a latency run). `prices` are per million output tokens.
pub fn write_charts(
    c: &Comparison,
    prices: &[(String, f64)],
    dir: &Path,
) -> Result<Vec<PathBuf>, ApiError> {
    use triplane_report::quality::{confusion_svg, pass_rate_svg, tradeoff_svg, PassBar, TradeOff};

    std::fs::create_dir_all(dir)
        .map_err(|e| ApiError::runtime(format!("cannot create `{}`: {e}", dir.display())))?;
    let name = |s: &QualitySummary| s.candidate.clone().unwrap_or_else(|| s.model.clone());
    let mut files = Vec::new();
    let mut write = |file: String, svg: String| -> Result<(), ApiError> {
        let path = dir.join(file);
        std::fs::write(&path, svg)
            .map_err(|e| ApiError::runtime(format!("cannot write `{}`: {e}", path.display())))?;
        files.push(path);
        Ok(())
    };

    let bars: Vec<PassBar> = c
        .runs
        .iter()
        .map(|r| PassBar {
            suite: r.summary.suite.clone(),
            candidate: name(&r.summary),
            rate: r.summary.pass_rate.rate,
            low: r.summary.pass_rate.low,
            high: r.summary.pass_rate.high,
        })
        .collect();
    write("pass-rate.svg".into(), pass_rate_svg(&bars, "Pass rate per suite (95 % CI)"))?;

    for r in &c.runs {
        if let Some(m) = &r.summary.confusion {
            let title =
                format!("Confusion matrix, run {} ({})", r.summary.run_id, name(&r.summary));
            write(
                format!("confusion-{}.svg", r.summary.run_id),
                confusion_svg(&m.labels, &m.counts, OFF_LABEL, &title),
            )?;
        }
    }

    let points: Vec<TradeOff> = c
        .runs
        .iter()
        .filter_map(|r| {
            let candidate = name(&r.summary);
            Some(TradeOff {
                cost: prices.iter().find(|(n, _)| *n == candidate).map(|(_, p)| *p),
                candidate,
                quality: r.summary.pass_rate.rate,
                latency_ms: r.latency_p50_ms?,
            })
        })
        .collect();
    if !points.is_empty() {
        write("tradeoff.svg".into(), tradeoff_svg(&points, "Quality, latency and cost"))?;
    }
    Ok(files)
}
