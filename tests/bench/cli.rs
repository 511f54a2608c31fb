//! `triplane bench` end to end against the fault server: the stored run shows the same
//! figures in `bench latency --json` and `bench show --json`, `bench list` finds it, and
//! exit codes follow the table (0 ok, 1 failed requests, 2 usage).

use std::path::{Path, PathBuf};
use std::process::Output;

use triplane_systests::fault_server::FaultServer;

/// The CLI of this very build, or `$TRIPLANE_BIN`; `cargo build -p triplane-cli` first.
fn triplane_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let default = exe.parent().and_then(Path::parent).unwrap().join("triplane");
    let path = std::env::var_os("TRIPLANE_BIN").map(PathBuf::from).unwrap_or(default);
    assert!(path.is_file(), "`{}` is missing; hint: cargo build -p triplane-cli", path.display());
    path
}

/// Runs the CLI off the async runtime, so the in-process fault server keeps serving.
async fn triplane(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(triplane_bin()).args(&args).output().unwrap()
    })
    .await
    .unwrap()
}

fn args(list: &[&str], db: &Path) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    v.push("--db".into());
    v.push(db.display().to_string());
    v
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), stderr(out))
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_show_and_list_agree_and_exit_codes_follow_the_table() {
    let server = FaultServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let url = server.url();

    let out = triplane(args(
        &[
            "bench",
            "latency",
            "--endpoint",
            &url,
            "--api",
            "openai",
            "--model",
            "ok;tokens=5;ttft_ms=30;itl_ms=10",
            "--candidate",
            "fault",
            "--concurrency",
            "2",
            "--requests",
            "6",
            "--json",
        ],
        &db,
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let run = &report["runs"][0];
    let run_id = run["run_id"].as_i64().unwrap();
    assert_eq!(run["status"], "completed");
    assert_eq!(run["summary"]["ok"], 6);
    let ttft = run["summary"]["ttft_ms"]["p50"].as_f64().unwrap();
    assert!((ttft - 30.0).abs() < 10.0, "the server paced TTFT at 30 ms, measured {ttft}");

    let shown = json(&triplane(args(&["bench", "show", &run_id.to_string(), "--json"], &db)).await);
    // Stored chunk times are whole microseconds, TTFT keeps its nanoseconds: same figure.
    assert_eq!(shown["summary"]["ttft_ms"], run["summary"]["ttft_ms"], "show matches the run");
    assert_eq!(shown["candidate"], "fault");
    assert_eq!(shown["settings"]["load"]["kind"], "concurrency");
    assert!(shown["formulas"].as_array().is_some_and(|f| !f.is_empty()), "formulas travel along");

    let listed = json(&triplane(args(&["bench", "list", "--json"], &db)).await);
    assert_eq!(listed[0]["run_id"].as_i64(), Some(run_id));

    let text = triplane(args(&["bench", "show", &run_id.to_string()], &db)).await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("TTFT") && text.contains("first_token - intended_send"), "{text}");

    let failing = triplane(args(
        &[
            "bench",
            "latency",
            "--endpoint",
            &url,
            "--api",
            "openai",
            "--model",
            "http500",
            "--requests",
            "2",
        ],
        &db,
    ))
    .await;
    assert_eq!(failing.status.code(), Some(1), "failed requests are problems found");
    let text = String::from_utf8_lossy(&failing.stdout);
    assert!(text.contains("2 http_status"), "the failures are named: {text}");

    let usage = triplane(args(
        &["bench", "latency", "--endpoint", &url, "--api", "grpc", "--model", "m"],
        &db,
    ))
    .await;
    assert_eq!(usage.status.code(), Some(2), "{}", stderr(&usage));

    let missing = triplane(args(&["bench", "show", "999"], &db)).await;
    assert_eq!(missing.status.code(), Some(2), "an unknown run is a usage error");
    assert!(stderr(&missing).contains("999"), "{}", stderr(&missing));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_with_db_takes_the_latest_latency_run_and_names_it() {
    let server = FaultServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sim.db");
    let url = server.url();

    // The candidate id is the sovereign example's model component.
    let out = triplane(args(
        &[
            "bench",
            "latency",
            "--endpoint",
            &url,
            "--api",
            "openai",
            "--model",
            "ok;tokens=6;ttft_ms=40;itl_ms=20",
            "--candidate",
            "mistral-spark",
            "--requests",
            "4",
            "--json",
        ],
        &db,
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let run_id = json(&out)["runs"][0]["run_id"].as_i64().unwrap();

    let sim = triplane(args(&["simulate", "example:sovereign", "--json"], &db)).await;
    assert!(sim.status.success(), "{}", stderr(&sim));
    let measured = &json(&sim)["measured_latency"][0];
    assert_eq!(measured["component"], "mistral-spark");
    assert_eq!(measured["measured"]["run_id"].as_i64(), Some(run_id), "the run is named");
    let ttft = measured["measured"]["ttft_ms"].as_f64().unwrap();
    let rate = measured["measured"]["output_tokens_per_s"].as_f64().unwrap();
    assert!((ttft - 40.0).abs() < 10.0, "TTFT {ttft} ms from a 40 ms server");
    assert!((rate - 50.0).abs() < 10.0, "{rate} tok/s from tokens 20 ms apart");

    let without =
        triplane(vec!["simulate".into(), "example:sovereign".into(), "--json".into()]).await;
    let without = json(&without);
    assert!(without.get("measured_latency").is_none(), "no store, no measured figures");

    // The measured figures feed the simulation: the model is no longer on default figures.
    let assumed = |v: &serde_json::Value| v["latency"]["assumed"].to_string();
    let with = json(&sim);
    assert!(assumed(&without).contains("mistral-spark"), "{}", assumed(&without));
    assert!(!assumed(&with).contains("mistral-spark"), "{}", assumed(&with));
    assert_ne!(with["latency"]["cycle_ms"], without["latency"]["cycle_ms"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_stores_one_run_per_level_and_charts_them() {
    let server = FaultServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sweep.db");
    let url = server.url();

    let out = triplane(args(
        &[
            "bench",
            "latency",
            "--endpoint",
            &url,
            "--api",
            "openai",
            "--model",
            "ok;tokens=4;ttft_ms=10;itl_ms=5",
            "--sweep",
            "--sweep-max",
            "4",
            "--requests",
            "4",
            "--json",
        ],
        &db,
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let runs = report["runs"].as_array().unwrap();
    let loads: Vec<&str> = runs.iter().map(|r| r["load"].as_str().unwrap()).collect();
    assert_eq!(loads, ["concurrency 1", "concurrency 2", "concurrency 4"]);
    let ids: Vec<String> = runs.iter().map(|r| r["run_id"].to_string()).collect();

    let shown = json(&triplane(args(&["bench", "show", &ids[2], "--json"], &db)).await);
    assert_eq!(shown["settings"]["sweep"]["index"], 2, "each run knows its sweep point");

    let charts = dir.path().join("charts");
    let mut a: Vec<String> = vec!["bench".into(), "chart".into()];
    a.extend(ids.iter().cloned());
    a.extend(["--out".into(), charts.display().to_string()]);
    let out = triplane(args(&a.iter().map(String::as_str).collect::<Vec<_>>(), &db)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for name in ["latency-cdf", "ttft-vs-load", "itl-vs-load", "throughput-vs-load"] {
        let svg = std::fs::read_to_string(charts.join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.len() > 1000, "{name} is a drawn SVG");
    }
}
