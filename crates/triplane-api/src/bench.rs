//! Benchmark use cases: run a latency benchmark into the store, list stored runs, show one
//! with its figures. The measuring is `triplane_bench`'s; this module turns user choices
//! into run specs, keeps secrets out of what is stored, and maps outcomes to run statuses.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use triplane_bench::client::ApiKey;
use triplane_bench::load::sweep_levels;
use triplane_bench::metrics::{summarize, FORMULAS};
use triplane_bench::prompt::PromptSource;
use triplane_bench::runner::{self, Limits, RunSpec, StopReason};
use triplane_bench::storage::{from_sample, new_latency_run, StoreSink};
use triplane_bench::{Endpoint, Load, RequestOptions};
use triplane_store::{RunStatus, Store};

pub use tokio_util::sync::CancellationToken;
pub use triplane_bench::metrics::{Distribution, Summary};
pub use triplane_bench::runner::Progress;
pub use triplane_bench::Api;

use crate::{ApiError, ErrorCode};

/// How requests are issued, as the user chose it.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadChoice {
    Sequential,
    Concurrency(u32),
    Rate {
        rate: f64,
        poisson: bool,
        seed: u64,
    },
    /// One run per concurrency level 1, 2, 4, … up to the given maximum.
    Sweep {
        max_concurrency: u32,
    },
}

/// A latency benchmark to run.
#[derive(Debug, Clone)]
pub struct LatencyRequest {
    pub endpoint: String,
    pub api: Api,
    pub model: String,
    pub candidate: Option<String>,
    pub load: LoadChoice,
    /// Per run (per sweep level for a sweep).
    pub requests: Option<u32>,
    pub duration: Option<Duration>,
    pub max_error_rate: Option<f64>,
    pub warmup: u32,
    pub max_tokens: u32,
    pub prompt_tokens: u32,
    pub prompt_file: Option<PathBuf>,
    pub timeout: Duration,
    /// The name of the environment variable holding the key; never its value.
    pub api_key_env: Option<String>,
    /// The name of the key's OS keychain entry (`triplane keys set NAME`), used when no
    /// variable is named.
    pub api_key_name: Option<String>,
    pub db: Option<PathBuf>,
}

/// One stored run and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub run_id: i64,
    pub candidate: Option<String>,
    pub api: String,
    pub model: String,
    pub endpoint: String,
    pub load: String,
    pub status: &'static str,
    pub started: i64,
    pub ended: Option<i64>,
    pub summary: Summary,
}

/// The result of `latency`: one run, or one per sweep level.
#[derive(Debug, Clone, Serialize)]
pub struct LatencyReport {
    pub db: PathBuf,
    pub runs: Vec<RunReport>,
    /// `(figure, formula)` for every figure in `summary`.
    pub formulas: Vec<(&'static str, &'static str)>,
}

impl LatencyReport {
    /// True when any request failed or a run stopped early: the command "found problems".
    pub fn has_problems(&self) -> bool {
        self.runs.iter().any(|r| r.summary.ok < r.summary.requests || r.status == "aborted")
    }
}

/// What is stored as the run's `settings_json`: every choice that shaped the figures, and
/// the key's variable name at most.
#[derive(Serialize)]
struct Settings<'a> {
    load: &'a Load,
    limits: &'a Limits,
    request: &'a RequestOptions,
    prompts: &'a PromptSource,
    api_key_env: Option<&'a str>,
    api_key_name: Option<&'a str>,
    sweep: Option<SweepPoint<'a>>,
    warmup_outcomes: Vec<&'static str>,
}

#[derive(Serialize)]
struct SweepPoint<'a> {
    levels: &'a [u32],
    index: usize,
}

/// `(figure, formula)` for every figure of a [`Summary`].
pub fn formulas() -> &'static [(&'static str, &'static str)] {
    FORMULAS
}

fn open_store(db: Option<&Path>) -> Result<Store, ApiError> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => triplane_store::default_path()?,
    };
    Ok(Store::open(path)?)
}

fn status_of(stop: StopReason) -> RunStatus {
    match stop {
        StopReason::Completed => RunStatus::Completed,
        StopReason::Cancelled => RunStatus::Cancelled,
        StopReason::ErrorRate => RunStatus::Aborted,
        StopReason::SinkFailed => RunStatus::Failed,
    }
}

/// Runs a latency benchmark and stores each run as it goes.
pub async fn latency(
    req: &LatencyRequest,
    cancel: CancellationToken,
    on_progress: impl Fn(&str, &Progress) + Send + Sync + Clone + 'static,
) -> Result<LatencyReport, ApiError> {
    if req.requests.is_none() && req.duration.is_none() {
        return Err(ApiError::usage("a run needs an end; hint: give `--requests` or `--duration`"));
    }
    let api_key = crate::keys::resolve(req.api_key_env.as_deref(), req.api_key_name.as_deref())?
        .map(ApiKey::new);
    let prompts = match &req.prompt_file {
        Some(path) => PromptSource::from_file(path).map_err(|e| ApiError::usage(e.to_string()))?,
        None => PromptSource::Synthetic { tokens: req.prompt_tokens, seed: 0 },
    };
    let endpoint =
        Endpoint { api: req.api, url: req.endpoint.clone(), model: req.model.clone(), api_key };
    let (loads, levels): (Vec<Load>, Vec<u32>) = match req.load {
        LoadChoice::Sequential => (vec![Load::Sequential], vec![]),
        LoadChoice::Concurrency(n) => (vec![Load::Concurrency { n }], vec![]),
        LoadChoice::Rate { rate, poisson, seed } => {
            (vec![Load::Rate { rate, poisson, seed }], vec![])
        }
        LoadChoice::Sweep { max_concurrency } => {
            let levels = sweep_levels(max_concurrency);
            (levels.iter().map(|&n| Load::Concurrency { n }).collect(), levels)
        }
    };

    let mut store = Some(open_store(req.db.as_deref())?);
    let db = store.as_ref().map(|s| s.path().to_path_buf()).unwrap_or_default();
    let mut runs = Vec::new();
    for (index, load) in loads.into_iter().enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        let spec = RunSpec {
            endpoint: endpoint.clone(),
            request: RequestOptions {
                max_tokens: req.max_tokens,
                temperature: None,
                timeout: req.timeout,
            },
            load,
            limits: Limits {
                max_requests: req.requests,
                max_duration: req.duration,
                max_error_rate: req.max_error_rate,
                warmup: req.warmup,
            },
            prompts: prompts.clone(),
        };
        let sweep = (!levels.is_empty()).then_some(SweepPoint { levels: &levels, index });
        let (report, back) = run_one(
            store.take().expect("the store is returned after each run"),
            &spec,
            req,
            sweep,
            &cancel,
            on_progress.clone(),
        )
        .await?;
        store = Some(back);
        let stopped_early = report.status != RunStatus::Completed.as_str();
        runs.push(report);
        if stopped_early {
            break;
        }
    }
    Ok(LatencyReport { db, runs, formulas: FORMULAS.to_vec() })
}

async fn run_one(
    store: Store,
    spec: &RunSpec,
    req: &LatencyRequest,
    sweep: Option<SweepPoint<'_>>,
    cancel: &CancellationToken,
    on_progress: impl Fn(&str, &Progress) + Send + Sync + 'static,
) -> Result<(RunReport, Store), ApiError> {
    let label = spec.load.label();
    let settings = |warmup: Vec<&'static str>, sweep: Option<SweepPoint<'_>>| {
        serde_json::to_string(&Settings {
            load: &spec.load,
            limits: &spec.limits,
            request: &spec.request,
            prompts: &spec.prompts,
            api_key_env: req.api_key_env.as_deref(),
            api_key_name: req.api_key_name.as_deref(),
            sweep,
            warmup_outcomes: warmup,
        })
        .unwrap_or_else(|_| "{}".to_owned())
    };
    let new_run = new_latency_run(
        req.candidate.clone(),
        &spec.endpoint,
        settings(vec![], sweep.as_ref().map(|s| SweepPoint { levels: s.levels, index: s.index })),
        triplane_store::now_ms(),
    );
    let run_id = store.insert_run(&new_run)?;

    let progress_label = label.clone();
    let sink = StoreSink { store, run_id };
    let (result, sink) =
        runner::run(spec, sink, cancel.clone(), move |p| on_progress(&progress_label, p))
            .await
            .map_err(|e| ApiError::usage(e.to_string()))?;
    let store = sink.store;

    let status = status_of(result.stop);
    store.finish_run(run_id, triplane_store::now_ms(), status)?;
    if let Some(e) = &result.sink_error {
        return Err(ApiError::runtime(format!(
            "run {run_id} stopped: its samples could not be stored: {e}"
        )));
    }
    let run = store.run(run_id)?;
    let report = RunReport {
        run_id,
        candidate: run.candidate,
        api: run.api,
        model: run.model,
        endpoint: run.endpoint,
        load: label,
        status: status.as_str(),
        started: run.started,
        ended: run.ended,
        summary: summarize(&result.records),
    };
    Ok((report, store))
}

/// The figures the simulation takes from a candidate's latest completed latency run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredLatency {
    pub run_id: i64,
    pub candidate: String,
    /// p50 of TTFT, milliseconds.
    pub ttft_ms: f64,
    /// `1000 / p50 of ITL (mean)`: the decode rate once streaming.
    pub output_tokens_per_s: f64,
    /// p50 of end-to-end latency, milliseconds.
    pub e2e_ms: f64,
    pub ok_requests: usize,
}

/// The latest completed latency run of `candidate` with at least one successful request
/// that streamed two tokens or more (so a decode rate exists), as [`MeasuredLatency`].
pub fn measured_latency(
    store: &Store,
    candidate: &str,
) -> Result<Option<MeasuredLatency>, ApiError> {
    let runs = store.list_runs(Some(candidate))?;
    for run in runs
        .iter()
        .filter(|r| r.kind == triplane_store::RunKind::Latency && r.status == RunStatus::Completed)
    {
        let records: Vec<_> = store.samples(run.id)?.iter().filter_map(from_sample).collect();
        let s = summarize(&records);
        if let (Some(ttft), Some(itl), Some(e2e)) = (s.ttft_ms.p50, s.itl_mean_ms.p50, s.e2e_ms.p50)
        {
            if itl > 0.0 {
                return Ok(Some(MeasuredLatency {
                    run_id: run.id,
                    candidate: candidate.to_owned(),
                    ttft_ms: ttft,
                    output_tokens_per_s: 1000.0 / itl,
                    e2e_ms: e2e,
                    ok_requests: s.ok,
                }));
            }
        }
    }
    Ok(None)
}

/// A stored run without its figures.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub run_id: i64,
    pub kind: &'static str,
    pub candidate: Option<String>,
    pub api: String,
    pub model: String,
    pub endpoint: String,
    pub status: &'static str,
    pub started: i64,
    pub ended: Option<i64>,
}

/// Stored runs, newest first, optionally of one candidate.
pub fn list(db: Option<&Path>, candidate: Option<&str>) -> Result<Vec<RunRow>, ApiError> {
    let store = open_store(db)?;
    Ok(store
        .list_runs(candidate)?
        .into_iter()
        .map(|r| RunRow {
            run_id: r.id,
            kind: r.kind.as_str(),
            candidate: r.candidate,
            api: r.api,
            model: r.model,
            endpoint: r.endpoint,
            status: r.status.as_str(),
            started: r.started,
            ended: r.ended,
        })
        .collect())
}

/// One stored run with its settings, machine and figures recomputed from its samples.
#[derive(Debug, Clone, Serialize)]
pub struct RunDetail {
    #[serde(flatten)]
    pub row: RunRow,
    pub triplane_version: String,
    pub settings: serde_json::Value,
    pub machine: serde_json::Value,
    pub summary: Summary,
    pub formulas: Vec<(&'static str, &'static str)>,
}

/// Shows a stored run.
pub fn show(db: Option<&Path>, run_id: i64) -> Result<RunDetail, ApiError> {
    let store = open_store(db)?;
    let run = store.run(run_id)?;
    let samples = store.samples(run_id)?;
    let records = samples
        .iter()
        .map(|s| {
            from_sample(s).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Runtime,
                    format!(
                        "run {run_id} sample {} has the unknown outcome `{}`",
                        s.idx, s.outcome
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let parse = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
    Ok(RunDetail {
        row: RunRow {
            run_id: run.id,
            kind: run.kind.as_str(),
            candidate: run.candidate,
            api: run.api,
            model: run.model,
            endpoint: run.endpoint,
            status: run.status.as_str(),
            started: run.started,
            ended: run.ended,
        },
        triplane_version: run.triplane_version,
        settings: parse(&run.settings_json),
        machine: parse(&run.machine_json),
        summary: summarize(&records),
        formulas: FORMULAS.to_vec(),
    })
}

/// One chart, SVG text.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// File stem: `latency-cdf`, `ttft-vs-load`, `itl-vs-load`, `throughput-vs-load`.
    pub name: &'static str,
    pub svg: String,
}

/// The load level of a stored run for charts: concurrency (sequential = 1) or rate.
fn load_level(settings: &serde_json::Value) -> Option<(f64, &'static str)> {
    let load = &settings["load"];
    match load["kind"].as_str()? {
        "sequential" => Some((1.0, "concurrency")),
        "concurrency" => Some((load["n"].as_f64()?, "concurrency")),
        "rate" => Some((load["rate"].as_f64()?, "requests per second")),
        _ => None,
    }
}

/// Charts of stored runs: the end-to-end latency CDF of each run, and, when the runs differ
/// in load level (a sweep), TTFT and ITL percentiles and output throughput against it.
pub fn charts(db: Option<&Path>, run_ids: &[i64]) -> Result<Vec<Chart>, ApiError> {
    use triplane_bench::charts::{self as ch, Series};

    let draw = |e: ch::ChartError| ApiError::runtime(e.to_string());
    let mut series = Vec::new();
    let mut levels = Vec::new();
    for &id in run_ids {
        let d = show(db, id)?;
        let store = open_store(db)?;
        let records: Vec<_> = store.samples(id)?.iter().filter_map(from_sample).collect();
        let e2e: Vec<f64> = records
            .iter()
            .filter(|r| r.outcome == triplane_bench::Outcome::Ok)
            .filter_map(|r| triplane_bench::metrics::request_metrics(r).e2e_ms)
            .collect();
        series.push(Series { label: format!("run {id}"), values: e2e });
        if let Some((x, unit)) = load_level(&d.settings) {
            levels.push((x, unit, d.summary));
        }
    }

    let mut out = vec![Chart {
        name: "latency-cdf",
        svg: ch::latency_cdf("End-to-end latency", "milliseconds", &series).map_err(draw)?,
    }];
    let distinct = |v: &[(f64, &str, Summary)]| {
        let mut xs: Vec<f64> = v.iter().map(|l| l.0).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs.len() > 1 && v.iter().all(|l| l.1 == v[0].1)
    };
    if distinct(&levels) {
        levels.sort_by(|a, b| a.0.total_cmp(&b.0));
        let unit = levels[0].1;
        let ttft: Vec<_> = levels.iter().map(|l| (l.0, l.2.ttft_ms.clone())).collect();
        let itl: Vec<_> = levels.iter().map(|l| (l.0, l.2.itl_chunks_ms.clone())).collect();
        let tput: Vec<_> = levels.iter().map(|l| (l.0, l.2.output_token_throughput)).collect();
        out.push(Chart {
            name: "ttft-vs-load",
            svg: ch::percentiles_vs_load("TTFT", unit, "milliseconds", &ttft).map_err(draw)?,
        });
        out.push(Chart {
            name: "itl-vs-load",
            svg: ch::percentiles_vs_load("ITL (chunks)", unit, "milliseconds", &itl)
                .map_err(draw)?,
        });
        out.push(Chart {
            name: "throughput-vs-load",
            svg: ch::throughput_vs_load("Output throughput", unit, "output tokens/s", &tput)
                .map_err(draw)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(db: &Path) -> LatencyRequest {
        LatencyRequest {
            endpoint: "http://127.0.0.1:9/v1".into(),
            api: Api::Openai,
            model: "m".into(),
            candidate: None,
            load: LoadChoice::Sequential,
            requests: Some(1),
            duration: None,
            max_error_rate: None,
            warmup: 0,
            max_tokens: 8,
            prompt_tokens: 16,
            prompt_file: None,
            timeout: Duration::from_secs(5),
            api_key_env: None,
            api_key_name: None,
            db: Some(db.to_path_buf()),
        }
    }

    #[tokio::test]
    async fn a_missing_key_variable_is_a_usage_error_and_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("b.db");
        let mut req = request(&db);
        req.api_key_env = Some("TRIPLANE_TEST_SURELY_UNSET_VARIABLE".into());
        let err = latency(&req, CancellationToken::new(), |_, _| {}).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Usage);
        assert!(err.message.contains("TRIPLANE_TEST_SURELY_UNSET_VARIABLE"), "{}", err.message);
        assert!(!db.exists(), "nothing is written before the inputs are known to be good");
    }

    #[tokio::test]
    async fn the_key_never_reaches_the_database() {
        const SECRET: &str = "sk-triplane-test-7f3a9c1e5b";
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("b.db");
        // A name no other test uses: the variable is process-wide.
        std::env::set_var("TRIPLANE_TEST_BENCH_KEY", SECRET);
        let mut req = request(&db);
        req.api_key_env = Some("TRIPLANE_TEST_BENCH_KEY".into());
        let report = latency(&req, CancellationToken::new(), |_, _| {}).await.unwrap();

        let shown = show(Some(&db), report.runs[0].run_id).unwrap();
        assert_eq!(shown.settings["api_key_env"], "TRIPLANE_TEST_BENCH_KEY", "the name is kept");
        // Every file SQLite wrote (main, WAL, shared memory) is free of the secret.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "the key leaked into the database files"
            );
        }
    }

    #[tokio::test]
    async fn an_unreachable_endpoint_is_stored_as_failed_requests_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("b.db");
        let report = latency(&request(&db), CancellationToken::new(), |_, _| {}).await.unwrap();
        assert!(report.has_problems());
        let run = &report.runs[0];
        assert_eq!(run.summary.outcomes["connect"], 1);
        let shown = show(Some(&db), run.run_id).unwrap();
        assert_eq!(shown.summary, run.summary, "show recomputes the same figures from the store");
        assert_eq!(list(Some(&db), None).unwrap().len(), 1);
        assert!(shown.settings["api_key_env"].is_null());
    }
}
