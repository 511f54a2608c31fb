//! Benchmark runs and their samples. A run row is inserted when a benchmark starts (status
//! `running`) and finished when it ends, so a crash leaves a visible `running` row with the
//! samples written so far. Samples arrive in batches, one transaction per batch.

use rusqlite::{params, OptionalExtension, Row};
use tracing::instrument;

use crate::chunk_times::{decode_chunk_times, encode_chunk_times};
use crate::error::{query_err, Result, StoreError};
use crate::Store;

/// What a run measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Latency,
    Quality,
    Classification,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Latency => "latency",
            RunKind::Quality => "quality",
            RunKind::Classification => "classification",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "latency" => RunKind::Latency,
            "quality" => RunKind::Quality,
            "classification" => RunKind::Classification,
            _ => return None,
        })
    }
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Started and not finished (or the process died).
    Running,
    /// Every planned request was sent and settled.
    Completed,
    /// The user cancelled; samples measured until then are kept.
    Cancelled,
    /// A stop rule ended it early (e.g. the error rate exceeded its limit).
    Aborted,
    /// The run could not proceed (e.g. the endpoint never answered).
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Aborted => "aborted",
            RunStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => RunStatus::Running,
            "completed" => RunStatus::Completed,
            "cancelled" => RunStatus::Cancelled,
            "aborted" => RunStatus::Aborted,
            "failed" => RunStatus::Failed,
            _ => return None,
        })
    }
}

/// The fields of a run known when it starts. `settings_json` must not contain secrets: the
/// bench crate records the *name* of the key's environment variable at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRun {
    pub kind: RunKind,
    pub candidate: Option<String>,
    pub endpoint: String,
    pub api: String,
    pub model: String,
    pub settings_json: String,
    pub machine_json: String,
    pub triplane_version: String,
    /// Unix milliseconds at the run's time origin (sample times count from here).
    pub started: i64,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: i64,
    pub kind: RunKind,
    pub candidate: Option<String>,
    pub endpoint: String,
    pub api: String,
    pub model: String,
    pub settings_json: String,
    pub machine_json: String,
    pub triplane_version: String,
    pub started: i64,
    pub ended: Option<i64>,
    pub status: RunStatus,
}

/// One request of a run: raw monotonic times in nanoseconds from the run's start, as the
/// bench crate measured them. `None` means the moment never happened (no byte arrived, no
/// token was generated).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sample {
    pub idx: u32,
    pub outcome: String,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub intended_ns: u64,
    pub sent_ns: Option<u64>,
    pub first_byte_ns: Option<u64>,
    pub first_event_ns: Option<u64>,
    pub first_token_ns: Option<u64>,
    pub first_content_ns: Option<u64>,
    pub end_ns: Option<u64>,
    pub prompt_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// True when the token counts came from the server's usage report, false when the
    /// client counted token-bearing chunks.
    pub tokens_from_usage: bool,
    /// Arrival time of every token-bearing chunk. Stored at microsecond resolution.
    pub chunk_times_ns: Vec<u64>,
    pub partial_text: Option<String>,
}

impl Sample {
    /// The origin of the encoded chunk deltas: the actual send time when known.
    fn chunk_base(&self) -> u64 {
        self.sent_ns.unwrap_or(self.intended_ns)
    }
}

const RUN_COLUMNS: &str = "id, kind, candidate, endpoint, api, model, settings_json, \
     machine_json, triplane_version, started, ended, status";

impl Store {
    /// Records the start of a run; returns its id.
    #[instrument(skip(self, run), fields(model = %run.model), err)]
    pub fn insert_run(&self, run: &NewRun) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO runs (kind, candidate, endpoint, api, model, settings_json,
                     machine_json, triplane_version, started, ended, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, 'running')",
                params![
                    run.kind.as_str(),
                    run.candidate,
                    run.endpoint,
                    run.api,
                    run.model,
                    run.settings_json,
                    run.machine_json,
                    run.triplane_version,
                    run.started,
                ],
            )
            .map_err(query_err(&self.path, "inserting a run"))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records the end of a run.
    #[instrument(skip(self), err)]
    pub fn finish_run(&self, run_id: i64, ended: i64, status: RunStatus) -> Result<()> {
        let changed = self
            .conn
            .execute(
                "UPDATE runs SET ended = ?2, status = ?3 WHERE id = ?1",
                params![run_id, ended, status.as_str()],
            )
            .map_err(query_err(&self.path, "finishing a run"))?;
        if changed == 0 {
            return Err(self.not_found("run", run_id));
        }
        Ok(())
    }

    /// Runs, newest first; `candidate` filters when given.
    pub fn list_runs(&self, candidate: Option<&str>) -> Result<Vec<Run>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE ?1 IS NULL OR candidate = ?1 ORDER BY id DESC"
        );
        let mut stmt =
            self.conn.prepare_cached(&sql).map_err(query_err(&self.path, "listing runs"))?;
        let rows =
            stmt.query_map([candidate], raw_run).map_err(query_err(&self.path, "listing runs"))?;
        let raws: Vec<RawRun> =
            rows.collect::<Result<_, _>>().map_err(query_err(&self.path, "listing runs"))?;
        raws.into_iter().map(|r| self.typed_run(r)).collect()
    }

    /// One run.
    pub fn run(&self, run_id: i64) -> Result<Run> {
        let raw = self
            .conn
            .query_row(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"), [run_id], raw_run)
            .optional()
            .map_err(query_err(&self.path, "reading a run"))?
            .ok_or_else(|| self.not_found("run", run_id))?;
        self.typed_run(raw)
    }

    /// Appends a batch of samples in one transaction: either all of them are stored or none.
    #[instrument(skip(self, samples), fields(count = samples.len()), err)]
    pub fn append_samples(&mut self, run_id: i64, samples: &[Sample]) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(query_err(&path, "starting a sample batch"))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO samples (run_id, idx, outcome, http_status, error,
                         intended_ns, sent_ns, first_byte_ns, first_event_ns, first_token_ns,
                         first_content_ns, end_ns, prompt_tokens, output_tokens,
                         tokens_from_usage, chunk_times, partial_text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?17)",
                )
                .map_err(query_err(&path, "preparing a sample insert"))?;
            for s in samples {
                let blob = encode_chunk_times(s.chunk_base(), &s.chunk_times_ns)
                    .map_err(|reason| StoreError::ChunkTimes { run_id, idx: s.idx, reason })?;
                stmt.execute(params![
                    run_id,
                    s.idx,
                    s.outcome,
                    s.http_status,
                    s.error,
                    to_i64(s.intended_ns),
                    s.sent_ns.map(to_i64),
                    s.first_byte_ns.map(to_i64),
                    s.first_event_ns.map(to_i64),
                    s.first_token_ns.map(to_i64),
                    s.first_content_ns.map(to_i64),
                    s.end_ns.map(to_i64),
                    s.prompt_tokens.map(to_i64),
                    s.output_tokens.map(to_i64),
                    s.tokens_from_usage,
                    blob,
                    s.partial_text,
                ])
                .map_err(|source| {
                    if source.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
                        && !self_run_exists(&tx, run_id)
                    {
                        StoreError::NotFound { path: path.clone(), what: "run", id: run_id }
                    } else {
                        query_err(&path, "inserting a sample")(source)
                    }
                })?;
            }
        }
        tx.commit().map_err(query_err(&path, "committing a sample batch"))
    }

    /// Every sample of a run, in index order.
    pub fn samples(&self, run_id: i64) -> Result<Vec<Sample>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT idx, outcome, http_status, error, intended_ns, sent_ns, first_byte_ns,
                     first_event_ns, first_token_ns, first_content_ns, end_ns, prompt_tokens,
                     output_tokens, tokens_from_usage, chunk_times, partial_text
                 FROM samples WHERE run_id = ?1 ORDER BY idx",
            )
            .map_err(query_err(&self.path, "reading samples"))?;
        let rows = stmt
            .query_map([run_id], |r| Ok((sample_from_row(r)?, r.get::<_, Vec<u8>>(14)?)))
            .map_err(query_err(&self.path, "reading samples"))?;
        let mut out = Vec::new();
        for row in rows {
            let (mut sample, blob) = row.map_err(query_err(&self.path, "reading samples"))?;
            sample.chunk_times_ns =
                decode_chunk_times(sample.chunk_base(), &blob).ok_or_else(|| {
                    StoreError::Corrupt {
                        path: self.path.clone(),
                        what: "run",
                        id: run_id,
                        reason: format!(
                            "chunk times of sample {} are {} bytes",
                            sample.idx,
                            blob.len()
                        ),
                    }
                })?;
            out.push(sample);
        }
        Ok(out)
    }

    fn not_found(&self, what: &'static str, id: i64) -> StoreError {
        StoreError::NotFound { path: self.path.clone(), what, id }
    }

    fn typed_run(&self, raw: RawRun) -> Result<Run> {
        let corrupt = |reason: String| StoreError::Corrupt {
            path: self.path.clone(),
            what: "run",
            id: raw.id,
            reason,
        };
        let kind =
            RunKind::parse(&raw.kind).ok_or_else(|| corrupt(format!("kind `{}`", raw.kind)))?;
        let status = RunStatus::parse(&raw.status)
            .ok_or_else(|| corrupt(format!("status `{}`", raw.status)))?;
        Ok(Run {
            id: raw.id,
            kind,
            candidate: raw.candidate,
            endpoint: raw.endpoint,
            api: raw.api,
            model: raw.model,
            settings_json: raw.settings_json,
            machine_json: raw.machine_json,
            triplane_version: raw.triplane_version,
            started: raw.started,
            ended: raw.ended,
            status,
        })
    }
}

/// A run row before its enums are checked, so a bad value becomes `Corrupt`, not a panic.
struct RawRun {
    id: i64,
    kind: String,
    candidate: Option<String>,
    endpoint: String,
    api: String,
    model: String,
    settings_json: String,
    machine_json: String,
    triplane_version: String,
    started: i64,
    ended: Option<i64>,
    status: String,
}

fn raw_run(r: &Row<'_>) -> rusqlite::Result<RawRun> {
    Ok(RawRun {
        id: r.get(0)?,
        kind: r.get(1)?,
        candidate: r.get(2)?,
        endpoint: r.get(3)?,
        api: r.get(4)?,
        model: r.get(5)?,
        settings_json: r.get(6)?,
        machine_json: r.get(7)?,
        triplane_version: r.get(8)?,
        started: r.get(9)?,
        ended: r.get(10)?,
        status: r.get(11)?,
    })
}

fn sample_from_row(r: &Row<'_>) -> rusqlite::Result<Sample> {
    let ns = |i: usize| -> rusqlite::Result<Option<u64>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_i64))
    };
    Ok(Sample {
        idx: r.get(0)?,
        outcome: r.get(1)?,
        http_status: r.get(2)?,
        error: r.get(3)?,
        intended_ns: from_i64(r.get(4)?),
        sent_ns: ns(5)?,
        first_byte_ns: ns(6)?,
        first_event_ns: ns(7)?,
        first_token_ns: ns(8)?,
        first_content_ns: ns(9)?,
        end_ns: ns(10)?,
        prompt_tokens: ns(11)?,
        output_tokens: ns(12)?,
        tokens_from_usage: r.get(13)?,
        chunk_times_ns: Vec::new(),
        partial_text: r.get(15)?,
    })
}

fn self_run_exists(tx: &rusqlite::Transaction<'_>, run_id: i64) -> bool {
    tx.query_row("SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?1)", [run_id], |r| r.get(0))
        .unwrap_or(true)
}

/// SQLite integers are signed; nanoseconds from a run's start stay far below `i64::MAX`
/// (292 years), so saturating is only a guard against a corrupt clock.
fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn from_i64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}
