//! Quality runs: every case sampled k times, each raw answer stored as it arrives (the
//! candidate's, then the judge's when the case is judged), each sample graded and its verdict
//! stored. A failed request or an unreadable answer is a failed sample, never the end of the
//! run. Re-grading reads the suite text and the raw answers back from the store.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tracing::info;
use triplane_store::{
    AnswerRole, NewRun, QualityAnswer, QualityVerdict, RunKind, RunStatus, Store, StoreError,
};

use crate::client::{self, Reply, Target};
use crate::grade::{self, Answer, JudgeAnswer, Verdict};
use crate::stats::{self, Confusion, Rate};
use crate::suite::{self, Check, Message, Role, Sampling, Suite, SuiteError, TaskKind};

/// A verdict with its case id and sample index.
pub type Graded = (String, u32, Verdict);

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Samples per case (k).
    pub samples: u32,
    /// Reuse stored answers to identical requests instead of sending them again.
    pub use_cache: bool,
    pub timeout: Duration,
    /// Only these cases, by id (all when empty): a subset run, e.g. a smoke test.
    pub cases: Vec<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            samples: 1,
            use_cache: false,
            timeout: Duration::from_secs(120),
            cases: Vec::new(),
        }
    }
}

/// Live counters for a progress bar.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Progress {
    pub planned: u32,
    pub done: u32,
    pub passed: u32,
}

/// A run that could not be carried out or read back.
#[derive(Debug, thiserror::Error)]
pub enum QualityError {
    #[error("the suite `{suite}` has judged cases; hint: give a judge model")]
    NoJudge { suite: String },
    #[error("`samples` must be at least 1")]
    NoSamples,
    #[error("the suite `{suite}` has no case `{case}`")]
    UnknownCase { suite: String, case: String },
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("run {run_id} is not a quality run")]
    NotQuality { run_id: i64 },
    #[error("the settings of run {run_id} cannot be read: {reason}")]
    Settings { run_id: i64, reason: String },
    #[error("the suite stored with run {run_id} no longer loads")]
    StoredSuite {
        run_id: i64,
        #[source]
        source: SuiteError,
    },
}

/// What is stored as a quality run's `settings_json`: enough to re-grade it from the store
/// alone. Never the API key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSettings {
    pub suite_id: String,
    pub suite_origin: String,
    pub suite_sha256: String,
    pub suite_text: String,
    pub samples: u32,
    pub use_cache: bool,
    /// The subset of cases run; all when empty.
    #[serde(default)]
    pub cases: Vec<String>,
    pub judge: Option<JudgeSettings>,
    /// Where the candidate's key came from, by name; never the key.
    #[serde(flatten)]
    pub key: KeyNames,
}

/// Where a run's key came from, by name only: all a run stores about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyNames {
    /// The environment variable read (`--api-key-env`).
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// The OS keychain entry read (`--api-key`).
    #[serde(default)]
    pub api_key_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JudgeSettings {
    pub api: String,
    pub endpoint: String,
    pub model: String,
    pub candidate: Option<String>,
}

/// Runs `suite` against `target` into `store`; returns the run id and the verdicts, by
/// case then sample.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all, fields(suite = %suite.id, model = %target.model), err)]
pub async fn run_suite(
    suite: &Suite,
    target: &Target,
    judge: Option<&Target>,
    options: &RunOptions,
    key: KeyNames,
    store: &mut Store,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<(i64, Vec<Graded>), QualityError> {
    if options.samples == 0 {
        return Err(QualityError::NoSamples);
    }
    if let Some(unknown) = options.cases.iter().find(|id| !suite.cases.iter().any(|c| &&c.id == id))
    {
        return Err(QualityError::UnknownCase { suite: suite.id.clone(), case: unknown.clone() });
    }
    let cases: Vec<&suite::Case> = suite
        .cases
        .iter()
        .filter(|c| options.cases.is_empty() || options.cases.contains(&c.id))
        .collect();
    if judge.is_none() && cases.iter().any(|c| c.needs_judge()) {
        return Err(QualityError::NoJudge { suite: suite.id.clone() });
    }
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(QualityError::Client)?;

    let settings = RunSettings {
        suite_id: suite.id.clone(),
        suite_origin: suite.origin.clone(),
        suite_sha256: suite.sha256.clone(),
        suite_text: suite.text.clone(),
        samples: options.samples,
        use_cache: options.use_cache,
        cases: options.cases.clone(),
        judge: judge.map(|j| JudgeSettings {
            api: j.api.as_str().to_owned(),
            endpoint: j.url.clone(),
            model: j.model.clone(),
            candidate: j.candidate.clone(),
        }),
        key,
    };
    let run_id = store.insert_run(&NewRun {
        kind: if suite.task == TaskKind::Classification {
            RunKind::Classification
        } else {
            RunKind::Quality
        },
        candidate: target.candidate.clone(),
        endpoint: target.url.clone(),
        api: target.api.as_str().to_owned(),
        model: target.model.clone(),
        settings_json: serde_json::to_string(&settings).unwrap_or_else(|_| "{}".to_owned()),
        machine_json: serde_json::to_string(&triplane_bench::machine::this_machine())
            .unwrap_or_else(|_| "{}".to_owned()),
        triplane_version: env!("CARGO_PKG_VERSION").to_owned(),
        started: triplane_store::now_ms(),
    })?;
    info!(run_id, suite = %suite.id, model = %target.model, "quality run started");

    let mut progress =
        Progress { planned: cases.len() as u32 * options.samples, ..Progress::default() };
    on_progress(&progress);
    let mut verdicts = Vec::new();
    let mut status = RunStatus::Completed;
    'cases: for case in cases {
        for sample in 0..options.samples {
            if cancel.is_cancelled() {
                status = RunStatus::Cancelled;
                break 'cases;
            }
            let body = client::request_body(target, &case.messages, &case.tools, &case.sampling);
            let Some(stored) = ask(
                &http,
                target,
                &body,
                &case.id,
                sample,
                AnswerRole::Candidate,
                options,
                (store, run_id),
                cancel,
            )
            .await?
            else {
                // Cut by the cancel: the model was not wrong, so this is no sample at all.
                status = RunStatus::Cancelled;
                break 'cases;
            };
            let answer = answer_of(target.api, &stored);

            let judged = match (judge, case.checks.iter().find_map(judge_rubric), &answer) {
                (Some(j), Some(rubric), Ok(a)) => {
                    let jbody = judge_body(j, case, rubric, a);
                    let js = ask(
                        &http,
                        j,
                        &jbody,
                        &case.id,
                        sample,
                        AnswerRole::Judge,
                        options,
                        (store, run_id),
                        cancel,
                    )
                    .await?;
                    let Some(js) = js else {
                        // The candidate's answer stays stored; the sample has no verdict, and
                        // re-grading skips a judged case whose judge never answered.
                        status = RunStatus::Cancelled;
                        break 'cases;
                    };
                    Some(answer_of(j.api, &js))
                }
                _ => None,
            };

            let verdict = grade::grade(
                case,
                &suite.labels,
                suite.label_match,
                answer.as_ref().map_err(String::as_str),
                judged.as_ref(),
            );
            store.put_quality_verdicts(run_id, &[to_row(&case.id, sample, &verdict)])?;
            progress.done += 1;
            progress.passed += u32::from(verdict.pass);
            on_progress(&progress);
            verdicts.push((case.id.clone(), sample, verdict));
        }
    }
    store.finish_run(run_id, triplane_store::now_ms(), status)?;
    Ok((run_id, verdicts))
}

fn judge_rubric(c: &Check) -> Option<&str> {
    match c {
        Check::Judge(j) => Some(j.rubric.as_str()),
        _ => None,
    }
}

fn judge_body(
    judge: &Target,
    case: &suite::Case,
    rubric: &str,
    answer: &Answer,
) -> serde_json::Value {
    let messages =
        [Message { role: Role::User, content: grade::judge_prompt(case, rubric, answer) }];
    // Temperature 0: the judge's verdict should depend on the answer, not on the draw.
    let sampling = Sampling { temperature: Some(0.0), max_tokens: Some(128), seed: Some(0) };
    client::request_body(judge, &messages, &[], &sampling)
}

/// Sends (or takes from the cache) one request and stores what came back; `None`, with
/// nothing stored, when the cancel cut the request before an answer came.
#[allow(clippy::too_many_arguments)]
async fn ask(
    http: &reqwest::Client,
    target: &Target,
    body: &serde_json::Value,
    case_id: &str,
    sample: u32,
    role: AnswerRole,
    options: &RunOptions,
    (store, run_id): (&Store, i64),
    cancel: &CancellationToken,
) -> Result<Option<QualityAnswer>, QualityError> {
    let hash = client::request_hash(target, body, sample);
    let cached = if options.use_cache { store.cached_quality_answer(&hash)? } else { None };
    let (reply, from_cache) = match cached {
        Some((status, raw)) => (
            Reply { status: Some(status), body: Some(raw), error: None, elapsed: Duration::ZERO },
            true,
        ),
        None => {
            let reply = tokio::select! {
                r = client::send(http, target, body, options.timeout) => r,
                _ = cancel.cancelled() => return Ok(None),
            };
            (reply, false)
        }
    };
    let row = QualityAnswer {
        case_id: case_id.to_owned(),
        sample,
        role,
        request_hash: hash,
        request_json: body.to_string(),
        http_status: reply.status,
        raw_response: reply.body,
        error: reply.error,
        elapsed_ms: (!from_cache).then_some(reply.elapsed.as_millis() as u64),
        from_cache,
    };
    store.put_quality_answer(run_id, &row)?;
    Ok(Some(row))
}

/// The parsed answer of a stored row, or why there is none.
pub fn answer_of(api: triplane_bench::Api, row: &QualityAnswer) -> Result<Answer, String> {
    if let Some(e) = &row.error {
        return Err(e.clone());
    }
    match &row.raw_response {
        None => Err("no response".to_owned()),
        Some(raw) => client::parse_answer(api, raw),
    }
}

pub fn to_row(case_id: &str, sample: u32, v: &Verdict) -> QualityVerdict {
    QualityVerdict {
        case_id: case_id.to_owned(),
        sample,
        pass: v.pass,
        expected_label: v.expected_label.clone(),
        predicted_label: v.predicted_label.clone(),
        detail_json: serde_json::to_string(v).unwrap_or_else(|_| "{}".to_owned()),
    }
}

/// The settings of a stored quality run.
pub fn settings_of(
    store: &Store,
    run_id: i64,
) -> Result<(triplane_store::Run, RunSettings), QualityError> {
    let run = store.run(run_id)?;
    if run.kind == RunKind::Latency {
        return Err(QualityError::NotQuality { run_id });
    }
    let settings: RunSettings = serde_json::from_str(&run.settings_json)
        .map_err(|e| QualityError::Settings { run_id, reason: e.to_string() })?;
    Ok((run, settings))
}

/// Grades the stored answers of `run_id` again, from the store alone (no request is sent).
pub fn regrade(store: &Store, run_id: i64) -> Result<Vec<Graded>, QualityError> {
    let (run, settings) = settings_of(store, run_id)?;
    let suite = suite::parse(&settings.suite_text, &settings.suite_origin)
        .map_err(|source| QualityError::StoredSuite { run_id, source })?;
    let api = triplane_bench::Api::parse(&run.api).ok_or_else(|| QualityError::Settings {
        run_id,
        reason: format!("unknown api `{}`", run.api),
    })?;
    let judge_api = settings.judge.as_ref().and_then(|j| triplane_bench::Api::parse(&j.api));

    let mut answers: BTreeMap<(String, u32), (Option<QualityAnswer>, Option<QualityAnswer>)> =
        BTreeMap::new();
    for a in store.quality_answers(run_id)? {
        let slot = answers.entry((a.case_id.clone(), a.sample)).or_default();
        match a.role {
            AnswerRole::Candidate => slot.0 = Some(a),
            AnswerRole::Judge => slot.1 = Some(a),
        }
    }
    let mut out = Vec::new();
    for case in &suite.cases {
        for sample in 0..settings.samples {
            let Some((Some(cand), judge_row)) = answers.get(&(case.id.clone(), sample)) else {
                continue;
            };
            let answer = answer_of(api, cand);
            if answer.is_ok() && judge_row.is_none() && judge_api.is_some() && case.needs_judge() {
                // A cancel cut the judge's request: the sample was never graded.
                continue;
            }
            let judged: Option<JudgeAnswer> = match (judge_row, judge_api) {
                (Some(j), Some(japi)) => Some(answer_of(japi, j)),
                _ => None,
            };
            let v = grade::grade(
                case,
                &suite.labels,
                suite.label_match,
                answer.as_ref().map_err(String::as_str),
                judged.as_ref(),
            );
            out.push((case.id.clone(), sample, v));
        }
    }
    Ok(out)
}

/// A case's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub rate: Rate,
}

/// A quality run's figures, computed from its stored verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct QualitySummary {
    pub run_id: i64,
    pub suite: String,
    pub task: String,
    pub candidate: Option<String>,
    pub model: String,
    pub samples: u32,
    pub pass_rate: Rate,
    /// pass^k for k = 1..=samples (tau-bench's consistency measure), when samples > 1.
    pub pass_hat_k: Vec<(u32, f64)>,
    pub cases: Vec<CaseSummary>,
    pub confusion: Option<Confusion>,
    pub class_rates: Vec<stats::ClassRates>,
    pub router_rates: Option<stats::RouterRates>,
    /// Mean seconds per candidate request (informative; never a latency figure).
    pub mean_answer_s: Option<f64>,
    pub status: String,
}

/// Summarises a stored quality run.
pub fn summarize(store: &Store, run_id: i64) -> Result<QualitySummary, QualityError> {
    let (run, settings) = settings_of(store, run_id)?;
    let suite = suite::parse(&settings.suite_text, &settings.suite_origin)
        .map_err(|source| QualityError::StoredSuite { run_id, source })?;
    let verdicts = store.quality_verdicts(run_id)?;

    let mut per_case: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut confusion =
        (suite.task == TaskKind::Classification).then(|| Confusion::new(&suite.labels));
    for v in &verdicts {
        let e = per_case.entry(v.case_id.as_str()).or_default();
        e.0 += u32::from(v.pass);
        e.1 += 1;
        if let (Some(m), Some(exp)) = (confusion.as_mut(), v.expected_label.as_deref()) {
            m.add(exp, v.predicted_label.as_deref());
        }
    }
    let passes = verdicts.iter().filter(|v| v.pass).count() as u32;
    let pass_hat_k = if settings.samples > 1 {
        (1..=settings.samples)
            .map(|k| {
                let sum: f64 = per_case.values().map(|(c, n)| stats::pass_hat_k(*n, *c, k)).sum();
                (k, if per_case.is_empty() { 0.0 } else { sum / per_case.len() as f64 })
            })
            .collect()
    } else {
        Vec::new()
    };
    let times: Vec<u64> = store
        .quality_answers(run_id)?
        .iter()
        .filter(|a| a.role == AnswerRole::Candidate)
        .filter_map(|a| a.elapsed_ms)
        .collect();
    Ok(QualitySummary {
        run_id,
        suite: suite.id.clone(),
        task: suite.task.as_str().to_owned(),
        candidate: run.candidate.clone(),
        model: run.model.clone(),
        samples: settings.samples,
        pass_rate: stats::wilson(passes, verdicts.len() as u32),
        pass_hat_k,
        cases: per_case
            .iter()
            .map(|(id, (c, n))| CaseSummary { id: (*id).to_owned(), rate: stats::wilson(*c, *n) })
            .collect(),
        class_rates: confusion.as_ref().map(Confusion::class_rates).unwrap_or_default(),
        router_rates: confusion.as_ref().map(Confusion::router_rates),
        confusion,
        mean_answer_s: (!times.is_empty())
            .then(|| times.iter().sum::<u64>() as f64 / times.len() as f64 / 1000.0),
        status: run.status.as_str().to_owned(),
    })
}
