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
