//! The Simulation tab of the real app, driven through WebDriver, with the app on a temporary
//! database that holds one project.
//!
//! What it proves: for `hybrid` and one seed, the representative session's flows in the DOM and
//! the arrows of its diagram are, hop for hop, those of `triplane simulate --trace-session
//! --json` for the same example and seed; a simulation of many days shows its progress, is
//! cancelled from the page, says so, and the tab stays usable (the next run completes); a
//! project kept in the store is simulated from its revision and its figures equal
//! `triplane simulate --json` on the same text. Screenshots in English and French land in
//! `test-output/app-e2e/simulation-*.png`.
//!
//! Missing tools fail the test with the script that installs them; it never skips.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::Value;
use triplane_systests::app_driver::*;

/// A project's text: the bundled self-hosted-sandbox example with a comment and a heavier
/// workload, so the project is not any example's text.
fn project_text() -> String {
    let path = workspace().join("assets/examples/self-hosted-sandbox.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    format!("# Kept as a project by the Simulation test.\n{text}")
}

async fn set(client: &Client, css: &str, value: &str) {
    let input = wait_for(client, css).await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some(value), "{css} holds {value}");
}

/// The session's flows as the DOM's table holds them, in order.
async fn dom_hops(client: &Client) -> Vec<Value> {
    let mut out = Vec::new();
    for row in client.find_all(Locator::Css("[data-testid=session-hop]")).await.unwrap() {
        let list = |s: String| -> Value {
            s.split(',').filter(|x| !x.is_empty()).map(|x| Value::from(x.to_string())).collect()
        };
        out.push(serde_json::json!({
            "step": attr(&row, "data-step").await.parse::<u64>().unwrap(),
            "cycle": attr(&row, "data-cycle").await.parse::<u64>().unwrap(),
            "from": attr(&row, "data-from").await,
            "to": attr(&row, "data-to").await,
            "classes": list(attr(&row, "data-classes").await),
            "jurisdictions": list(attr(&row, "data-jurisdictions").await),
            "tokens": attr(&row, "data-tokens").await.parse::<u64>().unwrap(),
            "bytes": attr(&row, "data-bytes").await.parse::<u64>().unwrap(),
        }));
    }
    out
}

fn cli_hops(trace: &Value) -> Vec<Value> {
    trace["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            serde_json::json!({
                "step": h["step"], "cycle": h["cycle"], "from": h["from"], "to": h["to"],
                "classes": h["classes"], "jurisdictions": h["jurisdictions"],
                "tokens": h["tokens"], "bytes": h["bytes"],
            })
        })
        .collect()
}

/// The diagram's SVG text, decoded from the image's `data:` URL.
async fn diagram_svg(client: &Client) -> String {
    let script = "const src = document.querySelector('[data-testid=session-diagram]').src; \
                  return decodeURIComponent(src.slice(src.indexOf(',') + 1));";
    client.execute(script, vec![]).await.unwrap().as_str().unwrap().to_string()
}

/// The label of a hop's arrow, as triplane-report writes it.
fn arrow_label(h: &Value) -> String {
    let words = |v: &Value| {
        v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>().join(", ")
    };
    format!("{} → {} · {} tok", words(&h["classes"]), words(&h["jurisdictions"]), h["tokens"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulation_tab_draws_the_clis_session_cancels_and_simulates_projects() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("triplane.db");
    let text = project_text();
    let project = {
        let store = triplane_store::Store::open(&db).unwrap();
        let p = store.create_project("Mairie de test").unwrap();
        store.save_revision(p.id, &text, Some("kept by the test")).unwrap();
        p.id
    };
    let file = dir.path().join("mairie.yaml");
    std::fs::write(&file, &text).unwrap();

    let h = Harness::start();
    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    let en = ui_catalog("en");
    let fr = ui_catalog("fr");

    // 1. hybrid, seed 42: the session's flows and arrows are the CLI's.
    wait_for(&client, "[data-example='hybrid']").await.click().await.unwrap();
    wait_for(&client, ".plane-view[data-file='example:hybrid']").await;
    open_tab(&client, "simulation").await;
    set(&client, "[data-testid=simulation-seed]", "42").await;
    wait_for(&client, "[data-testid=simulation-run]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=simulation-report][data-seed='42']").await;
    let session = wait_for(&client, "[data-testid=session]").await;

    let trace =
        h.cli_json(&["simulate", "--trace-session", "--json", "example:hybrid", "--seed", "42"]);
    assert_eq!(attr(&session, "data-session").await, trace["session"].to_string(), "same session");
    let expected = cli_hops(&trace);
    assert!(expected.len() > 10, "a hybrid session has many hops");
    assert_eq!(dom_hops(&client).await, expected, "the session's flows: DOM vs CLI, in order");

    let svg = diagram_svg(&client).await;
    assert!(svg.starts_with("<svg"), "the diagram is our own SVG");
    assert_eq!(svg.matches("<polygon").count(), expected.len(), "one arrowhead per hop");
    for h in &expected {
        assert!(svg.contains(&arrow_label(h)), "hop {} is drawn with its label", h["step"]);
    }
    for c in trace["components"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert!(svg.contains(&format!("\n{id}\n</text>")), "component `{id}` heads a column");
    }
    let lanes = client.find_all(Locator::Css(".lane-legend li[data-plane]")).await.unwrap();
    for l in &lanes {
        let plane = attr(l, "data-plane").await;
        assert_eq!(l.text().await.unwrap(), en["lane"][&plane], "English lane `{plane}`");
    }
    images_loaded(&client, "[data-testid=simulation] img").await;
    scroll_to(&client, "[data-testid=session]").await;
    screenshot(&client, "simulation-session-hybrid-en").await;

    wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(&client, "html[lang=fr]").await;
    let title = wait_for(&client, "#session-title").await.text().await.unwrap();
    assert_eq!(title, fr["simulation"]["sessionTitle"], "French title of the session");
    for l in client.find_all(Locator::Css(".lane-legend li[data-plane]")).await.unwrap() {
        let plane = attr(&l, "data-plane").await;
        assert_eq!(l.text().await.unwrap(), fr["lane"][&plane], "French lane `{plane}`");
    }
    assert_eq!(dom_hops(&client).await, expected, "the flows do not change with language");
    scroll_to(&client, "[data-testid=session]").await;
    screenshot(&client, "simulation-session-hybrid-fr").await;
    wait_for(&client, "[data-lang=en]").await.click().await.unwrap();
    wait_for(&client, "html[lang=en]").await;

    // 2. Many days: progress, Cancel, the page says so and the next run completes.
    set(&client, "[data-testid=simulation-days]", "3660").await;
    wait_for(&client, "[data-testid=simulation-run]").await.click().await.unwrap();
    let progress = wait_for(&client, "[data-testid=simulation-progress]").await;
    let start = Instant::now();
    loop {
        let fraction: f64 = attr(&progress, "data-fraction").await.parse().unwrap();
        if fraction > 0.0 {
            assert!(fraction < 1.0, "ten years of hybrid are not done at once");
            break;
        }
        assert!(start.elapsed() < WAIT, "no progress within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    scroll_to(&client, "[data-testid=simulation]").await;
    screenshot(&client, "simulation-progress-en").await;
    wait_for(&client, "[data-testid=simulation-cancel]").await.click().await.unwrap();
    let notice = wait_for(&client, "[data-testid=simulation-cancelled]").await;
    assert_eq!(notice.text().await.unwrap(), en["simulation"]["cancelled"], "the page says so");
    let run = wait_for(&client, "[data-testid=simulation-run]").await;
    assert!(run.is_enabled().await.unwrap(), "Run is available again after a cancel");
    assert!(
        client
            .find_all(Locator::Css("[data-testid=simulation-progress]"))
            .await
            .unwrap()
            .is_empty(),
        "no progress bar once cancelled"
    );
    let kept = wait_for(&client, "[data-testid=simulation-report]").await;
    assert_eq!(attr(&kept, "data-seed").await, "42", "the previous results stay on screen");
    screenshot(&client, "simulation-cancelled-en").await;

    set(&client, "[data-testid=simulation-days]", "1").await;
    set(&client, "[data-testid=simulation-seed]", "43").await;
    run.click().await.unwrap();
    wait_for(&client, "[data-testid=simulation-report][data-seed='43']").await;
    assert!(
        client
            .find_all(Locator::Css("[data-testid=simulation-cancelled]"))
            .await
            .unwrap()
            .is_empty(),
        "a completed run clears the cancel notice"
    );

    // 3. The project from the store: its figures are those of the CLI on the same text.
    open_tab(&client, "overview").await;
    wait_for(&client, &format!("[data-project='{project}']")).await.click().await.unwrap();
    wait_for(&client, ".plane-view[data-file='project:Mairie de test']").await;
    open_tab(&client, "simulation").await;
    set(&client, "[data-testid=simulation-seed]", "7").await;
    wait_for(&client, "[data-testid=simulation-run]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=simulation-report][data-seed='7']").await;
    let sim = h.cli_json(&["simulate", "--json", file.to_str().unwrap(), "--seed", "7"]);
    for (id, key) in
        [("total-sessions", "sessions"), ("total-cycles", "cycles"), ("total-flows", "flows")]
    {
        let e = wait_for(&client, &format!("[data-testid={id}]")).await;
        assert_eq!(attr(&e, "data-value").await, sim["totals"][key].to_string(), "project {key}");
    }
    assert_simulation_matches(&client, &sim, "the project").await;
    let trace = h.cli_json(&[
        "simulate",
        "--trace-session",
        "--json",
        file.to_str().unwrap(),
        "--seed",
        "7",
    ]);
    assert_eq!(dom_hops(&client).await, cli_hops(&trace), "the project's session: DOM vs CLI");
    images_loaded(&client, "[data-testid=simulation] img").await;
    scroll_to(&client, "[data-testid=simulation]").await;
    screenshot(&client, "simulation-project-en").await;

    wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(&client, "html[lang=fr]").await;
    let run = wait_for(&client, "[data-testid=simulation-run]").await.text().await.unwrap();
    assert_eq!(run, fr["simulation"]["run"], "French label of the run button");
    scroll_to(&client, "[data-testid=simulation]").await;
    screenshot(&client, "simulation-project-fr").await;

    client.close().await.unwrap();
}
