//! Between request records and the store: the conversion both ways, and the sink that
//! writes a run's records in batches while it runs.

use triplane_store::{NewRun, RunKind, Sample, Store};

use crate::record::{Outcome, RequestRecord};
use crate::runner::RecordSink;

/// Writes records of one run to the store, a transaction per batch.
#[derive(Debug)]
pub struct StoreSink {
    pub store: Store,
    pub run_id: i64,
}

impl RecordSink for StoreSink {
    fn write(&mut self, batch: &[RequestRecord]) -> Result<(), String> {
        let samples: Vec<Sample> = batch.iter().map(to_sample).collect();
        self.store
            .append_samples(self.run_id, &samples)
            .map_err(|e| format!("{e}: {}", source_text(&e)))
    }
}

fn source_text(e: &dyn std::error::Error) -> String {
    e.source().map(ToString::to_string).unwrap_or_default()
}

/// The stored form of a record.
pub fn to_sample(r: &RequestRecord) -> Sample {
    Sample {
        idx: r.idx,
        outcome: r.outcome.as_str().to_owned(),
        http_status: r.http_status,
        error: r.error.clone(),
        intended_ns: r.intended_ns,
        sent_ns: r.sent_ns,
        first_byte_ns: r.first_byte_ns,
        first_event_ns: r.first_event_ns,
        first_token_ns: r.first_token_ns,
        first_content_ns: r.first_content_ns,
        end_ns: r.end_ns,
        prompt_tokens: r.prompt_tokens,
        output_tokens: r.output_tokens,
        tokens_from_usage: r.tokens_from_usage,
        chunk_times_ns: r.chunk_ns.clone(),
        partial_text: (!r.text.is_empty()).then(|| r.text.clone()),
    }
}

/// A record read back from the store; `None` for an outcome this version does not know.
/// The finish reason is not stored and comes back empty.
pub fn from_sample(s: &Sample) -> Option<RequestRecord> {
    Some(RequestRecord {
        idx: s.idx,
        intended_ns: s.intended_ns,
        sent_ns: s.sent_ns,
        first_byte_ns: s.first_byte_ns,
        first_event_ns: s.first_event_ns,
        first_token_ns: s.first_token_ns,
        first_content_ns: s.first_content_ns,
        chunk_ns: s.chunk_times_ns.clone(),
        end_ns: s.end_ns,
        outcome: Outcome::parse(&s.outcome)?,
        http_status: s.http_status,
        error: s.error.clone(),
        prompt_tokens: s.prompt_tokens,
        output_tokens: s.output_tokens,
        tokens_from_usage: s.tokens_from_usage,
        text: s.partial_text.clone().unwrap_or_default(),
        finish_reason: None,
    })
}

/// The run row for a latency run; `settings_json` comes from the caller, already free of
/// secrets (it records the key's variable name at most).
pub fn new_latency_run(
    candidate: Option<String>,
    endpoint: &crate::Endpoint,
    settings_json: String,
    started: i64,
) -> NewRun {
    NewRun {
        kind: RunKind::Latency,
        candidate,
        endpoint: endpoint.url.clone(),
        api: endpoint.api.as_str().to_owned(),
        model: endpoint.model.clone(),
        settings_json,
        machine_json: serde_json::to_string(&crate::machine::this_machine())
            .unwrap_or_else(|_| "{}".to_owned()),
        triplane_version: env!("CARGO_PKG_VERSION").to_owned(),
        started,
    }
}
