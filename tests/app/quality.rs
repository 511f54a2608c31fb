//! Quality runs on the Benchmarks page of the real app, driven through WebDriver against the
//! fault server's canned answers (`tests/src/fault_server.rs`), with the app on a temporary
//! database and the built CLI reading the same file.
//!
//! What it proves: a subset of the built-in classification suite run from the page's quality
//! form, against canned right and wrong labels, shows the pass rate, passes/n, the confusion
//! matrix and the per-case verdicts of `triplane bench show RUN --json`, and re-grades to the
//! same verdicts; a longer run cancelled from the page is stored `cancelled` with the samples
//! graded before the cancel; a suite file picked in the native dialog (answered through
//! `TRIPLANE_DIALOG_RESPONSE_FILE`, `src-tauri/src/dialog.rs`) runs like a built-in suite, and
//! a broken one is refused naming its line; two runs ticked and compared show the figures of
//! `triplane bench compare --json` and the very SVGs `bench compare --charts --price` writes
//! (pass rate, confusion matrices, quality × latency × price with its Pareto front); the page
//! reads in English and French. Screenshots land in `test-output/app-e2e/quality-*.png`.
//!
//! Missing tools fail the test with the script that installs them; it never skips.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::Value;
use triplane_systests::app_driver::*;
use triplane_systests::fault_server::{CannedAnswer, FaultServer};

/// Types `value` into the quality form's field `name`, replacing what was there.
async fn fill(client: &Client, name: &str, value: &str) {
    let input = wait_for(client, &format!("input[data-qfield='{name}']")).await;
    input.clear().await.unwrap();
    if value.is_empty() {
        // WebDriver sends no empty text, and a clear alone fires no input event for React: a
        // key and its deletion empty the field as a user would.
        input.send_keys(" ").await.unwrap();
        input.send_keys(&fantoccini::key::Key::Backspace.to_string()).await.unwrap();
    } else {
        input.send_keys(value).await.unwrap();
    }
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some(value),
        "the field `{name}` holds what was typed"
    );
}

async fn choose(client: &Client, name: &str, value: &str) {
    let select = wait_for(client, &format!("select[data-qfield='{name}']")).await;
    select.select_by_value(value).await.unwrap();
}

/// Waits for a quality run other than `before` that the page reports as finished with
/// `status`; returns its id. (The previous run's notice stays until the page re-renders.)
async fn finished(client: &Client, status: &str, before: &[&str]) -> String {
    let css = format!("[data-testid=bench-done][data-kind=quality][data-status='{status}']");
    let start = Instant::now();
    loop {
        if let Ok(done) = client.find(Locator::Css(&css)).await {
            let run = attr(&done, "data-runs").await;
            if !before.contains(&run.as_str()) {
                return run;
            }
        }
        assert!(start.elapsed() < WAIT, "no new run `{status}` within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `script` and returns what it returned.
async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap()
}

/// The SVG text of a `data:image/svg+xml;charset=utf-8,…` source (`encodeURIComponent`).
fn svg_of(src: &str) -> String {
    let encoded = src.split_once(',').expect("a data URL").1.as_bytes();
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut i = 0;
    while i < encoded.len() {
        if encoded[i] == b'%' {
            let hex = std::str::from_utf8(&encoded[i + 1..i + 3]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            bytes.push(encoded[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// The page's charts of the comparison, by name.
async fn page_charts(client: &Client) -> BTreeMap<String, String> {
    let script = "return [...document.querySelectorAll('[data-testid=bench-comparison] \
                  figure[data-chart]')].map(f => [f.dataset.chart, f.querySelector('img').getAttribute('src')]);";
    let pairs = js(client, script).await;
    pairs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), svg_of(p[1].as_str().unwrap())))
        .collect()
}

#[test]
fn quality_runs_from_the_app_show_what_bench_show_and_compare_say() {
    let dir = tempfile::tempdir().unwrap();
    let dialog = dir.path().join("dialog-answer");
    // Read by the app's debug build, which tauri-driver starts with this process's
    // environment; set before any runtime thread starts.
    std::env::set_var("TRIPLANE_DIALOG_RESPONSE_FILE", &dialog);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(drive(dir, dialog));
}

async fn drive(dir: tempfile::TempDir, dialog: std::path::PathBuf) {
    let server = FaultServer::start().await.unwrap();
    let suite = triplane_api::quality::load_suite("classification").unwrap();

    // Six cases, the first of each label. `alpha` answers four right, one with a wrong label
    // and one in the wrong letter case (no label at all under strict matching); `beta` answers
    // all six right; `all` answers every case of the suite right, for the long run.
    let mut chosen = Vec::new();
    for label in &suite.labels {
        let case = suite.cases.iter().find(|c| c.expected_label() == Some(label)).unwrap();
        chosen.push(case);
    }
    let answer = |s: &str| CannedAnswer { content: Some(s.to_owned()), tool_calls: vec![] };
    for (i, case) in chosen.iter().enumerate() {
        let right = case.expected_label().unwrap();
        let alpha = match i {
            1 => "confidential".to_owned(),
            4 => right.to_uppercase(),
            _ => right.to_owned(),
        };
        server.add_canned("alpha", case.question(), answer(&alpha));
        server.add_canned("beta", case.question(), answer(right));
    }
    for case in &suite.cases {
        server.add_canned("all", case.question(), answer(case.expected_label().unwrap()));
    }
    let ids: Vec<&str> = chosen.iter().map(|c| c.id.as_str()).collect();

    let h = Harness::start();
    let db = dir.path().join("quality.db").display().to_string();
    let client = h.session(&["--db", &db]).await;
    let fr = ui_catalog("fr");

    open_page(&client, "benchmarks").await;
    wait_for(&client, "[data-form-kind=quality]").await.click().await.unwrap();
    let about = wait_for(&client, "[data-testid=bench-suite-about]").await;
    assert_eq!(
        attr(&about, "data-cases").await,
        "60",
        "the built-in suite as triplane-api loads it"
    );
    // Every built-in suite is offered, with the case count triplane-api reads.
    let tools = triplane_api::quality::load_suite("tool-calling").unwrap().cases.len();
    choose(&client, "suite", "tool-calling").await;
    wait_for(&client, &format!("[data-testid=bench-suite-about][data-cases='{tools}']")).await;
    choose(&client, "suite", "classification").await;
    wait_for(&client, "[data-testid=bench-suite-about][data-cases='60']").await;

    let url = server.url();
    fill(&client, "endpoint", &url).await;
    choose(&client, "api", "openai").await;
    fill(&client, "model", "canned;set=alpha").await;
    fill(&client, "candidate", "alpha").await;
    fill(&client, "cases", &ids.join(", ")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "quality-01-form-en").await;

    // The subset run: the page's figures are those `bench show --json` computes from the store.
    wait_for(&client, "[data-testid=bench-quality-run]").await.click().await.unwrap();
    let alpha = finished(&client, "completed", &[]).await;
    let show = h.cli_json(&["bench", "show", &alpha, "--json", "--db", &db]);
    assert_eq!(show["status"], "completed");
    assert_eq!(show["candidate"], "alpha");
    let (passes, n) = (&show["pass_rate"]["passes"], &show["pass_rate"]["n"]);
    assert_eq!(
        (passes.as_u64(), n.as_u64()),
        (Some(4), Some(6)),
        "two of six canned labels are wrong"
    );
    let shown = wait_for(
        &client,
        &format!("[data-testid=bench-detail][data-run='{alpha}'] [data-testid=bench-quality]"),
    )
    .await;
    assert_eq!(attr(&shown, "data-passes").await, passes.to_string());
    assert_eq!(attr(&shown, "data-n").await, n.to_string());
    let rate: f64 = attr(&shown, "data-pass-rate").await.parse().unwrap();
    assert_eq!(rate, show["pass_rate"]["rate"].as_f64().unwrap(), "pass rate, page vs CLI");

    let matrix = js(
        &client,
        "return [...document.querySelectorAll('[data-testid=bench-confusion] tbody tr')].map(r => \
         [r.dataset.expected, [...r.querySelectorAll('td')].map(td => Number(td.dataset.count))]);",
    )
    .await;
    let labels = show["confusion"]["labels"].as_array().unwrap();
    let counts = show["confusion"]["counts"].as_array().unwrap();
    let cli_matrix: Vec<Value> =
        labels.iter().zip(counts).map(|(l, c)| Value::Array(vec![l.clone(), c.clone()])).collect();
    assert_eq!(matrix, Value::Array(cli_matrix), "confusion matrix, page vs CLI");
    let off = counts.iter().map(|row| row.as_array().unwrap().last().unwrap().as_u64().unwrap());
    assert_eq!(off.sum::<u64>(), 1, "the upper-case answer names no label: the `(none)` column");

    let verdicts = js(
        &client,
        "return [...document.querySelectorAll('[data-testid=bench-verdicts] tbody tr')].map(r => \
         [r.dataset.case, r.dataset.pass === 'true']);",
    )
    .await;
    let cli_cases: Vec<Value> = show["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Value::Array(vec![c["id"].clone(), Value::Bool(c["rate"]["passes"] == 1)]))
        .collect();
    assert_eq!(verdicts, Value::Array(cli_cases), "per-case verdicts, page vs CLI");
    let regrade = h.cli_json(&["bench", "regrade", &alpha, "--json", "--db", &db]);
    assert_eq!(regrade["differences"], Value::Array(vec![]), "re-grading gives the same verdicts");

    wait_for(&client, "[data-testid=bench-quality] figure img").await;
    wait_for(&client, "[data-testid=bench-confusion]").await;
    js(&client, "document.querySelectorAll('.bench-fold').forEach(d => d.open = true)").await;
    images_loaded(&client, ".bench-charts img").await;
    scroll_to(&client, "[data-testid=bench-detail]").await;
    screenshot(&client, "quality-02-run-en").await;

    // A second candidate on the same cases, every label right.
    scroll_to(&client, "[data-testid=bench-quality-form]").await;
    fill(&client, "model", "canned;set=beta").await;
    fill(&client, "candidate", "beta").await;
    wait_for(&client, "[data-testid=bench-quality-run]").await.click().await.unwrap();
    let beta = finished(&client, "completed", &[alpha.as_str()]).await;
    let show_beta = h.cli_json(&["bench", "show", &beta, "--json", "--db", &db]);
    assert_eq!(show_beta["pass_rate"]["passes"], 6, "beta answers every case right");

    // The whole suite, each answer 300 ms late, cancelled once two samples are graded.
    scroll_to(&client, "[data-testid=bench-quality-form]").await;
    fill(&client, "model", "canned;set=all;delay_ms=300").await;
    fill(&client, "candidate", "slow").await;
    fill(&client, "cases", "").await;
    wait_for(&client, "[data-testid=bench-quality-run]").await.click().await.unwrap();
    let start = Instant::now();
    loop {
        let done = match client.find(Locator::Css("[data-testid=bench-quality-progress]")).await {
            Ok(p) => attr(&p, "data-done").await.parse::<u32>().unwrap(),
            Err(_) => 0,
        };
        if done >= 2 {
            break;
        }
        assert!(start.elapsed() < WAIT, "no two samples graded within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let progress = wait_for(&client, "[data-testid=bench-quality-progress]").await;
    assert_eq!(attr(&progress, "data-planned").await, "60", "every case once");
    screenshot(&client, "quality-03-progress-en").await;
    wait_for(&client, "[data-testid=bench-quality-cancel]").await.click().await.unwrap();
    let slow = finished(&client, "cancelled", &[alpha.as_str(), beta.as_str()]).await;
    let show_slow = h.cli_json(&["bench", "show", &slow, "--json", "--db", &db]);
    assert_eq!(show_slow["status"], "cancelled", "the cut run is stored as cancelled");
    let graded = show_slow["pass_rate"]["n"].as_u64().unwrap();
    assert!((2..60).contains(&graded), "the samples graded before the cancel are kept: {graded}");
    assert_eq!(
        show_slow["pass_rate"]["passes"].as_u64(),
        Some(graded),
        "every canned label is right"
    );
    let detail = wait_for(&client, &format!("[data-testid=bench-detail][data-run='{slow}']")).await;
    assert_eq!(attr(&detail, "data-status").await, "cancelled");
    let shown = wait_for(
        &client,
        &format!("[data-testid=bench-detail][data-run='{slow}'] [data-testid=bench-quality]"),
    )
    .await;
    assert_eq!(attr(&shown, "data-n").await, graded.to_string(), "the page shows what was kept");
    let regrade = h.cli_json(&["bench", "regrade", &slow, "--json", "--db", &db]);
    assert_eq!(regrade["samples"].as_u64(), Some(graded));
    assert_eq!(regrade["differences"], Value::Array(vec![]), "a cancelled run re-grades the same");

    // A suite file picked in the dialog runs as `bench quality --suite FILE` would.
    let tiny = workspace().join("tests/fixtures/quality/classifier.yaml");
    for (key, label) in [
        ("Text A", "public"),
        ("Text B", "internal"),
        ("Text C", "internal"),
        ("Text D", "personal"),
        ("Text E", "personal"),
        ("Text F", "restricted"),
    ] {
        server.add_canned("tiny", key, answer(label));
    }
    scroll_to(&client, "[data-testid=bench-quality-form]").await;
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "suite: 1\nid: broken\ntitel: Broken\n").unwrap();
    std::fs::write(&dialog, broken.display().to_string()).unwrap();
    wait_for(&client, "[data-testid=bench-open-suite]").await.click().await.unwrap();
    let refused = wait_for(&client, "[data-testid=bench-suite-error]").await;
    assert_eq!(attr(&refused, "data-code").await, "invalid", "a suite that does not load");
    let message = refused.text().await.unwrap();
    assert!(message.contains("broken.yaml:"), "the refusal names the file and line: {message}");
    std::fs::write(&dialog, tiny.display().to_string()).unwrap();
    wait_for(&client, "[data-testid=bench-open-suite]").await.click().await.unwrap();
    // The refused file took no handle: the first file opened is `file:0`.
    wait_for(&client, "[data-testid=bench-suite-about][data-suite='file:0'][data-cases='6']").await;
    fill(&client, "model", "canned;set=tiny").await;
    fill(&client, "candidate", "tiny").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "quality-04-suite-file-en").await;
    wait_for(&client, "[data-testid=bench-quality-run]").await.click().await.unwrap();
    let from_file =
        finished(&client, "completed", &[alpha.as_str(), beta.as_str(), slow.as_str()]).await;
    let show_file = h.cli_json(&["bench", "show", &from_file, "--json", "--db", &db]);
    assert_eq!(show_file["suite"], "classifier-smoke", "the picked file's suite was run");
    assert_eq!(show_file["pass_rate"]["passes"], 4, "two of six canned labels are wrong");
    let shown = wait_for(
        &client,
        &format!("[data-testid=bench-detail][data-run='{from_file}'] [data-testid=bench-quality]"),
    )
    .await;
    assert_eq!(attr(&shown, "data-passes").await, "4");
    assert_eq!(attr(&shown, "data-n").await, "6");

    // Latency runs of both candidates, from the CLI: the comparison reads their medians.
    for (candidate, scenario) in
        [("alpha", "ok;tokens=4;ttft_ms=10;itl_ms=2"), ("beta", "ok;tokens=4;ttft_ms=90;itl_ms=10")]
    {
        h.cli_json(&[
            "bench",
            "latency",
            "--endpoint",
            &url,
            "--api",
            "openai",
            "--model",
            scenario,
            "--candidate",
            candidate,
            "--requests",
            "3",
            "--db",
            &db,
            "--json",
        ]);
    }

    // Tick the two subset runs and compare them: the figures of `bench compare --json`.
    client.execute("document.querySelector('main').scrollTop = 0", vec![]).await.unwrap();
    wait_for(&client, ".bench-runs-head button").await.click().await.unwrap();
    for run in [&alpha, &beta] {
        wait_for(&client, &format!("[data-tick-run='{run}']")).await.click().await.unwrap();
    }
    wait_for(&client, "[data-testid=bench-compare-ticked]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=bench-comparison] [data-chart=tradeoff] img").await;
    let compare = h.cli_json(&["bench", "compare", &alpha, &beta, "--json", "--db", &db]);
    for r in compare["runs"].as_array().unwrap() {
        let id = r["summary"]["run_id"].to_string();
        let row = wait_for(&client, &format!("tr[data-compare-run='{id}']")).await;
        let rate: f64 = attr(&row, "data-rate").await.parse().unwrap();
        assert_eq!(rate, r["summary"]["pass_rate"]["rate"].as_f64().unwrap(), "run {id}: rate");
        let latency: f64 = attr(&row, "data-latency").await.parse().unwrap();
        assert_eq!(latency, r["latency_p50_ms"].as_f64().unwrap(), "run {id}: p50 latency");
        // alpha is faster, beta better: neither dominates the other.
        assert_eq!(attr(&row, "data-pareto").await, "true", "run {id} is on the Pareto front");
    }

    // Priced, the charts are the very files `bench compare --charts --price` writes.
    wait_for(&client, "input[data-price='alpha']").await.send_keys("0.5").await.unwrap();
    wait_for(&client, "input[data-price='beta']").await.send_keys("3").await.unwrap();
    wait_for(&client, "[data-testid=bench-compare-redraw]").await.click().await.unwrap();
    let priced = "alpha%20(0.50%2FMtok)";
    let start = Instant::now();
    let charts = loop {
        let charts = page_charts(&client).await;
        if charts.get("tradeoff").is_some_and(|s| s.contains("alpha (0.50/Mtok)")) {
            break charts;
        }
        assert!(start.elapsed() < WAIT, "the priced trade-off ({priced}) did not appear");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let charts_dir = dir.path().join("charts");
    let charts_arg = charts_dir.display().to_string();
    h.cli_json(&[
        "bench",
        "compare",
        &alpha,
        &beta,
        "--json",
        "--db",
        &db,
        "--charts",
        &charts_arg,
        "--price",
        "alpha=0.5",
        "--price",
        "beta=3",
    ]);
    let names: Vec<String> = charts.keys().cloned().collect();
    let mut expected: Vec<String> = vec![
        "pass-rate".into(),
        format!("confusion-{alpha}"),
        format!("confusion-{beta}"),
        "tradeoff".into(),
    ];
    expected.sort();
    assert_eq!(names, expected, "the comparison's charts");
    for (name, svg) in &charts {
        let file = std::fs::read_to_string(charts_dir.join(format!("{name}.svg"))).unwrap();
        assert_eq!(svg, &file, "{name}: the page draws what `bench compare --charts` writes");
    }
    images_loaded(&client, ".bench-charts img").await;
    scroll_to(&client, "[data-testid=bench-comparison]").await;
    screenshot(&client, "quality-05-compare-en").await;
    scroll_to(&client, "[data-testid=bench-comparison] [data-chart=tradeoff]").await;
    screenshot(&client, "quality-06-pareto-en").await;

    // French: the labels come from the French catalog.
    wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(&client, "html[lang=fr]").await;
    let title = wait_for(&client, "#bench-compare-title").await.text().await.unwrap();
    assert_eq!(title, fr["bench"]["compare"]["title"].as_str().unwrap());
    scroll_to(&client, "[data-testid=bench-comparison]").await;
    screenshot(&client, "quality-07-compare-fr").await;
    client.execute("document.querySelector('main').scrollTop = 0", vec![]).await.unwrap();
    let form_title = wait_for(&client, "#bench-qform-title").await.text().await.unwrap();
    assert_eq!(form_title, fr["bench"]["qform"]["title"].as_str().unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "quality-08-form-fr").await;
    wait_for(&client, &format!("[data-open-run='{alpha}']")).await.click().await.unwrap();
    wait_for(&client, &format!("[data-testid=bench-detail][data-run='{alpha}']")).await;
    js(&client, "document.querySelectorAll('.bench-fold').forEach(d => d.open = true)").await;
    images_loaded(&client, ".bench-charts img").await;
    scroll_to(&client, "[data-testid=bench-detail]").await;
    screenshot(&client, "quality-09-run-fr").await;

    wait_for(&client, "[data-lang=en]").await.click().await.unwrap();
    client.close().await.unwrap();
}
