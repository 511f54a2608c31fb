//! A whole benchmark run: warm-up, then requests paced by the load model until a limit is
//! reached, the error rate exceeds its ceiling, or the caller cancels. Every settled
//! request goes to a [`RecordSink`] in batches (one store transaction per batch) while the
//! run goes on, so a crash or a cancel keeps what was measured.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use crate::client::{self, Clock, Endpoint, RequestOptions, Target};
use crate::load::{pace_until, Arrivals, Load};
use crate::prompt::{run_salt, PromptSource};
use crate::record::{Outcome, RequestRecord};

/// When a run stops.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Limits {
    pub max_requests: Option<u32>,
    #[serde(with = "opt_secs")]
    pub max_duration: Option<Duration>,
    /// Stop once this fraction of settled requests failed (checked after
    /// [`MIN_SETTLED_FOR_ERROR_RATE`] requests).
    pub max_error_rate: Option<f64>,
    /// Requests sent sequentially before the run's clock starts; not recorded.
    pub warmup: u32,
}

mod opt_secs {
    pub fn serialize<S: serde::Serializer>(
        d: &Option<std::time::Duration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.as_secs_f64()),
            None => s.serialize_none(),
        }
    }
}

/// The error-rate rule waits for this many settled requests so one early failure cannot
/// end a run.
pub const MIN_SETTLED_FOR_ERROR_RATE: u32 = 10;

/// Records are written when this many are waiting, or after [`BATCH_INTERVAL`].
pub const BATCH_SIZE: usize = 64;
pub const BATCH_INTERVAL: Duration = Duration::from_millis(250);

/// Everything that defines a run.
#[derive(Debug, Clone)]
pub struct RunSpec {
    pub endpoint: Endpoint,
    pub request: RequestOptions,
    pub load: Load,
    pub limits: Limits,
    pub prompts: PromptSource,
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The request or duration limit was reached.
    Completed,
    Cancelled,
    /// The error rate exceeded `max_error_rate`.
    ErrorRate,
    /// The sink failed; measuring on would lose data.
    SinkFailed,
}

/// Live counters for a progress bar.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Progress {
    pub planned: Option<u32>,
    pub sent: u32,
    pub settled: u32,
    pub ok: u32,
    pub failed: u32,
    pub elapsed_s: f64,
}

/// Where settled records go while the run goes on.
pub trait RecordSink: Send + 'static {
    /// Writes one batch atomically.
    fn write(&mut self, batch: &[RequestRecord]) -> Result<(), String>;
}

/// Keeps records in memory; for runs that are not stored.
impl RecordSink for Vec<RequestRecord> {
    fn write(&mut self, batch: &[RequestRecord]) -> Result<(), String> {
        self.extend_from_slice(batch);
        Ok(())
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct RunResult {
    /// Every measured request, by index.
    pub records: Vec<RequestRecord>,
    pub stop: StopReason,
    pub sink_error: Option<String>,
    /// Outcomes of the warm-up requests.
    pub warmup: Vec<Outcome>,
    /// Wall-clock Unix milliseconds at the run's time origin.
    pub started_unix_ms: i64,
}

/// A run that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("the run has no end; hint: give `--requests` or `--duration`")]
    Unbounded,
    #[error("the rate `{0}` is not a positive number of requests per second")]
    BadRate(f64),
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// Runs `spec`, writing records to `sink`; returns the result and the sink.
pub async fn run<S: RecordSink>(
    spec: &RunSpec,
    sink: S,
    cancel: CancellationToken,
    on_progress: impl Fn(&Progress) + Send + Sync + 'static,
) -> Result<(RunResult, S), RunError> {
    if spec.limits.max_requests.is_none() && spec.limits.max_duration.is_none() {
        return Err(RunError::Unbounded);
    }
    if let Load::Rate { rate, .. } = spec.load {
        if !(rate > 0.0 && rate.is_finite()) {
            return Err(RunError::BadRate(rate));
        }
    }
    let http = client::http_client().map_err(RunError::Client)?;
    let target = Arc::new(Target::new(spec.endpoint.clone(), spec.request.clone()));
    let salt = run_salt();

    let warmup = warm_up(spec, &http, &target, salt, &cancel).await;

    let clock = Clock::start();
    let started_unix_ms = triplane_store::now_ms();
    info!(load = %spec.load.label(), url = %target.url, "benchmark run started");

    // `stop` ends dispatching; `cancel` (a parent of it) also interrupts requests in flight.
    let stop = cancel.child_token();
    let (tx, rx) = mpsc::unbounded_channel::<RequestRecord>();
    let sent = Arc::new(AtomicU32::new(0));
    let ctx = Dispatch {
        spec: spec.clone(),
        http,
        target,
        clock,
        salt,
        cancel: cancel.clone(),
        stop: stop.clone(),
        sent: sent.clone(),
        deadline: spec.limits.max_duration.map(|d| clock.instant_at(0) + d),
    };
    let dispatcher = tokio::spawn(dispatch(ctx, tx));

    let collected = collect(spec, rx, sink, &stop, &sent, clock, on_progress).await;
    let _ = dispatcher.await;

    let (mut records, sink, stop_reason, sink_error) = collected;
    records.sort_by_key(|r| r.idx);
    let stop_reason = if cancel.is_cancelled() && stop_reason == StopReason::Completed {
        StopReason::Cancelled
    } else {
        stop_reason
    };
    info!(requests = records.len(), stop = ?stop_reason, "benchmark run ended");
    Ok((RunResult { records, stop: stop_reason, sink_error, warmup, started_unix_ms }, sink))
}

async fn warm_up(
    spec: &RunSpec,
    http: &reqwest::Client,
    target: &Target,
    salt: u64,
    cancel: &CancellationToken,
) -> Vec<Outcome> {
    let clock = Clock::start();
    let mut outcomes = Vec::new();
    for i in 0..spec.limits.warmup {
        if cancel.is_cancelled() {
            break;
        }
        // Indices from the top of the range so warm-up prompts never repeat measured ones.
        let idx = u32::MAX - i;
        let body =
            client::request_body(&spec.endpoint, &spec.prompts.prompt(idx, salt), &spec.request);
        let r = client::send(http, target, body, &clock, idx, clock.now_ns(), cancel).await;
        debug!(outcome = r.outcome.as_str(), "warm-up request");
        outcomes.push(r.outcome);
    }
    outcomes
}

struct Dispatch {
    spec: RunSpec,
    http: reqwest::Client,
    target: Arc<Target>,
    clock: Clock,
    salt: u64,
    cancel: CancellationToken,
    stop: CancellationToken,
    sent: Arc<AtomicU32>,
    deadline: Option<Instant>,
}

impl Dispatch {
    fn past_deadline(&self, at: Instant) -> bool {
        self.deadline.is_some_and(|d| at >= d)
    }

    fn body(&self, idx: u32) -> Vec<u8> {
        client::request_body(
            &self.spec.endpoint,
            &self.spec.prompts.prompt(idx, self.salt),
            &self.spec.request,
        )
    }
}

async fn dispatch(ctx: Dispatch, tx: mpsc::UnboundedSender<RequestRecord>) {
    let max = ctx.spec.limits.max_requests.unwrap_or(u32::MAX);
    let ctx = Arc::new(ctx);
    match ctx.spec.load.slots() {
        Some(slots) => {
            let next = Arc::new(AtomicU32::new(0));
            let workers: Vec<_> = (0..slots)
                .map(|_| {
                    let (ctx, tx, next) = (ctx.clone(), tx.clone(), next.clone());
                    tokio::spawn(async move {
                        loop {
                            if ctx.stop.is_cancelled() || ctx.past_deadline(Instant::now()) {
                                break;
                            }
                            let idx = next.fetch_add(1, Ordering::Relaxed);
                            if idx >= max {
                                break;
                            }
                            // Closed loop: the request is due the moment a slot frees.
                            let intended = ctx.clock.now_ns();
                            let body = ctx.body(idx);
                            ctx.sent.fetch_add(1, Ordering::Relaxed);
                            let r = client::send(
                                &ctx.http,
                                &ctx.target,
                                body,
                                &ctx.clock,
                                idx,
                                intended,
                                &ctx.cancel,
                            )
                            .await;
                            if tx.send(r).is_err() {
                                break;
                            }
                        }
                    })
                })
                .collect();
            for w in workers {
                let _ = w.await;
            }
        }
        None => {
            let Some(arrivals) = Arrivals::new(&ctx.spec.load) else {
                return;
            };
            for (idx, intended) in (0..max).zip(arrivals) {
                let due = ctx.clock.instant_at(intended);
                if ctx.past_deadline(due) {
                    break;
                }
                // Bodies are built before waiting so serialisation never delays a send.
                let body = ctx.body(idx);
                tokio::select! {
                    biased;
                    _ = ctx.stop.cancelled() => break,
                    _ = pace_until(due) => {}
                }
                ctx.sent.fetch_add(1, Ordering::Relaxed);
                let (ctx2, tx) = (ctx.clone(), tx.clone());
                tokio::spawn(async move {
                    let r = client::send(
                        &ctx2.http,
                        &ctx2.target,
                        body,
                        &ctx2.clock,
                        idx,
                        intended,
                        &ctx2.cancel,
                    )
                    .await;
                    let _ = tx.send(r);
                });
            }
        }
    }
}

type Collected<S> = (Vec<RequestRecord>, S, StopReason, Option<String>);

async fn collect<S: RecordSink>(
    spec: &RunSpec,
    mut rx: mpsc::UnboundedReceiver<RequestRecord>,
    sink: S,
    stop: &CancellationToken,
    sent: &AtomicU32,
    clock: Clock,
    on_progress: impl Fn(&Progress) + Send + Sync + 'static,
) -> Collected<S> {
    // The sink (SQLite) blocks, so it lives on its own thread and takes batches by channel.
    let (batch_tx, batch_rx) = std::sync::mpsc::channel::<Vec<RequestRecord>>();
    let writer_stop = stop.clone();
    let writer = std::thread::spawn(move || {
        let mut sink = sink;
        let mut error = None;
        for batch in batch_rx {
            if error.is_none() {
                if let Err(e) = sink.write(&batch) {
                    // Measuring on would produce figures that cannot be stored.
                    writer_stop.cancel();
                    error = Some(e);
                }
            }
        }
        (sink, error)
    });

    let mut records = Vec::new();
    let mut pending = Vec::new();
    let mut progress = Progress { planned: spec.limits.max_requests, ..Progress::default() };
    let mut reason = StopReason::Completed;
    let mut ticker = tokio::time::interval(BATCH_INTERVAL);
    loop {
        let received = tokio::select! {
            r = rx.recv() => r,
            _ = ticker.tick() => {
                flush(&mut pending, &batch_tx);
                progress.sent = sent.load(Ordering::Relaxed);
                progress.elapsed_s = clock.now_ns() as f64 / 1e9;
                on_progress(&progress);
                continue;
            }
        };
        let Some(record) = received else { break };
        progress.settled += 1;
        match record.outcome {
            Outcome::Ok => progress.ok += 1,
            Outcome::Cancelled => {}
            _ => progress.failed += 1,
        }
        if let Some(limit) = spec.limits.max_error_rate {
            let judged = progress.ok + progress.failed;
            if judged >= MIN_SETTLED_FOR_ERROR_RATE
                && f64::from(progress.failed) / f64::from(judged) > limit
                && !stop.is_cancelled()
            {
                reason = StopReason::ErrorRate;
                stop.cancel();
            }
        }
        pending.push(record.clone());
        records.push(record);
        if pending.len() >= BATCH_SIZE {
            flush(&mut pending, &batch_tx);
        }
    }
    flush(&mut pending, &batch_tx);
    progress.sent = sent.load(Ordering::Relaxed);
    progress.elapsed_s = clock.now_ns() as f64 / 1e9;
    on_progress(&progress);
    drop(batch_tx);
    let (sink, error) = writer.join().expect("the record writer thread panicked");
    if error.is_some() {
        reason = StopReason::SinkFailed;
    }
    (records, sink, reason, error)
}

fn flush(pending: &mut Vec<RequestRecord>, tx: &std::sync::mpsc::Sender<Vec<RequestRecord>>) {
    if !pending.is_empty() {
        let _ = tx.send(std::mem::take(pending));
    }
}
