//! A short benchmark against a real model: SmolLM2-135M-Instruct served by
//! llama-cpp-python on loopback (`scripts/start-llm.sh`, which installs the cached venv on
//! first use). The run goes through the `triplane` CLI into a fresh store, and the test
//! checks the stored run and samples, not the model's speed.

use std::process::Command;

use triplane_bench::metrics::summarize;
use triplane_bench::record::Outcome;
use triplane_bench::storage::from_sample;
use triplane_store::{RunStatus, Store};
use triplane_systests::{start_llm, triplane_bin};

#[test]
fn a_short_run_against_smollm2_is_stored_with_real_timings() {
    let llm = start_llm(None);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");

    let out = Command::new(triplane_bin())
        .args(["bench", "latency", "--endpoint", &llm.url, "--api", "openai"])
        .args(["--model", "smollm2", "--candidate", "smollm2-local"])
        .args(["--requests", "6", "--max-tokens", "24", "--warmup", "1", "--json"])
        .arg("--db")
        .arg(&db)
        .output()
        .expect("the triplane binary runs; hint: cargo build -p triplane-cli");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}; stderr:\n{stderr}", out.status.code());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    let run_id = json["runs"][0]["run_id"].as_i64().expect("the JSON names the stored run");

    let store = Store::open(&db).unwrap();
    let run = store.run(run_id).unwrap();
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!((run.api.as_str(), run.model.as_str()), ("openai", "smollm2"));
    assert_eq!(run.candidate.as_deref(), Some("smollm2-local"));
    assert!(!run.settings_json.is_empty() && run.machine_json.contains("cpus"));

    let records: Vec<_> =
        store.samples(run_id).unwrap().iter().map(|s| from_sample(s).unwrap()).collect();
    assert_eq!(records.len(), 6, "warm-up requests are not stored");
    for r in &records {
        assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.error);
        let (sent, first, end) = (r.sent_ns.unwrap(), r.first_token_ns.unwrap(), r.end_ns.unwrap());
        assert!(sent < first && first <= end, "times are ordered: {sent} {first} {end}");
        assert!(r.first_byte_ns.unwrap() <= first, "the role chunk arrives before the first token");
        assert!(r.chunk_ns.len() >= 2 && r.output_tokens.unwrap() >= 2, "a real generation");
        assert!(!r.text.is_empty());
    }

    let s = summarize(&records);
    assert_eq!(s.ok, 6);
    let shown = &json["runs"][0]["summary"]["ttft_ms"]["p50"];
    assert_eq!(shown.as_f64(), s.ttft_ms.p50, "the CLI reports what the store holds");
    eprintln!(
        "SmolLM2 via llama-cpp-python: TTFT p50 {:.1} ms p95 {:.1} ms, ITL p50 {:.2} ms, \
         {:.1} output tok/s, tokens from usage: {}",
        s.ttft_ms.p50.unwrap(),
        s.ttft_ms.p95.unwrap(),
        s.itl_chunks_ms.p50.unwrap(),
        s.output_token_throughput,
        s.tokens_counted_by_client == 0
    );
    drop(llm);
}
