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

/// Samples per case when none is given, on both faces.
pub const DEFAULT_SAMPLES: u32 = 1;
/// Per-request deadline in seconds when none is given, on both faces.
pub const DEFAULT_TIMEOUT_S: f64 = 120.0;

/// A quality run as a face received it (the CLI's flags, the app's form), before it is
/// checked: [`QualityChoices::request`] turns it into the one [`QualityRequest`] both run.
#[derive(Debug, Clone)]
pub struct QualityChoices {
    /// A built-in suite name or a suite file.
    pub suite: String,
    pub model: ModelChoice,
    pub judge: Option<ModelChoice>,
    pub samples: u32,
    pub use_cache: bool,
    /// Per-request deadline in seconds.
    pub timeout_s: f64,
    /// Only these case ids (all when empty); blank entries are dropped.
    pub cases: Vec<String>,
    pub db: Option<PathBuf>,
}

fn checked_text(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::usage(format!("`{field}` is empty")));
    }
    Ok(v.to_owned())
}

fn checked_model(prefix: &str, m: ModelChoice) -> Result<ModelChoice, ApiError> {
    let endpoint = checked_text(&format!("{prefix}endpoint"), &m.endpoint)?;
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
        return Err(ApiError::usage(format!(
            "`{prefix}endpoint` must start with http:// or https://, got `{endpoint}`"
        )));
    }
    let blank = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(ModelChoice {
        endpoint,
        api: m.api,
        model: checked_text(&format!("{prefix}model"), &m.model)?,
        candidate: blank(m.candidate),
        api_key_env: blank(m.api_key_env),
        api_key_name: blank(m.api_key_name),
    })
}

impl QualityChoices {
    /// The request to run; every refusal names the field at fault.
    pub fn request(self) -> Result<QualityRequest, ApiError> {
        let timeout = Duration::try_from_secs_f64(self.timeout_s)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| ApiError::usage("`timeout` must be a positive number of seconds"))?;
        if self.samples == 0 {
            return Err(ApiError::usage("`samples` must be at least 1"));
        }
        Ok(QualityRequest {
            suite: checked_text("suite", &self.suite)?,
            model: checked_model("", self.model)?,
            judge: self.judge.map(|j| checked_model("judge ", j)).transpose()?,
            samples: self.samples,
            use_cache: self.use_cache,
            timeout,
            cases: self
                .cases
                .iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect(),
            db: self.db,
        })
    }
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
            | QualityError::UnknownCase { .. }
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

/// The stored verdicts of a quality run, by case then sample.
pub fn verdicts(
    db: Option<&Path>,
    run_id: i64,
) -> Result<Vec<triplane_store::QualityVerdict>, ApiError> {
    let store = open_store(db)?;
    qrun::settings_of(&store, run_id)?;
    Ok(store.quality_verdicts(run_id)?)
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

/// A chart of a comparison: its file stem (`pass-rate`, `confusion-RUN`, `tradeoff`) and SVG.
#[derive(Debug, Clone)]
pub struct QualityChart {
    pub name: String,
    pub svg: String,
}

fn shown_name(s: &QualitySummary) -> String {
    s.candidate.clone().unwrap_or_else(|| s.model.clone())
}

/// The points of the quality × latency × cost chart: one per run whose candidate has a
/// latency run, priced from `prices` (per million output tokens) when its candidate is named.
pub fn trade_offs(
    c: &Comparison,
    prices: &[(String, f64)],
) -> Vec<triplane_report::quality::TradeOff> {
    c.runs
        .iter()
        .filter_map(|r| {
            let candidate = shown_name(&r.summary);
            Some(triplane_report::quality::TradeOff {
                cost: prices.iter().find(|(n, _)| *n == candidate).map(|(_, p)| *p),
                candidate,
                quality: r.summary.pass_rate.rate,
                latency_ms: r.latency_p50_ms?,
            })
        })
        .collect()
}

/// The comparison's charts, as `bench compare --charts` writes them: pass rate per suite per
/// candidate, the confusion matrix of each classification run, and quality against latency
/// against cost (when a run's candidate has a latency run).
pub fn charts(c: &Comparison, prices: &[(String, f64)]) -> Vec<QualityChart> {
    use triplane_report::quality::{confusion_svg, pass_rate_svg, tradeoff_svg, PassBar};

    let mut out = Vec::new();
    let bars: Vec<PassBar> = c
        .runs
        .iter()
        .map(|r| PassBar {
            suite: r.summary.suite.clone(),
            candidate: shown_name(&r.summary),
            rate: r.summary.pass_rate.rate,
            low: r.summary.pass_rate.low,
            high: r.summary.pass_rate.high,
        })
        .collect();
    out.push(QualityChart {
        name: "pass-rate".into(),
        svg: pass_rate_svg(&bars, "Pass rate per suite (95 % CI)"),
    });

    for r in &c.runs {
        if let Some(m) = &r.summary.confusion {
            let title =
                format!("Confusion matrix, run {} ({})", r.summary.run_id, shown_name(&r.summary));
            out.push(QualityChart {
                name: format!("confusion-{}", r.summary.run_id),
                svg: confusion_svg(&m.labels, &m.counts, OFF_LABEL, &title),
            });
        }
    }

    let points = trade_offs(c, prices);
    if !points.is_empty() {
        out.push(QualityChart {
            name: "tradeoff".into(),
            svg: tradeoff_svg(&points, "Quality, latency and cost"),
        });
    }
    out
}

/// Writes [`charts`] into `dir`, one `NAME.svg` each.
pub fn write_charts(
    c: &Comparison,
    prices: &[(String, f64)],
    dir: &Path,
) -> Result<Vec<PathBuf>, ApiError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ApiError::runtime(format!("cannot create `{}`: {e}", dir.display())))?;
    let mut files = Vec::new();
    for chart in charts(c, prices) {
        let path = dir.join(format!("{}.svg", chart.name));
        std::fs::write(&path, chart.svg)
            .map_err(|e| ApiError::runtime(format!("cannot write `{}`: {e}", path.display())))?;
        files.push(path);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::sync::mpsc;

    const SUITE: &str = "suite: 1\nid: cut\ntitle: Cut\ntask: classification\nlanguages: [en]\n\
        authors: [me]\nlicence: MIT\nsource: test\nlabels: [public, internal]\ncases:\n\
        - {id: a, language: en, prompt: one, expect: [{label: public}]}\n\
        - {id: b, language: en, prompt: two, expect: [{label: internal}]}\n\
        - {id: c, language: en, prompt: three, expect: [{label: public}]}\n\
        - {id: d, language: en, prompt: four, expect: [{label: public}]}\n";

    const JUDGED: &str = "suite: 1\nid: judged\ntitle: Judged\ntask: answers\nlanguages: [en]\n\
        authors: [me]\nlicence: MIT\nsource: test\ncases:\n\
        - {id: a, language: en, prompt: hi, expect: [{judge: {rubric: says hi}}]}\n";

    /// A chat completions server that answers its first `answered` requests with `public`, then
    /// holds every later one unanswered and says so on the returned channel.
    async fn server(answered: usize) -> (String, mpsc::UnboundedReceiver<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let (held_tx, held) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut seen = 0;
            let mut holding = Vec::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // The whole request: headers, then `content-length` bytes of body.
                loop {
                    let n = socket.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                seen += 1;
                if seen > answered {
                    holding.push(socket);
                    let _ = held_tx.send(());
                    continue;
                }
                let body = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"public"},"finish_reason":"stop"}]}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        (url, held)
    }

    fn model(url: &str) -> ModelChoice {
        ModelChoice {
            endpoint: url.to_owned(),
            api: Api::Openai,
            model: "m".into(),
            candidate: Some("cut".into()),
            api_key_env: None,
            api_key_name: None,
        }
    }

    /// Runs `suite` against `url`, cancelling once the server holds a request; returns the run.
    async fn cancelled_run(
        dir: &Path,
        suite: &str,
        url: &str,
        judged: bool,
        mut held: mpsc::UnboundedReceiver<()>,
    ) -> i64 {
        let file = dir.join("suite.yaml");
        std::fs::write(&file, suite).unwrap();
        let req = QualityChoices {
            suite: file.display().to_string(),
            model: model(url),
            judge: judged.then(|| model(url)),
            samples: 1,
            use_cache: false,
            timeout_s: DEFAULT_TIMEOUT_S,
            cases: Vec::new(),
            db: Some(dir.join("q.db")),
        }
        .request()
        .unwrap();
        let cancel = CancellationToken::new();
        // Polled together in this task: a run's future is not `Send` (it holds the store).
        let cut = async {
            held.recv().await.expect("the server holds a request in flight");
            cancel.cancel();
        };
        let (report, ()) = tokio::join!(super::run(&req, cancel.clone(), &|_| {}), cut);
        report.unwrap().summary.run_id
    }

    #[tokio::test]
    async fn a_cancel_cutting_a_request_stores_no_sample_and_regrades_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("q.db");
        let (url, held) = server(2).await;
        let run_id = cancelled_run(dir.path(), SUITE, &url, false, held).await;

        let summary = show(Some(&db), run_id).unwrap();
        assert_eq!(summary.status, "cancelled", "a cut run is stored as cancelled");
        let stored = verdicts(Some(&db), run_id).unwrap();
        let cases: Vec<&str> = stored.iter().map(|v| v.case_id.as_str()).collect();
        assert_eq!(cases, ["a", "b"], "only the two answered cases have a verdict");
        assert_eq!(
            (summary.pass_rate.passes, summary.pass_rate.n),
            (1, 2),
            "`public` is right for a, wrong for b; the cut case counts nowhere"
        );
        let store = Store::open(&db).unwrap();
        assert_eq!(
            store.quality_answers(run_id).unwrap().len(),
            2,
            "the request the cancel cut left no answer row"
        );

        let again = regrade(Some(&db), run_id).unwrap();
        assert_eq!(again.samples, 2);
        assert!(again.differences.is_empty(), "re-grading differs: {:?}", again.differences);
    }

    #[tokio::test]
    async fn a_judged_case_whose_judge_was_cut_has_no_verdict_stored_or_regraded() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("q.db");
        // The candidate's request is answered; the judge's is held until the cancel.
        let (url, held) = server(1).await;
        let run_id = cancelled_run(dir.path(), JUDGED, &url, true, held).await;

        assert_eq!(show(Some(&db), run_id).unwrap().status, "cancelled");
        assert!(verdicts(Some(&db), run_id).unwrap().is_empty(), "the sample was never graded");
        let store = Store::open(&db).unwrap();
        let answers = store.quality_answers(run_id).unwrap();
        assert_eq!(answers.len(), 1, "the candidate's answer stays stored, the judge left none");
        let again = regrade(Some(&db), run_id).unwrap();
        assert_eq!(again.samples, 0, "re-grading skips the case its judge never answered");
        assert!(again.differences.is_empty(), "{:?}", again.differences);
    }

    #[test]
    fn choices_take_trimmed_values_and_refusals_name_their_field() {
        let ok = QualityChoices {
            suite: " classification ".into(),
            model: ModelChoice { candidate: Some(" ".into()), ..model(" http://127.0.0.1:9/v1 ") },
            judge: None,
            samples: DEFAULT_SAMPLES,
            use_cache: false,
            timeout_s: DEFAULT_TIMEOUT_S,
            cases: vec![" c-001 ".into(), "".into()],
            db: None,
        };
        let r = ok.clone().request().unwrap();
        assert_eq!(
            (r.suite.as_str(), r.model.endpoint.as_str()),
            ("classification", "http://127.0.0.1:9/v1")
        );
        assert_eq!(r.model.candidate, None, "a blank candidate is no candidate");
        assert_eq!(r.cases, ["c-001"]);
        assert_eq!(r.timeout, Duration::from_secs(120));

        let refused = |c: QualityChoices, field: &str| {
            let e = c.request().unwrap_err();
            assert_eq!(e.code, ErrorCode::Usage);
            assert!(e.message.contains(field), "`{}` should name {field}", e.message);
        };
        refused(QualityChoices { samples: 0, ..ok.clone() }, "`samples`");
        refused(QualityChoices { timeout_s: 0.0, ..ok.clone() }, "`timeout`");
        refused(QualityChoices { suite: " ".into(), ..ok.clone() }, "`suite`");
        refused(QualityChoices { model: model("localhost:8080"), ..ok.clone() }, "`endpoint`");
        refused(
            QualityChoices {
                judge: Some(ModelChoice { model: "".into(), ..model("http://j") }),
                ..ok
            },
            "`judge model`",
        );
    }
}
