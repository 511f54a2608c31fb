//! The app's Benchmarks page over [`crate::bench`] and [`crate::quality`]: the run forms as the
//! web side sends them, one benchmark (latency or quality) at a time with a cancel handle, and
//! stored runs and comparisons as wire types (figures with their formulas, the charts the CLI
//! draws).
//!
//! Nothing here measures or computes a figure: the latency form becomes the same
//! [`LatencyRequest`] the CLI builds, the quality form goes through the
//! [`crate::quality::QualityChoices`] the CLI's flags go through, and a stored run is read back
//! through [`crate::bench::show`], [`crate::quality::show`] and [`crate::quality::compare`], so
//! the page and `triplane bench show|compare --json` cannot disagree.
//!
//! Field names are camelCase, as TypeScript reads them. Run ids cross as `u32` and times as
//! `f64` milliseconds since the Unix epoch: the bindings generator refuses 64-bit integers,
//! which JavaScript numbers cannot hold exactly.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use triplane_bench::metrics::Distribution;

use crate::bench::{self, Api, CancellationToken, LatencyRequest, LoadChoice, Progress};
use crate::ApiError;

/// Where the run's API key comes from. The key itself never crosses IPC.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum KeySource {
    /// No key (a local server).
    None,
    /// The OS keychain entry set with `triplane keys set NAME`.
    Keychain { name: String },
    /// The environment variable of the app's process holding the key.
    Env { variable: String },
}

/// How requests are issued.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LoadForm {
    /// `n` requests in flight (1 is sequential).
    Concurrency { n: u32 },
    /// `rate` requests per second, evenly spaced or as a Poisson process.
    Rate { rate: f64, poisson: bool },
    /// One run per concurrency level 1, 2, 4, … up to `max`.
    Sweep { max: u32 },
}

/// The run form of the Benchmarks page: what `triplane bench latency` takes on its command line.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LatencyForm {
    pub endpoint: String,
    /// `openai`, `anthropic` or `ollama`.
    pub api: String,
    pub model: String,
    pub candidate: Option<String>,
    pub load: LoadForm,
    /// Requests per run; when neither this nor `durationS` is given, 20 as in the CLI.
    pub requests: Option<u32>,
    pub duration_s: Option<f64>,
    /// Output tokens asked for per request (64 when absent, as in the CLI).
    pub max_tokens: Option<u32>,
    pub key: KeySource,
}

/// Live progress of a run, sent every 250 ms while it runs and once at its end.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    /// The load of the run in progress (`concurrency 2`, `constant 5 req/s`).
    pub load: String,
    /// Requests the run will send, when its end is a request count.
    pub planned: Option<u32>,
    pub sent: u32,
    pub settled: u32,
    pub ok: u32,
    pub failed: u32,
    pub elapsed_s: f64,
}

impl ProgressView {
    fn of(load: &str, p: &Progress) -> ProgressView {
        ProgressView {
            load: load.to_owned(),
            planned: p.planned,
            sent: p.sent,
            settled: p.settled,
            ok: p.ok,
            failed: p.failed,
            elapsed_s: p.elapsed_s,
        }
    }
}

/// What a finished (or cancelled) run from the page stored.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LatencyOutcome {
    /// One run, or one per level of a sweep, in order.
    pub run_ids: Vec<u32>,
    /// `completed`, `cancelled`, `aborted` or `failed`: the status of the last run.
    pub status: String,
}

/// A stored run in the list.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunRowView {
    pub run_id: u32,
    /// `latency`, `quality` or `classification`.
    pub kind: String,
    pub candidate: Option<String>,
    pub api: String,
    pub model: String,
    pub endpoint: String,
    /// `running`, `completed`, `cancelled`, `aborted` or `failed`.
    pub status: String,
    pub started_ms: f64,
    pub ended_ms: Option<f64>,
}

/// A candidate as the store knows it: the endpoint and model of its latest run.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CandidateView {
    pub candidate: String,
    pub api: String,
    pub model: String,
    pub endpoint: String,
    pub latency_runs: u32,
    pub quality_runs: u32,
    pub latest_run: u32,
}

/// One distribution of a run, in `unit`, with the formula it was computed by.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FigureView {
    /// The figure's key in `triplane bench show --json` without its unit (`ttft`, `e2e`).
    pub key: String,
    /// `ms` or `tok/s`.
    pub unit: String,
    pub count: u32,
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
    pub formula: String,
}

/// One rate of a run (request or output-token throughput).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RateView {
    pub key: String,
    pub unit: String,
    pub value: Option<f64>,
    pub formula: String,
}

/// How many requests ended one way.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OutcomeCount {
    pub outcome: String,
    pub count: u32,
}

/// An SVG chart drawn by plotters, and its file stem as `triplane bench chart` names it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChartView {
    pub name: String,
    pub svg: String,
}

/// A latency run's figures, recomputed from its stored samples.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LatencyFiguresView {
    pub requests: u32,
    pub ok: u32,
    pub outcomes: Vec<OutcomeCount>,
    pub tokens_counted_by_client: u32,
    pub duration_s: f64,
    pub figures: Vec<FigureView>,
    pub rates: Vec<RateView>,
    /// How percentiles are interpolated.
    pub percentile_formula: String,
}

/// A pass rate with its 95 % Wilson interval.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PassRateView {
    pub passes: u32,
    pub n: u32,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// Per class of a classification run: what a router relying on it would miss or over-flag.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClassRateView {
    pub label: String,
    pub support: u32,
    pub false_negative_rate: f64,
    pub false_positive_rate: f64,
}

/// A classification run's confusion matrix: `counts[i][j]` samples expected `labels[i]` were
/// answered `columns[j]`; the last column is answers naming no label.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConfusionView {
    pub labels: Vec<String>,
    pub columns: Vec<String>,
    pub counts: Vec<Vec<u32>>,
}

/// The router's two rates over the suite's label order (`docs/suites.md`, "Router rates").
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RouterRatesView {
    pub false_negative_rate: f64,
    pub false_positive_rate: f64,
}

/// pass^k: the chance that `k` samples of a case all pass, averaged over cases.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PassHatKView {
    pub k: u32,
    pub value: f64,
}

/// One stored sample's verdict, and why it failed when it did.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VerdictView {
    pub case_id: String,
    pub sample: u32,
    pub pass: bool,
    pub expected_label: Option<String>,
    pub predicted_label: Option<String>,
    /// The request's error, or the reasons of the failed expectations, as the grader wrote
    /// them (English).
    pub reason: Option<String>,
}

/// A quality or classification run's figures, computed from its stored verdicts.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityFiguresView {
    pub suite: String,
    pub task: String,
    pub samples: u32,
    pub pass_rate: PassRateView,
    /// Cases with at least one verdict.
    pub cases: u32,
    pub pass_hat_k: Vec<PassHatKView>,
    pub class_rates: Vec<ClassRateView>,
    pub router_rates: Option<RouterRatesView>,
    pub confusion: Option<ConfusionView>,
    /// The confusion matrix of a classification run, drawn.
    pub confusion_svg: Option<String>,
    /// Every stored verdict, by case then sample.
    pub verdicts: Vec<VerdictView>,
}

/// A stored run with its figures and charts.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub run: RunRowView,
    /// The load as the CLI labels it (`concurrency 2`); none for a quality run.
    pub load: Option<String>,
    pub triplane_version: String,
    /// The key's keychain entry or variable name the run used, never the key.
    pub key_name: Option<String>,
    pub latency: Option<LatencyFiguresView>,
    pub quality: Option<QualityFiguresView>,
    /// For a latency run with a successful request, the end-to-end latency CDF of those.
    pub charts: Vec<ChartView>,
}

/// The one benchmark (latency or quality) the app may have going, and the handle that cancels
/// it.
#[derive(Debug, Default)]
pub struct RunControl {
    current: Mutex<Option<CancellationToken>>,
}

/// Clears [`RunControl`] when the run ends, however it ends.
struct Running<'a>(&'a RunControl);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *self.0.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl RunControl {
    fn begin(&self) -> Result<(Running<'_>, CancellationToken), ApiError> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.is_some() {
            return Err(ApiError::usage(
                "a benchmark is already running; hint: cancel it or wait for it to end",
            ));
        }
        let token = CancellationToken::new();
        *current = Some(token.clone());
        Ok((Running(self), token))
    }

    /// Cancels the running benchmark; what it measured so far is kept. False when none runs.
    pub fn cancel(&self) -> bool {
        match &*self.current.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self) -> bool {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}

fn text(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::usage(format!("`{field}` is empty")));
    }
    Ok(v.to_owned())
}

fn optional(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn api_of(field: &str, value: &str) -> Result<Api, ApiError> {
    Api::parse(value.trim()).ok_or_else(|| {
        ApiError::usage(format!("`{field}` is `{value}`; expected openai, anthropic or ollama"))
    })
}

/// The key's variable and keychain entry names, as `--api-key-env` and `--api-key` give them.
fn key_names(prefix: &str, key: &KeySource) -> Result<(Option<String>, Option<String>), ApiError> {
    Ok(match key {
        KeySource::None => (None, None),
        KeySource::Keychain { name } => (None, Some(text(&format!("{prefix}key name"), name)?)),
        KeySource::Env { variable } => {
            (Some(text(&format!("{prefix}key variable"), variable)?), None)
        }
    })
}

/// The form as the request the CLI would build from the same choices; every refusal names the
/// field at fault.
pub fn request_of(form: &LatencyForm, db: Option<&Path>) -> Result<LatencyRequest, ApiError> {
    let endpoint = text("endpoint", &form.endpoint)?;
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
        return Err(ApiError::usage(format!(
            "`endpoint` must start with http:// or https://, got `{endpoint}`"
        )));
    }
    let api = api_of("api", &form.api)?;
    let model = text("model", &form.model)?;

    let load = match form.load {
        LoadForm::Concurrency { n: 0 } => {
            return Err(ApiError::usage("`concurrency` must be at least 1"))
        }
        LoadForm::Concurrency { n: 1 } => LoadChoice::Sequential,
        LoadForm::Concurrency { n } => LoadChoice::Concurrency(n),
        LoadForm::Rate { rate, poisson } => {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(ApiError::usage(format!("`rate` must be above 0, got `{rate}`")));
            }
            LoadChoice::Rate { rate, poisson, seed: 0 }
        }
        LoadForm::Sweep { max: 0 } => {
            return Err(ApiError::usage("`sweep` maximum concurrency must be at least 1"))
        }
        LoadForm::Sweep { max } => LoadChoice::Sweep { max_concurrency: max },
    };
    if form.requests == Some(0) {
        return Err(ApiError::usage("`requests` must be at least 1"));
    }
    let duration = match form.duration_s {
        None => None,
        Some(s) => {
            Some(Duration::try_from_secs_f64(s).ok().filter(|d| !d.is_zero()).ok_or_else(|| {
                ApiError::usage(format!(
                    "`duration` must be a positive number of seconds, got `{s}`"
                ))
            })?)
        }
    };
    let (api_key_env, api_key_name) = key_names("", &form.key)?;

    Ok(LatencyRequest {
        endpoint,
        api,
        model,
        candidate: optional(form.candidate.as_deref()),
        load,
        requests: form.requests.or(if duration.is_none() { Some(20) } else { None }),
        duration,
        max_error_rate: None,
        warmup: 0,
        max_tokens: form.max_tokens.unwrap_or(64),
        prompt_tokens: 128,
        prompt_file: None,
        timeout: Duration::from_secs(120),
        api_key_env,
        api_key_name,
        db: db.map(Path::to_path_buf),
    })
}

fn id_out(id: i64) -> Result<u32, ApiError> {
    u32::try_from(id).map_err(|_| ApiError::runtime(format!("run id {id} is out of range")))
}

/// Runs a latency benchmark from the page's form into the store. Only one runs at a time;
/// [`RunControl::cancel`] stops it and keeps what it measured.
pub async fn run_latency(
    db: Option<&Path>,
    form: &LatencyForm,
    control: &RunControl,
    on_progress: impl Fn(ProgressView) + Send + Sync + Clone + 'static,
) -> Result<LatencyOutcome, ApiError> {
    let req = request_of(form, db)?;
    let (_running, cancel) = control.begin()?;
    let report = bench::latency(&req, cancel, move |load: &str, p: &Progress| {
        on_progress(ProgressView::of(load, p))
    })
    .await?;
    let status = report.runs.last().map_or("cancelled", |r| r.status).to_owned();
    let run_ids = report.runs.iter().map(|r| id_out(r.run_id)).collect::<Result<_, _>>()?;
    Ok(LatencyOutcome { run_ids, status })
}

fn row_of(r: bench::RunRow) -> Result<RunRowView, ApiError> {
    Ok(RunRowView {
        run_id: id_out(r.run_id)?,
        kind: r.kind.to_owned(),
        candidate: r.candidate,
        api: r.api,
        model: r.model,
        endpoint: r.endpoint,
        status: r.status.to_owned(),
        started_ms: r.started as f64,
        ended_ms: r.ended.map(|e| e as f64),
    })
}

/// Stored runs of every kind, newest first.
pub fn runs(db: Option<&Path>) -> Result<Vec<RunRowView>, ApiError> {
    bench::list(db, None)?.into_iter().map(row_of).collect()
}

/// The candidates of the stored runs, most recently run first.
pub fn candidates(db: Option<&Path>) -> Result<Vec<CandidateView>, ApiError> {
    let mut out: Vec<CandidateView> = Vec::new();
    for r in bench::list(db, None)? {
        let Some(name) = r.candidate.clone() else { continue };
        let latency = u32::from(r.kind == "latency");
        match out.iter_mut().find(|c| c.candidate == name) {
            Some(c) => {
                c.latency_runs += latency;
                c.quality_runs += 1 - latency;
            }
            // The list is newest first, so the first row of a candidate is its latest run.
            None => out.push(CandidateView {
                candidate: name,
                api: r.api,
                model: r.model,
                endpoint: r.endpoint,
                latency_runs: latency,
                quality_runs: 1 - latency,
                latest_run: id_out(r.run_id)?,
            }),
        }
    }
    Ok(out)
}

/// The figures of a summary in the order the CLI prints them, each with its formula.
fn figures(s: &bench::Summary) -> LatencyFiguresView {
    let formula = |key: &str| {
        bench::formulas().iter().find(|(k, _)| *k == key).map_or("", |(_, f)| *f).to_owned()
    };
    let figure = |key: &str, unit: &str, d: &Distribution| FigureView {
        key: key.to_owned(),
        unit: unit.to_owned(),
        count: u32::try_from(d.count).unwrap_or(u32::MAX),
        mean: d.mean,
        p50: d.p50,
        p90: d.p90,
        p95: d.p95,
        p99: d.p99,
        max: d.max,
        formula: formula(key),
    };
    let rate = |key: &str, unit: &str, value: f64| RateView {
        key: key.to_owned(),
        unit: unit.to_owned(),
        value: value.is_finite().then_some(value),
        formula: formula(key),
    };
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    LatencyFiguresView {
        requests: count(s.requests),
        ok: count(s.ok),
        outcomes: s
            .outcomes
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(o, n)| OutcomeCount { outcome: (*o).to_owned(), count: count(*n) })
            .collect(),
        tokens_counted_by_client: count(s.tokens_counted_by_client),
        duration_s: s.duration_s,
        figures: vec![
            figure("ttft", "ms", &s.ttft_ms),
            figure("ttfo", "ms", &s.ttfo_ms),
            figure("itl_chunks", "ms", &s.itl_chunks_ms),
            figure("itl_mean", "ms", &s.itl_mean_ms),
            figure("tpot_guidellm", "ms", &s.tpot_guidellm_ms),
            figure("e2e", "ms", &s.e2e_ms),
            figure("ttft_from_send", "ms", &s.ttft_from_send_ms),
            figure("schedule_lag", "ms", &s.schedule_lag_ms),
            figure("output_tps", "tok/s", &s.output_tps),
        ],
        rates: vec![
            rate("request_throughput", "req/s", s.request_throughput),
            rate("output_token_throughput", "tok/s", s.output_token_throughput),
        ],
        percentile_formula: formula("percentiles"),
    }
}

fn verdict_view(v: triplane_store::QualityVerdict) -> VerdictView {
    let detail: Option<triplane_quality::grade::Verdict> =
        serde_json::from_str(&v.detail_json).ok();
    let reason = detail.and_then(|d| {
        d.error.or_else(|| {
            let failed: Vec<String> = d
                .checks
                .iter()
                .filter(|c| !c.pass)
                .map(|c| format!("{}: {}", c.grader, c.reason))
                .collect();
            (!failed.is_empty()).then(|| failed.join("; "))
        })
    });
    VerdictView {
        case_id: v.case_id,
        sample: v.sample,
        pass: v.pass,
        expected_label: v.expected_label,
        predicted_label: v.predicted_label,
        reason,
    }
}

fn pass_rate_view(r: &triplane_quality::stats::Rate) -> PassRateView {
    PassRateView { passes: r.passes, n: r.n, rate: r.rate, low: r.low, high: r.high }
}

fn quality_figures(db: Option<&Path>, run_id: i64) -> Result<QualityFiguresView, ApiError> {
    let q = crate::quality::show(db, run_id)?;
    let verdicts = crate::quality::verdicts(db, run_id)?.into_iter().map(verdict_view).collect();
    let confusion_svg = q.confusion.as_ref().map(|m| {
        triplane_report::quality::confusion_svg(
            &m.labels,
            &m.counts,
            crate::quality::OFF_LABEL,
            &format!("run {run_id}"),
        )
    });
    Ok(QualityFiguresView {
        suite: q.suite,
        task: q.task,
        samples: q.samples,
        pass_rate: pass_rate_view(&q.pass_rate),
        cases: u32::try_from(q.cases.len()).unwrap_or(u32::MAX),
        pass_hat_k: q.pass_hat_k.iter().map(|&(k, value)| PassHatKView { k, value }).collect(),
        router_rates: q.router_rates.as_ref().map(|r| RouterRatesView {
            false_negative_rate: r.false_negative_rate,
            false_positive_rate: r.false_positive_rate,
        }),
        confusion: q.confusion.as_ref().map(|m| ConfusionView {
            labels: m.labels.clone(),
            columns: m
                .labels
                .iter()
                .cloned()
                .chain([crate::quality::OFF_LABEL.to_owned()])
                .collect(),
            counts: m.counts.clone(),
        }),
        verdicts,
        class_rates: q
            .class_rates
            .into_iter()
            .map(|c| ClassRateView {
                label: c.label,
                support: c.support,
                false_negative_rate: c.false_negative_rate,
                false_positive_rate: c.false_positive_rate,
            })
            .collect(),
        confusion_svg,
    })
}

/// A stored run with its figures (recomputed from the store, as `triplane bench show` does)
/// and, for a latency run, its latency CDF.
pub fn run_view(db: Option<&Path>, run_id: u32) -> Result<RunView, ApiError> {
    let id = i64::from(run_id);
    let detail = bench::show(db, id)?;
    let key_name = ["api_key_name", "api_key_env"]
        .iter()
        .find_map(|k| detail.settings[k].as_str().map(str::to_owned));
    let latency = detail.row.kind == "latency";
    let load = latency.then(|| load_label(&detail.settings["load"])).flatten();
    // A run with no successful request has no latency to draw.
    let charts = if latency && detail.summary.ok > 0 {
        chart_views(bench::charts(db, &[id])?)
    } else {
        Vec::new()
    };
    Ok(RunView {
        load,
        triplane_version: detail.triplane_version.clone(),
        key_name,
        latency: latency.then(|| figures(&detail.summary)),
        quality: if latency { None } else { Some(quality_figures(db, id)?) },
        charts,
        run: row_of(detail.row)?,
    })
}

/// The CLI's label of a stored load (`concurrency 2`, `poisson 5 req/s`).
fn load_label(load: &serde_json::Value) -> Option<String> {
    match load["kind"].as_str()? {
        "sequential" => Some("sequential".to_owned()),
        "concurrency" => Some(format!("concurrency {}", load["n"].as_u64()?)),
        "rate" => Some(format!(
            "{} {} req/s",
            if load["poisson"].as_bool()? { "poisson" } else { "constant" },
            load["rate"].as_f64()?
        )),
        _ => None,
    }
}

/// Charts of latency runs, as `triplane bench chart` writes them: the latency CDF of each, and
/// TTFT, ITL and throughput against the load level when the runs differ in it (a sweep).
pub fn charts(db: Option<&Path>, run_ids: &[u32]) -> Result<Vec<ChartView>, ApiError> {
    if run_ids.is_empty() {
        return Err(ApiError::usage("choose at least one latency run to chart"));
    }
    let ids: Vec<i64> = run_ids.iter().map(|&i| i64::from(i)).collect();
    for &id in &ids {
        let kind = bench::show(db, id)?.row.kind;
        if kind != "latency" {
            return Err(ApiError::usage(format!(
                "run {id} is a {kind} run; only latency runs have latency charts"
            )));
        }
    }
    Ok(chart_views(bench::charts(db, &ids)?))
}

fn chart_views(charts: Vec<bench::Chart>) -> Vec<ChartView> {
    charts.into_iter().map(|c| ChartView { name: c.name.to_owned(), svg: c.svg }).collect()
}

/// A suite as the quality form lists it: built in, or a file the user picked.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SuiteView {
    /// The name `--suite` takes (`classification`), or the picked file's name.
    pub name: String,
    /// The handle of a picked file ([`SuiteFiles`]); none for a built-in suite.
    pub file: Option<u32>,
    /// Some case is graded by a judge model: a run including it needs the form's judge.
    pub judged: bool,
    pub title: String,
    /// `classification`, `tool-calling`, `structured-output` or `answers`.
    pub task: String,
    pub labels: Vec<String>,
    pub cases: Vec<SuiteCaseView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SuiteCaseView {
    pub id: String,
    /// `en` or `fr`.
    pub language: String,
}

fn suite_view(name: String, file: Option<u32>, s: triplane_quality::Suite) -> SuiteView {
    SuiteView {
        name,
        file,
        judged: s.needs_judge(),
        title: s.title,
        task: s.task.as_str().to_owned(),
        labels: s.labels,
        cases: s
            .cases
            .iter()
            .map(|c| SuiteCaseView {
                id: c.id.clone(),
                language: serde_json::to_value(c.language)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// The built-in suites (`assets/suites/`), in the order `triplane bench quality --help` names
/// them.
pub fn suites() -> Result<Vec<SuiteView>, ApiError> {
    crate::quality::BUILTIN
        .iter()
        .map(|(name, _)| {
            Ok(suite_view((*name).to_owned(), None, crate::quality::load_suite(name)?))
        })
        .collect()
}

/// The suite files the user picked in the app's native dialog, by handle: the web side names
/// a handle, never a path, so it cannot make the app read a file the user did not choose.
#[derive(Debug, Default)]
pub struct SuiteFiles {
    picked: Mutex<Vec<std::path::PathBuf>>,
}

impl SuiteFiles {
    /// Loads the suite file at `path` (checked as `triplane bench quality --suite FILE` checks
    /// it) and keeps it under a new handle.
    pub fn open(&self, path: &Path) -> Result<SuiteView, ApiError> {
        let suite = triplane_quality::suite::load_file(path)?;
        let mut picked = self.picked.lock().unwrap_or_else(|e| e.into_inner());
        let handle = u32::try_from(picked.len())
            .map_err(|_| ApiError::runtime("too many suite files opened"))?;
        picked.push(path.to_path_buf());
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        Ok(suite_view(name, Some(handle), suite))
    }

    fn path(&self, handle: u32) -> Result<std::path::PathBuf, ApiError> {
        let picked = self.picked.lock().unwrap_or_else(|e| e.into_inner());
        picked.get(handle as usize).cloned().ok_or_else(|| {
            ApiError::usage(format!("no suite file was opened as `{handle}`; hint: open it again"))
        })
    }
}

/// Which suite a quality form runs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SuiteChoice {
    /// A built-in suite by name (`classification`).
    Builtin { name: String },
    /// A file picked in the app's dialog, by its [`SuiteFiles`] handle.
    File { handle: u32 },
}

/// The judge of a quality run (`--judge-endpoint`, `--judge-api`, `--judge-model`,
/// `--judge-candidate` and the judge's key source), for suites with judged cases.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JudgeForm {
    pub endpoint: String,
    pub api: String,
    pub model: String,
    pub candidate: Option<String>,
    pub key: KeySource,
}

/// The quality form of the Benchmarks page: what `triplane bench quality` takes on its command
/// line, the suite being built in or a file the user picked.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityForm {
    pub suite: SuiteChoice,
    pub endpoint: String,
    /// `openai`, `anthropic` or `ollama`.
    pub api: String,
    pub model: String,
    pub candidate: Option<String>,
    /// Samples per case (1 when absent, as in the CLI).
    pub samples: Option<u32>,
    /// Only these case ids, as `--case` (all when empty).
    pub cases: Vec<String>,
    pub key: KeySource,
    /// The judge, for a suite with judged cases; a run of judged cases without one is refused.
    pub judge: Option<JudgeForm>,
}

/// Live progress of a quality run: sent once it starts and after every graded sample.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityProgressView {
    pub planned: u32,
    pub done: u32,
    pub passed: u32,
    pub elapsed_s: f64,
}

/// What a finished (or cancelled) quality run from the page stored.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityOutcome {
    pub run_id: u32,
    /// `completed` or `cancelled`.
    pub status: String,
}

fn model_choice(
    prefix: &str,
    endpoint: &str,
    api: &str,
    model: &str,
    candidate: Option<&str>,
    key: &KeySource,
) -> Result<crate::quality::ModelChoice, ApiError> {
    let (api_key_env, api_key_name) = key_names(prefix, key)?;
    Ok(crate::quality::ModelChoice {
        endpoint: endpoint.to_owned(),
        api: api_of(&format!("{prefix}api"), api)?,
        model: model.to_owned(),
        candidate: candidate.map(str::to_owned),
        api_key_env,
        api_key_name,
    })
}

/// The quality form as the request `triplane bench quality` builds from the same choices (its
/// defaults: one sample, a 120 s deadline, no cache); every refusal names the field at fault.
pub fn quality_request_of(
    form: &QualityForm,
    files: &SuiteFiles,
    db: Option<&Path>,
) -> Result<crate::quality::QualityRequest, ApiError> {
    let suite = match &form.suite {
        SuiteChoice::Builtin { name } => {
            let name = name.trim();
            if !crate::quality::BUILTIN.iter().any(|(n, _)| *n == name) {
                let names: Vec<&str> = crate::quality::BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(ApiError::usage(format!(
                    "`suite` is `{name}`, not a built-in suite; hint: built-in suites are {}",
                    names.join(", ")
                )));
            }
            name.to_owned()
        }
        SuiteChoice::File { handle } => files.path(*handle)?.display().to_string(),
    };
    crate::quality::QualityChoices {
        suite,
        model: model_choice(
            "",
            &form.endpoint,
            &form.api,
            &form.model,
            form.candidate.as_deref(),
            &form.key,
        )?,
        judge: form
            .judge
            .as_ref()
            .map(|j| {
                model_choice(
                    "judge ",
                    &j.endpoint,
                    &j.api,
                    &j.model,
                    j.candidate.as_deref(),
                    &j.key,
                )
            })
            .transpose()?,
        samples: form.samples.unwrap_or(crate::quality::DEFAULT_SAMPLES),
        use_cache: false,
        timeout_s: crate::quality::DEFAULT_TIMEOUT_S,
        cases: form.cases.clone(),
        db: db.map(Path::to_path_buf),
    }
    .request()
}

/// Runs a quality suite from the page's form into the store, on a blocking thread of its own
/// (the run holds the SQLite connection across its requests, so its future cannot move between
/// threads). Only one benchmark runs at a time; [`RunControl::cancel`] stops it, keeping the
/// samples graded so far, and the run is stored as `cancelled`.
pub async fn run_quality(
    db: Option<&Path>,
    form: &QualityForm,
    files: &SuiteFiles,
    control: &RunControl,
    on_progress: impl Fn(QualityProgressView) + Send + Sync + 'static,
) -> Result<QualityOutcome, ApiError> {
    let req = quality_request_of(form, files, db)?;
    let (_running, cancel) = control.begin()?;
    let report = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::runtime(format!("cannot start the async runtime: {e}")))?;
        let started = std::time::Instant::now();
        runtime.block_on(crate::quality::run(&req, cancel, &move |p: &crate::quality::Progress| {
            on_progress(QualityProgressView {
                planned: p.planned,
                done: p.done,
                passed: p.passed,
                elapsed_s: started.elapsed().as_secs_f64(),
            })
        }))
    })
    .await
    .map_err(|e| ApiError::runtime(format!("the quality run stopped: {e}")))??;
    Ok(QualityOutcome { run_id: id_out(report.summary.run_id)?, status: report.summary.status })
}

/// A candidate's price per million output tokens, as `--price CANDIDATE=EUR`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PriceForm {
    pub candidate: String,
    pub eur_per_million: f64,
}

/// One run of a comparison, as `triplane bench compare --json` lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityComparedRunView {
    pub run_id: u32,
    pub suite: String,
    /// The candidate id, or the model when the run has none (as the charts label it).
    pub candidate: String,
    pub model: String,
    pub status: String,
    pub pass_rate: PassRateView,
    /// Median end-to-end latency (ms) of the candidate's latest completed latency run.
    pub latency_p50_ms: Option<f64>,
    pub latency_run: Option<u32>,
    /// The price given for its candidate, per million output tokens.
    pub price: Option<f64>,
    /// On the Pareto front over quality, latency and price; none without a latency run.
    pub pareto: Option<bool>,
}

/// Quality runs side by side with the charts of `triplane bench compare --charts`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityComparisonView {
    pub runs: Vec<QualityComparedRunView>,
    /// `pass-rate`, `confusion-RUN` for each classification run, and `tradeoff` when a
    /// candidate has a latency run.
    pub charts: Vec<ChartView>,
}

/// Compares stored quality runs through [`crate::quality::compare`] and draws
/// [`crate::quality::charts`], as `triplane bench compare RUN… --charts DIR --price …` does.
pub fn compare(
    db: Option<&Path>,
    run_ids: &[u32],
    prices: &[PriceForm],
) -> Result<QualityComparisonView, ApiError> {
    let ids: Vec<i64> = run_ids.iter().map(|&i| i64::from(i)).collect();
    for p in prices {
        if !(p.eur_per_million.is_finite() && p.eur_per_million >= 0.0) {
            return Err(ApiError::usage(format!(
                "the price of `{}` must be a number of at least 0, got `{}`",
                p.candidate, p.eur_per_million
            )));
        }
    }
    let prices: Vec<(String, f64)> =
        prices.iter().map(|p| (p.candidate.clone(), p.eur_per_million)).collect();
    let c = crate::quality::compare(db, &ids)?;
    let points = crate::quality::trade_offs(&c, &prices);
    let front = triplane_report::quality::pareto_front(&points);
    // `trade_offs` keeps the runs with a latency figure, in order: the n-th such run is the
    // n-th point.
    let mut on_front = front.iter();
    let runs = c
        .runs
        .iter()
        .map(|r| {
            let s = &r.summary;
            let candidate = s.candidate.clone().unwrap_or_else(|| s.model.clone());
            let pareto = r.latency_p50_ms.and_then(|_| on_front.next().copied());
            Ok(QualityComparedRunView {
                run_id: id_out(s.run_id)?,
                suite: s.suite.clone(),
                price: prices.iter().find(|(n, _)| *n == candidate).map(|(_, p)| *p),
                candidate,
                model: s.model.clone(),
                status: s.status.clone(),
                pass_rate: pass_rate_view(&s.pass_rate),
                latency_p50_ms: r.latency_p50_ms,
                latency_run: r.latency_run.map(id_out).transpose()?,
                pareto,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let charts = crate::quality::charts(&c, &prices)
        .into_iter()
        .map(|c| ChartView { name: c.name, svg: c.svg })
        .collect();
    Ok(QualityComparisonView { runs, charts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(endpoint: &str) -> LatencyForm {
        LatencyForm {
            endpoint: endpoint.into(),
            api: "openai".into(),
            model: "m".into(),
            candidate: Some("  ".into()),
            load: LoadForm::Concurrency { n: 1 },
            requests: None,
            duration_s: None,
            max_tokens: None,
            key: KeySource::None,
        }
    }

    fn refusal(f: &LatencyForm) -> String {
        let e = request_of(f, None).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Usage);
        e.message
    }

    #[test]
    fn the_form_takes_the_cli_defaults() {
        let r = request_of(&form(" http://127.0.0.1:9/v1 "), None).unwrap();
        assert_eq!(r.endpoint, "http://127.0.0.1:9/v1");
        assert_eq!(r.load, LoadChoice::Sequential, "one in flight is the sequential load");
        assert_eq!(r.requests, Some(20), "no end given: 20 requests, as `bench latency`");
        assert_eq!(r.max_tokens, 64);
        assert_eq!(r.candidate, None, "a blank candidate is no candidate");
        assert_eq!((r.api_key_env, r.api_key_name), (None, None));
    }

    #[test]
    fn each_refusal_names_its_field() {
        let ok = form("http://127.0.0.1:9/v1");
        let cases: Vec<(LatencyForm, &str)> = vec![
            (LatencyForm { endpoint: "127.0.0.1:9".into(), ..ok.clone() }, "`endpoint`"),
            (LatencyForm { api: "gemini".into(), ..ok.clone() }, "`api`"),
            (LatencyForm { model: " ".into(), ..ok.clone() }, "`model`"),
            (LatencyForm { load: LoadForm::Concurrency { n: 0 }, ..ok.clone() }, "`concurrency`"),
            (
                LatencyForm { load: LoadForm::Rate { rate: 0.0, poisson: true }, ..ok.clone() },
                "`rate`",
            ),
            (LatencyForm { requests: Some(0), ..ok.clone() }, "`requests`"),
            (LatencyForm { duration_s: Some(-1.0), ..ok.clone() }, "`duration`"),
            (
                LatencyForm { key: KeySource::Env { variable: "".into() }, ..ok.clone() },
                "`key variable`",
            ),
        ];
        for (f, field) in cases {
            let message = refusal(&f);
            assert!(message.contains(field), "`{message}` should name {field}");
        }
    }

    #[test]
    fn a_key_source_keeps_only_a_name() {
        let f = LatencyForm {
            key: KeySource::Env { variable: "MISTRAL_API_KEY".into() },
            ..form("https://api.mistral.ai/v1")
        };
        let r = request_of(&f, None).unwrap();
        assert_eq!(r.api_key_env.as_deref(), Some("MISTRAL_API_KEY"));
        let f = LatencyForm { key: KeySource::Keychain { name: "mistral".into() }, ..f };
        assert_eq!(request_of(&f, None).unwrap().api_key_name.as_deref(), Some("mistral"));
    }

    /// A server that accepts connections and never answers: a run against it only ends when
    /// it is cancelled.
    async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        (url, task)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelling_keeps_the_run_and_frees_the_control() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("b.db");
        let (url, server) = silent_server().await;
        let control = std::sync::Arc::new(RunControl::default());
        let f = LatencyForm {
            candidate: Some("silent".into()),
            load: LoadForm::Concurrency { n: 2 },
            requests: Some(50),
            ..form(&url)
        };

        let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
        let run = {
            let (control, f, db) = (control.clone(), f.clone(), db.clone());
            tokio::spawn(async move {
                run_latency(Some(&db), &f, &control, move |p| {
                    let _ = seen_tx.send(p.sent);
                })
                .await
            })
        };
        // Two requests are in flight once progress says so; then a second run is refused.
        while seen.recv().await.is_some_and(|sent| sent < 2) {}
        assert!(control.is_running());
        let busy = run_latency(Some(&db), &f, &control, |_| {}).await.unwrap_err();
        assert!(busy.message.contains("already running"), "{}", busy.message);

        assert!(control.cancel(), "a run was going");
        let outcome = run.await.unwrap().unwrap();
        server.abort();
        assert_eq!(outcome.status, "cancelled");
        assert!(!control.is_running(), "the control is free once the run ended");
        assert!(!control.cancel(), "nothing left to cancel");

        let view = run_view(Some(&db), outcome.run_ids[0]).unwrap();
        assert_eq!(view.run.status, "cancelled");
        let figures = view.latency.expect("a latency run has latency figures");
        assert_eq!(figures.requests, 2, "the two requests in flight are kept");
        assert_eq!(figures.outcomes[0].outcome, "cancelled");
        assert_eq!(view.load.as_deref(), Some("concurrency 2"));
        assert!(view.charts.is_empty(), "no request succeeded, so there is no CDF to draw");

        let c = candidates(Some(&db)).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].candidate.as_str(), c[0].latency_runs), ("silent", 1));
        assert_eq!(runs(Some(&db)).unwrap()[0].run_id, outcome.run_ids[0]);
    }

    #[tokio::test]
    async fn the_page_shows_the_figures_of_bench_show() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("b.db");
        let control = RunControl::default();
        let f = LatencyForm { requests: Some(2), ..form("http://127.0.0.1:9/v1") };
        let outcome = run_latency(Some(&db), &f, &control, |_| {}).await.unwrap();
        let id = outcome.run_ids[0];
        let shown = bench::show(Some(&db), i64::from(id)).unwrap();
        let view = run_view(Some(&db), id).unwrap();
        let figures = view.latency.unwrap();
        assert_eq!(figures.requests as usize, shown.summary.requests);
        assert_eq!(figures.outcomes[0].outcome, "connect", "nothing listens on port 9");
        let formula = &figures.figures.iter().find(|x| x.key == "ttft").unwrap().formula;
        assert!(formula.starts_with("first_token - intended_send"), "{formula}");
        let err = charts(Some(&db), &[]).unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::Usage);
    }

    fn quality_form(endpoint: &str) -> QualityForm {
        QualityForm {
            suite: SuiteChoice::Builtin { name: "classification".into() },
            endpoint: endpoint.into(),
            api: "openai".into(),
            model: "m".into(),
            candidate: Some("c".into()),
            samples: None,
            cases: vec!["cls-001".into()],
            key: KeySource::Keychain { name: "mistral".into() },
            judge: None,
        }
    }

    #[test]
    fn the_quality_form_takes_the_cli_defaults_and_only_built_in_suites() {
        let files = SuiteFiles::default();
        let r = quality_request_of(&quality_form("http://127.0.0.1:9/v1"), &files, None).unwrap();
        assert_eq!(r.samples, 1, "one sample per case, as `bench quality`");
        assert_eq!(r.timeout, Duration::from_secs(120));
        assert!(!r.use_cache);
        assert_eq!(r.model.api_key_name.as_deref(), Some("mistral"), "a key crosses as a name");

        let path = SuiteChoice::Builtin { name: "/etc/passwd".into() };
        let file = QualityForm { suite: path, ..quality_form("http://x") };
        let e = quality_request_of(&file, &files, None).unwrap_err();
        assert!(e.message.contains("`suite`"), "a path is no built-in suite: {}", e.message);
        let unopened =
            QualityForm { suite: SuiteChoice::File { handle: 0 }, ..quality_form("http://x") };
        let e = quality_request_of(&unopened, &files, None).unwrap_err();
        assert!(e.message.contains("no suite file"), "only picked files are read: {}", e.message);
        let bad = QualityForm { api: "gemini".into(), ..quality_form("http://x") };
        let e = quality_request_of(&bad, &files, None).unwrap_err();
        assert!(e.message.contains("`api`"), "{}", e.message);
        let judge = JudgeForm {
            endpoint: " http://j/v1 ".into(),
            api: "anthropic".into(),
            model: "judge-model".into(),
            candidate: Some("j".into()),
            key: KeySource::Env { variable: "JUDGE_KEY".into() },
        };
        let judged = QualityForm { judge: Some(judge.clone()), ..quality_form("http://x") };
        let r = quality_request_of(&judged, &files, None).unwrap();
        let j = r.judge.expect("the judge is part of the request");
        assert_eq!((j.endpoint.as_str(), j.api), ("http://j/v1", Api::Anthropic));
        assert_eq!(
            (j.candidate.as_deref(), j.api_key_env.as_deref()),
            (Some("j"), Some("JUDGE_KEY"))
        );
        let no_key = JudgeForm { key: KeySource::Env { variable: " ".into() }, ..judge };
        let bad = QualityForm { judge: Some(no_key), ..quality_form("http://x") };
        let e = quality_request_of(&bad, &files, None).unwrap_err();
        assert!(e.message.contains("`judge key variable`"), "{}", e.message);
        let bad = QualityForm { samples: Some(0), ..quality_form("http://x") };
        let e = quality_request_of(&bad, &files, None).unwrap_err();
        assert!(e.message.contains("`samples`"), "{}", e.message);
    }

    #[test]
    fn the_built_in_suites_are_listed_with_their_cases() {
        let all = suites().unwrap();
        let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["classification", "tool-calling", "structured-output", "sovereignty-ops"]
        );
        let c = &all[0];
        assert_eq!((c.task.as_str(), c.cases.len()), ("classification", 60));
        assert!(c.cases.iter().all(|k| k.language == "en" || k.language == "fr"));
        assert!(all.iter().all(|s| s.file.is_none() && !s.judged), "built in, none judged");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_quality_run_is_stored_cancelled_and_frees_the_control() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("q.db");
        let (url, server) = silent_server().await;
        let control = std::sync::Arc::new(RunControl::default());
        let f = QualityForm { key: KeySource::None, cases: Vec::new(), ..quality_form(&url) };

        let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
        let run = {
            let (control, f, db) = (control.clone(), f.clone(), db.clone());
            tokio::spawn(async move {
                run_quality(Some(&db), &f, &SuiteFiles::default(), &control, move |p| {
                    let _ = seen_tx.send(p.planned);
                })
                .await
            })
        };
        assert_eq!(seen.recv().await, Some(60), "the first progress plans every case once");
        let busy = run_latency(Some(&db), &form(&url), &control, |_| {}).await.unwrap_err();
        assert!(busy.message.contains("already running"), "one benchmark of either kind");
        assert!(control.cancel());
        let outcome = run.await.unwrap().unwrap();
        server.abort();
        assert_eq!(outcome.status, "cancelled");
        assert!(!control.is_running());

        let view = run_view(Some(&db), outcome.run_id).unwrap();
        assert_eq!(view.run.kind, "classification");
        let q = view.quality.expect("a classification run has quality figures");
        assert_eq!(q.pass_rate.n, 0, "the request the cancel cut is no sample");
        let m = q.confusion.expect("a classification run has a confusion matrix");
        assert_eq!(m.columns.last().map(String::as_str), Some(crate::quality::OFF_LABEL));

        let c = compare(Some(&db), &[outcome.run_id], &[]).unwrap();
        let names: Vec<&str> = c.charts.iter().map(|c| c.name.as_str()).collect();
        let confusion = format!("confusion-{}", outcome.run_id);
        assert_eq!(names, ["pass-rate", confusion.as_str()], "no latency run, so no trade-off");
        assert_eq!(c.runs[0].pareto, None);
        let bad = PriceForm { candidate: "c".into(), eur_per_million: -1.0 };
        assert!(compare(Some(&db), &[outcome.run_id], &[bad]).is_err());
    }

    #[test]
    fn a_picked_suite_file_is_run_by_its_handle_and_a_broken_one_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("tiny.yaml");
        std::fs::write(
            &good,
            "suite: 1\nid: tiny\ntitle: Tiny\ntask: classification\nlanguages: [en]\n\
             authors: [me]\nlicence: MIT\nsource: test\nlabels: [public, internal]\ncases:\n\
             - {id: a, language: en, prompt: one, expect: [{label: public}]}\n",
        )
        .unwrap();
        let files = SuiteFiles::default();
        let view = files.open(&good).unwrap();
        assert_eq!((view.name.as_str(), view.file, view.cases.len()), ("tiny.yaml", Some(0), 1));
        let f = QualityForm {
            suite: SuiteChoice::File { handle: 0 },
            cases: Vec::new(),
            ..quality_form("http://x")
        };
        let r = quality_request_of(&f, &files, None).unwrap();
        assert_eq!(r.suite, good.display().to_string(), "the handle stands for the picked path");

        let broken = dir.path().join("broken.yaml");
        std::fs::write(&broken, "suite: 1\nid: b\ntitel: B\n").unwrap();
        let e = files.open(&broken).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Invalid);
        assert!(e.message.contains("broken.yaml:"), "the error names the file: {}", e.message);
    }
}
