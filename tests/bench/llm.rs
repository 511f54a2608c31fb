//! A short benchmark against a real model: SmolLM2-135M-Instruct served by
//! llama-cpp-python on loopback (`scripts/start-llm.sh`, which installs the cached venv on
//! first use). The run goes through the `triplane` CLI into a fresh store, and the test
//! checks the stored run and samples, not the model's speed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use triplane_bench::metrics::summarize;
use triplane_bench::record::Outcome;
use triplane_bench::storage::from_sample;
use triplane_store::{RunStatus, Store};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The server process; stopped with SIGTERM on drop so the script's trap stops Python too.
struct Llm {
    child: Child,
    url: String,
}

impl Drop for Llm {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn start_llm() -> Llm {
    let mut child = Command::new(repo().join("scripts/start-llm.sh"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("scripts/start-llm.sh runs");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    // A cold venv build takes about 16 CPU-minutes; a cached one starts in seconds.
    let url = rx
        .recv_timeout(Duration::from_secs(40 * 60))
        .expect("the LLM server announced its URL")
        .trim()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "unexpected start-llm.sh output `{url}`");
    Llm { child, url }
}

/// The CLI of this very build (`target/debug`, where the test binary's `deps/` lives), or
/// `$TRIPLANE_BIN`. Cargo does not build another package's binary for a test, so
/// `cargo build -p triplane-cli` must run first (scripts/test-bench.sh does).
fn triplane_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let default = exe.parent().and_then(Path::parent).unwrap().join("triplane");
    let path = std::env::var_os("TRIPLANE_BIN").map(PathBuf::from).unwrap_or(default);
    assert!(path.is_file(), "`{}` is missing; hint: cargo build -p triplane-cli", path.display());
    path
}

#[test]
fn a_short_run_against_smollm2_is_stored_with_real_timings() {
    let llm = start_llm();
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
