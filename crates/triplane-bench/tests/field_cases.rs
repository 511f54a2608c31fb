//! Replays the streaming field cases in `tests/fixtures/streaming/` (real failures recreated
//! as bodies with per-frame arrival times) through the same recorder and metrics a live
//! request uses, and asserts every value in each case's `expected` block. An expected key
//! this test does not know fails the test, so a new fixture field cannot go unchecked.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};
use triplane_bench::metrics::{request_metrics, summarize};
use triplane_bench::protocol::{Api, StreamState};
use triplane_bench::record::{Outcome, Recorder, RequestRecord};

const MS: u64 = 1_000_000;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/streaming")
}

struct Case {
    id: String,
    meta: Value,
    body: Vec<u8>,
    api: Api,
}

fn load_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let meta: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let body = std::fs::read(fixtures().join(meta["body_file"].as_str().unwrap())).unwrap();
            let api = match meta["protocol"].as_str().unwrap() {
                "openai-chat-completions-sse" => Api::Openai,
                "anthropic-messages-sse" => Api::Anthropic,
                "ollama-chat-ndjson" => Api::Ollama,
                other => panic!("{}: unknown protocol {other}", p.display()),
            };
            Case { id: meta["id"].as_str().unwrap().to_owned(), meta, body, api }
        })
        .collect();
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

/// `(bytes range, arrival ms)` per socket read: the case's `reads` when given, else one
/// read per frame.
fn reads_of(meta: &Value) -> Vec<(usize, usize, u64)> {
    let reads = meta["reads"].as_array();
    match reads {
        Some(reads) => reads
            .iter()
            .map(|r| {
                let (s, e) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
                (s as usize, e as usize, r["t_ms"].as_u64().unwrap())
            })
            .collect(),
        None => meta["frames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let off = f["offset"].as_u64().unwrap() as usize;
                let len = f["length"].as_u64().unwrap() as usize;
                (off, off + len, f["t_ms"].as_u64().unwrap())
            })
            .collect(),
    }
}

/// Feeds the reads at their times; `split` cuts every read into one-byte reads (same
/// arrival time) to prove frames and characters split across reads come out the same.
fn replay(
    api: Api,
    body: &[u8],
    reads: &[(usize, usize, u64)],
    close_ms: Option<u64>,
    split: bool,
) -> (RequestRecord, StreamState, u64) {
    let mut rec = Recorder::new(api);
    let mut ended = false;
    for &(start, end, t) in reads {
        let bytes = &body[start..end];
        if split {
            for b in bytes.chunks(1) {
                ended = rec.on_read(b, t * MS);
            }
        } else {
            ended = rec.on_read(bytes, t * MS);
        }
        if ended {
            break;
        }
    }
    if !ended {
        let last = reads.last().map_or(0, |r| r.2);
        rec.on_eof(close_ms.unwrap_or(last) * MS);
    }
    let state = rec.state.clone();
    let messages = rec.messages();
    (rec.finish(0, 0, 0, 200, None), state, messages)
}

fn ms_opt(ns: Option<u64>) -> Option<f64> {
    ns.map(|n| n as f64 / MS as f64)
}

fn check(case: &Case, record: &RequestRecord, state: &StreamState, messages: u64) {
    let id = &case.id;
    let expected = case.meta["expected"].as_object().unwrap();
    let m = request_metrics(record);
    let num = |v: &Value| v.as_f64();
    for (key, want) in expected {
        match key.as_str() {
            "outcome" => {
                let want_outcome = match want.as_str().unwrap() {
                    "ok" => Outcome::Ok,
                    // Every "error" case here is in-band: HTTP 200 with an error payload.
                    "error" => Outcome::ErrorInStream,
                    other => panic!("{id}: unknown outcome {other}"),
                };
                assert_eq!(record.outcome, want_outcome, "{id}: outcome; error {:?}", record.error);
            }
            "error" => {
                let err = state.error.as_ref().unwrap_or_else(|| panic!("{id}: no stream error"));
                for (k, v) in want.as_object().unwrap() {
                    match k.as_str() {
                        "message" => assert_eq!(err.message, v.as_str().unwrap(), "{id}: message"),
                        "type" => assert_eq!(err.kind.as_deref(), v.as_str(), "{id}: type"),
                        "code" => assert_eq!(err.code, Some(v.to_string()), "{id}: code"),
                        "in_band" => assert_eq!(
                            record.http_status == Some(200),
                            v.as_bool().unwrap(),
                            "{id}: in-band errors arrive under a 2xx status"
                        ),
                        other => panic!("{id}: unasserted error field {other}"),
                    }
                }
                assert!(
                    record.error.as_deref().unwrap_or("").contains(&err.message),
                    "{id}: the record's error names the message"
                );
            }
            "ttfb_ms" => assert_eq!(ms_opt(record.first_byte_ns), num(want), "{id}: ttfb"),
            "ttft_ms" => assert_eq!(m.ttft_ms, num(want), "{id}: ttft"),
            "ttfo_ms" => assert_eq!(m.ttfo_ms, num(want), "{id}: ttfo"),
            "e2e_ms" => assert_eq!(m.e2e_ms, num(want), "{id}: e2e"),
            "itl_ms" => {
                let want: Vec<f64> = want.as_array().unwrap().iter().filter_map(num).collect();
                assert_eq!(m.itl_chunks_ms, want, "{id}: itl");
            }
            "output_tokens" => {
                assert_eq!(record.output_tokens, want["value"].as_u64(), "{id}: output tokens");
                let from_usage = want["source"].as_str().unwrap().starts_with("usage");
                assert_eq!(record.tokens_from_usage, from_usage, "{id}: token source");
            }
            "usage_present" => {
                assert_eq!(state.usage_output_tokens.is_some(), want.as_bool().unwrap(), "{id}")
            }
            "input_tokens" => assert_eq!(record.prompt_tokens, want.as_u64(), "{id}: input"),
            "text" | "partial_text" => {
                assert_eq!(record.text, want.as_str().unwrap(), "{id}: {key}")
            }
            "reasoning_text" => {
                assert_eq!(state.reasoning_text, want.as_str().unwrap(), "{id}: reasoning")
            }
            "reasoning_tokens" => {
                assert_eq!(Some(state.reasoning_chunks), want.as_u64(), "{id}: reasoning tokens")
            }
            "content_tokens" => {
                assert_eq!(Some(state.content_chunks), want.as_u64(), "{id}: content tokens")
            }
            "finish_reason" => {
                assert_eq!(record.finish_reason.as_deref(), want.as_str(), "{id}: finish")
            }
            "provider_stop_reason" => {
                assert_eq!(state.provider_stop_reason.as_deref(), want.as_str(), "{id}")
            }
            "done_marker_seen" => {
                assert_eq!(state.done_marker, want.as_bool().unwrap(), "{id}: done marker")
            }
            "json_parse_errors" => {
                assert_eq!(Some(u64::from(state.parse_errors)), want.as_u64(), "{id}: parse errors")
            }
            "dispatched_data_events" => assert_eq!(Some(messages), want.as_u64(), "{id}: events"),
            "counts_in_latency_percentiles" => {
                let s = summarize(std::slice::from_ref(record));
                assert_eq!(s.e2e_ms.count == 1, want.as_bool().unwrap(), "{id}: percentiles");
                assert_eq!(s.ttft_ms.count == 1, want.as_bool().unwrap(), "{id}: percentiles");
            }
            "server_stats_present" => {
                assert_eq!(state.server.is_some(), want.as_bool().unwrap(), "{id}: server stats")
            }
            "server" => {
                let server = state.server.unwrap_or_else(|| panic!("{id}: no server timings"));
                for (k, v) in want.as_object().unwrap() {
                    let got = match k.as_str() {
                        "prompt_eval_ms" => server.prompt_eval_ms,
                        "eval_ms" => server.eval_ms,
                        "total_ms" => server.total_ms,
                        "load_ms" => server.load_ms,
                        "eval_tokens_per_s" => server
                            .eval_ms
                            .zip(record.output_tokens)
                            .map(|(ms, n)| n as f64 / (ms / 1e3)),
                        other => panic!("{id}: unasserted server field {other}"),
                    };
                    assert_eq!(got, v.as_f64(), "{id}: server {k}");
                }
            }
            other => panic!("{id}: expected key `{other}` is not asserted by this test"),
        }
    }
}

#[test]
fn every_field_case_replays_to_its_expected_values() {
    let cases = load_cases();
    assert_eq!(cases.len(), 11, "all streaming field cases are present");
    for case in &cases {
        let digest = hex::encode(Sha256::digest(&case.body));
        assert_eq!(digest, case.meta["body_sha256"].as_str().unwrap(), "{}: body hash", case.id);

        let reads = reads_of(&case.meta);
        let covered: usize = reads.iter().map(|r| r.1 - r.0).sum();
        assert_eq!(covered, case.body.len(), "{}: reads cover the body", case.id);
        let close = case.meta["connection_close_ms"].as_u64();

        let (record, state, messages) = replay(case.api, &case.body, &reads, close, false);
        check(case, &record, &state, messages);

        let (split, split_state, split_messages) =
            replay(case.api, &case.body, &reads, close, true);
        assert_eq!(split, record, "{}: one-byte reads give the same record", case.id);
        assert_eq!((split_state, split_messages), (state, messages), "{}", case.id);
    }
}

/// S02 lists variants that must give identical results: `reasoning` instead of
/// `reasoning_content`, and a role frame with `content: null`.
#[test]
fn s02_variants_give_identical_results() {
    let cases = load_cases();
    let case = cases.iter().find(|c| c.id == "S02").unwrap();
    let times: Vec<u64> = case.meta["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["t_ms"].as_u64().unwrap())
        .collect();
    let original = String::from_utf8(case.body.clone()).unwrap();
    let variants = [
        original.replace("\"reasoning_content\"", "\"reasoning\""),
        original.replace(
            "\"role\":\"assistant\",\"content\":\"\"",
            "\"role\":\"assistant\",\"content\":null",
        ),
    ];
    for body in variants {
        assert_ne!(body, original, "the variant changes the body");
        // Offsets moved, so frames are re-cut at each blank line with the original times.
        let mut reads = Vec::new();
        let mut start = 0;
        for (i, _) in body.match_indices("\n\n") {
            reads.push((start, i + 2, times[reads.len()]));
            start = i + 2;
        }
        assert_eq!(reads.len(), times.len());
        let (record, state, messages) = replay(Api::Openai, body.as_bytes(), &reads, None, false);
        check(case, &record, &state, messages);
    }
}

/// S05's counter-case: EOF with neither a finish reason nor `[DONE]` is a truncation.
#[test]
fn eof_without_finish_reason_is_truncated_and_keeps_the_text() {
    let cases = load_cases();
    let case = cases.iter().find(|c| c.id == "S05").unwrap();
    let reads = reads_of(&case.meta);
    // Drop the finish frame: the stream now ends after " flux".
    let cut = &reads[..reads.len() - 1];
    let (record, _, _) = replay(Api::Openai, &case.body, cut, Some(275), false);
    assert_eq!(record.outcome, Outcome::Truncated);
    assert_eq!(record.text, "Fin de flux");
    assert_eq!(record.end_ns, Some(275 * MS));
}
