//! The Benchmarks page of the real app, driven through WebDriver against the fault server
//! (`tests/src/fault_server.rs`), with the app on a temporary database.
//!
//! What it proves: a latency run started from the page's form completes with live progress,
//! and the TTFT and end-to-end percentiles the page shows are exactly those of
//! `triplane bench show RUN --json` on the same database; a longer run cancelled from the page
//! is stored as `cancelled` with the requests it measured; a concurrency sweep charts TTFT
//! against the load; the page reads in English and French. Screenshots land in
//! `test-output/app-e2e/bench-*.png`.
//!
//! Missing tools fail the test with the script that installs them; it never skips.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::Value;
use triplane_systests::app_driver::*;
use triplane_systests::fault_server::{CannedAnswer, FaultServer};

/// Types `value` into the form field `name`, replacing what was there, as a user would.
async fn fill(client: &Client, name: &str, value: &str) {
    let input = wait_for(client, &format!("[data-field='{name}']")).await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some(value),
        "the field `{name}` holds what was typed"
    );
}

async fn choose(client: &Client, name: &str, value: &str) {
    let select = wait_for(client, &format!("select[data-field='{name}']")).await;
    select.select_by_value(value).await.unwrap();
}

/// Waits for the run the page reports as finished with `status`; returns its run ids.
async fn finished(client: &Client, status: &str) -> Vec<u32> {
    let done = wait_for(client, &format!("[data-testid=bench-done][data-status='{status}']")).await;
    attr(&done, "data-runs").await.split(',').map(|s| s.parse().unwrap()).collect()
}

/// The percentiles of one figure as the page holds them (`data-p50` … on its row).
async fn dom_figure(client: &Client, run: u32, key: &str) -> Vec<Option<f64>> {
    let row = wait_for(
        client,
        &format!("[data-testid=bench-detail][data-run='{run}'] tr[data-figure='{key}']"),
    )
    .await;
    let mut out = Vec::new();
    for p in ["p50", "p90", "p95", "p99"] {
        let v = attr(&row, &format!("data-{p}")).await;
        out.push((!v.is_empty()).then(|| v.parse::<f64>().unwrap()));
    }
    out
}

fn cli_figure(show: &Value, key: &str) -> Vec<Option<f64>> {
    ["p50", "p90", "p95", "p99"].iter().map(|p| show["summary"][key][p].as_f64()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn benchmarks_run_from_the_app_show_what_bench_show_says() {
    let server = FaultServer::start().await.unwrap();
    let h = Harness::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db").display().to_string();
    let client = h.session(&["--db", &db]).await;
    let en = ui_catalog("en");
    let fr = ui_catalog("fr");

    open_page(&client, "benchmarks").await;
    wait_for(&client, "[data-testid=bench-page]").await;
    fill(&client, "endpoint", &server.url()).await;
    choose(&client, "api", "openai").await;
    fill(&client, "model", "ok;tokens=5;ttft_ms=30;itl_ms=10").await;
    fill(&client, "candidate", "fault").await;
    fill(&client, "concurrency", "2").await;
    fill(&client, "requests", "6").await;
    // Lets WebKit paint the last keystrokes before the screenshot.
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "bench-01-form-en").await;

    // A short run: the figures shown are those `bench show --json` computes from the store.
    wait_for(&client, "[data-testid=bench-run]").await.click().await.unwrap();
    let run = finished(&client, "completed").await;
    assert_eq!(run.len(), 1, "one run for one load level");
    let run = run[0];
    let show = h.cli_json(&["bench", "show", &run.to_string(), "--json", "--db", &db]);
    assert_eq!(show["status"], "completed");
    assert_eq!(show["summary"]["ok"], 6, "every request against the `ok` scenario succeeds");
    for key in ["ttft", "e2e", "itl_chunks"] {
        let cli = cli_figure(&show, &format!("{key}_ms"));
        assert!(cli[0].is_some(), "the CLI has a {key} p50");
        assert_eq!(dom_figure(&client, run, key).await, cli, "{key} on the page = bench show");
    }
    let counts = wait_for(&client, "[data-testid=bench-counts]").await;
    assert_eq!(attr(&counts, "data-requests").await, "6");
    wait_for(&client, "[data-chart='latency-cdf'] img").await;
    wait_for(&client, ".bench-candidate[data-candidate='fault']").await;
    let formula = wait_for(&client, "tr[data-figure='ttft'] .formula").await.text().await.unwrap();
    assert!(formula.starts_with("first_token - intended_send"), "TTFT's formula: {formula}");
    images_loaded(&client, ".bench-charts img").await;
    scroll_to(&client, "[data-testid=bench-detail]").await;
    screenshot(&client, "bench-02-run-en").await;

    // A longer run, cancelled once a request has settled: what it measured is stored.
    scroll_to(&client, "[data-testid=bench-form]").await;
    fill(&client, "model", "ok;tokens=40;ttft_ms=50;itl_ms=40").await;
    fill(&client, "concurrency", "1").await;
    fill(&client, "requests", "100").await;
    wait_for(&client, "[data-testid=bench-run]").await.click().await.unwrap();
    let start = Instant::now();
    loop {
        let settled = match client.find(Locator::Css("[data-testid=bench-progress]")).await {
            Ok(p) => attr(&p, "data-settled").await.parse::<u32>().unwrap(),
            Err(_) => 0,
        };
        if settled >= 1 {
            break;
        }
        assert!(start.elapsed() < WAIT, "no request settled within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&client, "bench-03-progress-en").await;
    // Leaving the page does not stop the run, and coming back shows its live progress.
    open_page(&client, "settings").await;
    wait_for(&client, "[data-testid=settings]").await;
    open_page(&client, "benchmarks").await;
    let progress = wait_for(&client, "[data-testid=bench-progress]").await;
    assert_eq!(attr(&progress, "data-running").await, "true", "the run goes on after a round trip");
    wait_for(&client, "[data-testid=bench-cancel]:not([disabled])").await.click().await.unwrap();
    let cancelled = finished(&client, "cancelled").await[0];
    let show = h.cli_json(&["bench", "show", &cancelled.to_string(), "--json", "--db", &db]);
    assert_eq!(show["status"], "cancelled", "the partial run is stored as cancelled");
    let requests = show["summary"]["requests"].as_u64().unwrap();
    let ok = show["summary"]["ok"].as_u64().unwrap();
    assert!(ok >= 1, "the request that settled before the cancel is kept");
    assert!(requests < 100, "the run stopped early: {requests} requests");
    assert!(
        show["summary"]["outcomes"]["cancelled"].as_u64().unwrap() >= 1,
        "the request in flight at the cancel is kept as cancelled"
    );
    let counts = wait_for(
        &client,
        &format!("[data-testid=bench-detail][data-run='{cancelled}'] [data-testid=bench-counts]"),
    )
    .await;
    assert_eq!(attr(&counts, "data-requests").await, requests.to_string());
    assert_eq!(attr(&counts, "data-ok").await, ok.to_string());
    assert_eq!(
        dom_figure(&client, cancelled, "ttft").await,
        cli_figure(&show, "ttft_ms"),
        "the partial run's TTFT on the page = bench show"
    );
    let list = h.cli_json(&["bench", "list", "--json", "--db", &db]);
    assert_eq!(list.as_array().unwrap().len(), 2, "both runs are in the store the CLI reads");

    // A sweep: one run per concurrency level, charted together against the level.
    scroll_to(&client, "[data-testid=bench-form]").await;
    fill(&client, "model", "ok;tokens=5;ttft_ms=20;itl_ms=5").await;
    choose(&client, "loadKind", "sweep").await;
    fill(&client, "sweepMax", "4").await;
    fill(&client, "requests", "4").await;
    wait_for(&client, "[data-testid=bench-run]").await.click().await.unwrap();
    let sweep = finished(&client, "completed").await;
    assert_eq!(sweep.len(), 3, "levels 1, 2 and 4");
    wait_for(&client, "[data-testid=bench-ticked-charts] [data-chart='ttft-vs-load'] img").await;
    images_loaded(&client, ".bench-charts img").await;
    scroll_to(&client, "[data-testid=bench-ticked-charts]").await;
    screenshot(&client, "bench-04-sweep-en").await;

    // A classification run stored by the CLI: the page shows its pass rate and confusion
    // matrix as `bench show --json` has them.
    for (key, label) in [
        ("Text A", "public"),
        ("Text B", "internal"),
        ("Text C", "internal"),
        ("Text D", "personal"),
        ("Text E", "personal"),
        ("Text F", "restricted"),
    ] {
        server.add_canned(
            "classifier",
            key,
            CannedAnswer { content: Some(label.into()), tool_calls: vec![] },
        );
    }
    let suite = workspace().join("tests/fixtures/quality/classifier.yaml").display().to_string();
    let url = server.url();
    let quality = h.cli_json(&[
        "bench",
        "quality",
        "--suite",
        &suite,
        "--endpoint",
        &url,
        "--api",
        "openai",
        "--model",
        "canned;set=classifier",
        "--candidate",
        "classifier",
        "--db",
        &db,
        "--json",
    ]);
    let quality_run = quality["summary"]["run_id"].as_u64().unwrap().to_string();
    let show = h.cli_json(&["bench", "show", &quality_run, "--json", "--db", &db]);
    let rate = show["pass_rate"]["rate"].as_f64().unwrap();
    assert_eq!(rate, 4.0 / 6.0, "two of six canned labels are wrong");
    client.execute("document.querySelector('main').scrollTop = 0", vec![]).await.unwrap();
    wait_for(&client, ".bench-runs-head button").await.click().await.unwrap();
    wait_for(&client, &format!("[data-open-run='{quality_run}']")).await.click().await.unwrap();
    let shown = wait_for(&client, "[data-testid=bench-quality]").await;
    assert_eq!(attr(&shown, "data-pass-rate").await.parse::<f64>().unwrap(), rate);
    wait_for(&client, "[data-testid=bench-quality] figure img").await;
    wait_for(&client, ".bench-candidate[data-candidate='classifier']").await;
    images_loaded(&client, ".bench-charts img").await;
    scroll_to(&client, "[data-testid=bench-detail]").await;
    screenshot(&client, "bench-05-quality-en").await;

    // French: the labels come from the French catalog.
    wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(&client, "html[lang=fr]").await;
    let button = wait_for(&client, "[data-page-button='benchmarks']").await.text().await.unwrap();
    assert_eq!(button, fr["bench"]["page"].as_str().unwrap());
    let fr_quality = wait_for(&client, "[data-testid=bench-quality]").await.text().await.unwrap();
    let fr_rate = fr["bench"]["quality"]["passRate"].as_str().unwrap();
    assert!(fr_quality.contains(fr_rate), "French quality labels: {fr_quality}");
    screenshot(&client, "bench-06-quality-fr").await;
    client.execute("document.querySelector('main').scrollTop = 0", vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "bench-07-form-fr").await;
    wait_for(&client, &format!("[data-open-run='{cancelled}']")).await.click().await.unwrap();
    wait_for(&client, &format!("[data-testid=bench-detail][data-run='{cancelled}']")).await;
    let ttft_label = wait_for(&client, "tr[data-figure='ttft'] th").await.text().await.unwrap();
    let fr_ttft = fr["bench"]["figure"]["ttft"].as_str().unwrap();
    assert!(ttft_label.starts_with(fr_ttft), "French TTFT label: {ttft_label}");
    assert_ne!(fr_ttft, en["bench"]["figure"]["ttft"].as_str().unwrap());
    scroll_to(&client, "[data-testid=bench-detail]").await;
    screenshot(&client, "bench-08-run-fr").await;

    wait_for(&client, "[data-lang=en]").await.click().await.unwrap();
    client.close().await.unwrap();
}
