//! Quality runs: the raw answer to every request (the candidate's and, when a case is judged,
//! the judge's) and the verdict of every sample. Answers are kept verbatim so a run can be
//! re-graded from this file alone; their request hash makes them a cache for re-grading,
//! which latency figures never read (they come from `samples`).

use rusqlite::{params, OptionalExtension};
use tracing::instrument;

use crate::error::{query_err, Result};
use crate::Store;

/// Who produced a stored answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRole {
    Candidate,
    Judge,
}

impl AnswerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerRole::Candidate => "candidate",
            AnswerRole::Judge => "judge",
        }
    }

    fn parse(s: &str) -> AnswerRole {
        if s == "judge" {
            AnswerRole::Judge
        } else {
            AnswerRole::Candidate
        }
    }
}

/// One request of a quality run and what came back, verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityAnswer {
    pub case_id: String,
    pub sample: u32,
    pub role: AnswerRole,
    /// SHA-256 of what makes the answer reusable: API, URL, model, body and sample index.
    pub request_hash: String,
    pub request_json: String,
    pub http_status: Option<u16>,
    /// The response body as received; `None` when no response came.
    pub raw_response: Option<String>,
    /// Transport or HTTP error, if any.
    pub error: Option<String>,
    pub elapsed_ms: Option<u64>,
    /// True when the answer was reused from an earlier run instead of requested.
    pub from_cache: bool,
}

/// The grade of one sample of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityVerdict {
    pub case_id: String,
    pub sample: u32,
    pub pass: bool,
    pub expected_label: Option<String>,
    pub predicted_label: Option<String>,
    /// Per-expectation results, as the quality crate serialises them.
    pub detail_json: String,
}

impl Store {
    /// Stores one answer (replacing an earlier one for the same case, sample and role).
    #[instrument(skip(self, a), fields(case = %a.case_id), err)]
    pub fn put_quality_answer(&self, run_id: i64, a: &QualityAnswer) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO quality_answers (run_id, case_id, sample, role,
                     request_hash, request_json, http_status, raw_response, error, elapsed_ms,
                     from_cache)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    run_id,
                    a.case_id,
                    a.sample,
                    a.role.as_str(),
                    a.request_hash,
                    a.request_json,
                    a.http_status,
                    a.raw_response,
                    a.error,
                    a.elapsed_ms.map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
                    a.from_cache,
                ],
            )
            .map_err(query_err(&self.path, "storing a quality answer"))?;
        Ok(())
    }

    /// Stores verdicts in one transaction, replacing earlier ones of the same samples.
    #[instrument(skip(self, verdicts), fields(count = verdicts.len()), err)]
    pub fn put_quality_verdicts(&mut self, run_id: i64, verdicts: &[QualityVerdict]) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(query_err(&path, "starting a verdict batch"))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO quality_verdicts (run_id, case_id, sample, pass,
                         expected_label, predicted_label, detail_json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(query_err(&path, "preparing a verdict insert"))?;
            for v in verdicts {
                stmt.execute(params![
                    run_id,
                    v.case_id,
                    v.sample,
                    v.pass,
                    v.expected_label,
                    v.predicted_label,
                    v.detail_json
                ])
                .map_err(query_err(&path, "storing a verdict"))?;
            }
        }
        tx.commit().map_err(query_err(&path, "committing verdicts"))
    }

    /// Every answer of a run, by case, sample and role.
    pub fn quality_answers(&self, run_id: i64) -> Result<Vec<QualityAnswer>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT case_id, sample, role, request_hash, request_json, http_status,
                     raw_response, error, elapsed_ms, from_cache
                 FROM quality_answers WHERE run_id = ?1 ORDER BY case_id, sample, role",
            )
            .map_err(query_err(&self.path, "reading quality answers"))?;
        let rows = stmt
            .query_map([run_id], |r| {
                Ok(QualityAnswer {
                    case_id: r.get(0)?,
                    sample: r.get(1)?,
                    role: AnswerRole::parse(&r.get::<_, String>(2)?),
                    request_hash: r.get(3)?,
                    request_json: r.get(4)?,
                    http_status: r.get(5)?,
                    raw_response: r.get(6)?,
                    error: r.get(7)?,
                    elapsed_ms: r.get::<_, Option<i64>>(8)?.map(|v| v.max(0) as u64),
                    from_cache: r.get(9)?,
                })
            })
            .map_err(query_err(&self.path, "reading quality answers"))?;
        rows.collect::<Result<_, _>>().map_err(query_err(&self.path, "reading quality answers"))
    }

    /// Every verdict of a run, by case and sample.
    pub fn quality_verdicts(&self, run_id: i64) -> Result<Vec<QualityVerdict>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT case_id, sample, pass, expected_label, predicted_label, detail_json
                 FROM quality_verdicts WHERE run_id = ?1 ORDER BY case_id, sample",
            )
            .map_err(query_err(&self.path, "reading verdicts"))?;
        let rows = stmt
            .query_map([run_id], |r| {
                Ok(QualityVerdict {
                    case_id: r.get(0)?,
                    sample: r.get(1)?,
                    pass: r.get(2)?,
                    expected_label: r.get(3)?,
                    predicted_label: r.get(4)?,
                    detail_json: r.get(5)?,
                })
            })
            .map_err(query_err(&self.path, "reading verdicts"))?;
        rows.collect::<Result<_, _>>().map_err(query_err(&self.path, "reading verdicts"))
    }

    /// The newest complete answer (a response, no error) to a request with this hash, from
    /// any run: the request cache used when re-running a suite for re-grading.
    pub fn cached_quality_answer(&self, request_hash: &str) -> Result<Option<(u16, String)>> {
        self.conn
            .query_row(
                "SELECT http_status, raw_response FROM quality_answers
                 WHERE request_hash = ?1 AND raw_response IS NOT NULL AND error IS NULL
                 ORDER BY run_id DESC LIMIT 1",
                [request_hash],
                |r| Ok((r.get::<_, Option<u16>>(0)?.unwrap_or(200), r.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(query_err(&self.path, "looking up the request cache"))
    }
}
