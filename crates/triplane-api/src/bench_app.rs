//! The app's Benchmarks page over [`crate::bench`] and [`crate::quality`]: the run form as the
//! web side sends it, one latency run at a time with a cancel handle, and stored runs as wire
//! types (figures with their formulas, the charts the CLI draws).
//!
//! Nothing here measures or computes a figure: the form becomes the same [`LatencyRequest`] the
//! CLI builds, and a stored run is read back through [`crate::bench::show`] and
//! [`crate::quality::show`], so the page and `triplane bench show --json` cannot disagree.
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

/// A quality or classification run's figures, computed from its stored verdicts.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QualityFiguresView {
    pub suite: String,
    pub task: String,
    pub samples: u32,
    pub pass_rate: PassRateView,
    pub cases: u32,
    pub class_rates: Vec<ClassRateView>,
    /// The confusion matrix of a classification run.
    pub confusion_svg: Option<String>,
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

/// The one latency run the app may have going, and the handle that cancels it.
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

/// The form as the request the CLI would build from the same choices; every refusal names the
/// field at fault.
pub fn request_of(form: &LatencyForm, db: Option<&Path>) -> Result<LatencyRequest, ApiError> {
    let endpoint = text("endpoint", &form.endpoint)?;
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
        return Err(ApiError::usage(format!(
            "`endpoint` must start with http:// or https://, got `{endpoint}`"
        )));
    }
    let api = Api::parse(form.api.trim()).ok_or_else(|| {
        ApiError::usage(format!("`api` is `{}`; expected openai, anthropic or ollama", form.api))
    })?;
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
    let (api_key_env, api_key_name) = match &form.key {
        KeySource::None => (None, None),
        KeySource::Keychain { name } => (None, Some(text("key name", name)?)),
        KeySource::Env { variable } => (Some(text("key variable", variable)?), None),
    };

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

fn quality_figures(db: Option<&Path>, run_id: i64) -> Result<QualityFiguresView, ApiError> {
    let q = crate::quality::show(db, run_id)?;
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
        pass_rate: PassRateView {
            passes: q.pass_rate.passes,
            n: q.pass_rate.n,
            rate: q.pass_rate.rate,
            low: q.pass_rate.low,
            high: q.pass_rate.high,
        },
        cases: u32::try_from(q.cases.len()).unwrap_or(u32::MAX),
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
}
