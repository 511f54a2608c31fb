//! The real desktop app driven through WebDriver: `tauri-driver` in front of Debian's
//! `WebKitWebDriver`, under `Xvfb` when there is no display (`tests/src/app_driver.rs`). Run
//! by `scripts/test-e2e.sh`, which builds the UI, the app and the CLI first.
//!
//! What it proves: for every component of two bundled examples the exposure badges in the DOM
//! say what `triplane show --json` says for the same example; switching to French changes
//! the labels to the French catalog's; the Simulation section of `hybrid` with seed 42 shows
//! the grade per plane, total flows and violation count of `triplane simulate --json`, in
//! both languages, and the Compare section lines four examples up as `triplane compare
//! --json` does; a malformed file shows its positioned errors and
//! leaves the view as it was; a database from a newer Triplane is refused and left
//! byte-for-byte unchanged; a locked database gives a message, and the retry works once the
//! lock is gone. Each step leaves a screenshot under `test-output/app-e2e/`.
//!
//! Missing tools fail the test with the script that installs them; it never skips.

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use triplane_systests::app_driver::*;

fn catalog(lang: &str) -> Value {
    ui_catalog(lang)
}

/// Two examples with different exposure, when the bundle has them; else the first two.
fn two_examples(list: &Value) -> Vec<String> {
    let ids: Vec<String> =
        list.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.len() >= 2, "the app bundles at least two examples: {ids:?}");
    let preferred: Vec<String> = ["frontier-only", "sovereign"]
        .iter()
        .filter(|p| ids.iter().any(|i| i == *p))
        .map(|p| p.to_string())
        .collect();
    if preferred.len() == 2 {
        preferred
    } else {
        ids[..2].to_vec()
    }
}

async fn lane_titles(client: &Client) -> Vec<String> {
    let mut out = Vec::new();
    for h in client.find_all(Locator::Css(".lane-head h3")).await.unwrap() {
        out.push(h.text().await.unwrap());
    }
    out
}

async fn examples_match_the_cli_in_both_languages(h: &Harness, db: &Path) {
    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    wait_for(&client, "[data-example]").await;
    let listed = client.find_all(Locator::Css("[data-example]")).await.unwrap().len();
    let examples = examples_list();
    assert_eq!(listed, examples.as_array().unwrap().len(), "the sidebar lists every example");
    screenshot(&client, "01-start-en").await;

    let en = catalog("en");
    let fr = catalog("fr");
    for (n, id) in two_examples(&examples).iter().enumerate() {
        wait_for(&client, &format!("[data-example='{id}']")).await.click().await.unwrap();
        wait_for(&client, &format!(".plane-view[data-file='example:{id}']")).await;

        let show = h.cli_json(&["show", "--json", &format!("example:{id}")]);
        let expected = cli_exposure(&show);
        assert!(!expected.is_empty(), "example `{id}` has exposure findings");
        assert_eq!(dom_exposure(&client).await, expected, "exposure of `{id}`: DOM vs CLI");
        for c in show["components"].as_array().unwrap() {
            let css = format!("[data-component-id='{}']", c["id"].as_str().unwrap());
            assert!(
                client.find(Locator::Css(&css)).await.is_ok(),
                "component `{}` of `{id}` is shown",
                c["id"]
            );
        }
        screenshot(&client, &format!("{:02}-{id}-en", 2 + n * 3)).await;

        // The reasons of the first badge, as the CLI gives them.
        let badge = wait_for(&client, ".badge[data-law]").await;
        let (cid, law) = (attr(&badge, "data-component").await, attr(&badge, "data-law").await);
        badge.click().await.unwrap();
        let panel = wait_for(&client, ".reasons").await.text().await.unwrap();
        let component = show["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == cid.as_str())
            .unwrap();
        let exposure =
            component["exposure"].as_array().unwrap().iter().find(|e| e["law"] == law.as_str());
        for reason in exposure.unwrap()["reasons"].as_array().unwrap() {
            let text = reason["text"].as_str().unwrap();
            assert!(panel.contains(text), "reason `{text}` is shown for {cid}/{law}: {panel}");
        }
        screenshot(&client, &format!("{:02}-{id}-reasons-en", 3 + n * 3)).await;

        // French: the lane titles and the status words are the French catalog's.
        let titles_en = lane_titles(&client).await;
        wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
        wait_for(&client, "html[lang=fr]").await;
        let titles_fr = lane_titles(&client).await;
        assert_ne!(titles_en, titles_fr, "switching to French changes the lane titles");
        for lane in client.find_all(Locator::Css(".lane[data-lane]")).await.unwrap() {
            let key = attr(&lane, "data-lane").await;
            let title = lane.find(Locator::Css("h3")).await.unwrap().text().await.unwrap();
            assert_eq!(title, fr["lane"][&key], "French title of lane `{key}`");
            assert_ne!(title, en["lane"][&key], "lane `{key}` is translated");
        }
        for b in client.find_all(Locator::Css(".badge[data-status]")).await.unwrap() {
            let status = attr(&b, "data-status").await;
            let word = b.find(Locator::Css(".status-word")).await.unwrap().text().await.unwrap();
            assert_eq!(word, fr["status"][&status], "French word for `{status}`");
        }
        assert_eq!(
            dom_exposure(&client).await,
            expected,
            "the findings do not change with language"
        );
        screenshot(&client, &format!("{:02}-{id}-fr", 4 + n * 3)).await;

        wait_for(&client, "[data-lang=en]").await.click().await.unwrap();
        wait_for(&client, "html[lang=en]").await;
    }

    simulation_matches_the_cli(h, &client).await;
    comparison_matches_the_cli(h, &client).await;
    malformed_file_leaves_the_view(h, &client).await;
    client.close().await.unwrap();
}

/// The Compare section with `hybrid` open and three more examples ticked: the grade per plane
/// and the violated-rule count of each variant are those of `triplane compare --json`.
async fn comparison_matches_the_cli(h: &Harness, client: &Client) {
    let ids = ["hybrid", "frontier-only", "self-hosted-sandbox", "sovereign"];
    open_tab(client, "compare").await;
    let hybrid = wait_for(client, "[data-compare='hybrid']").await;
    assert!(hybrid.is_selected().await.unwrap(), "the open example is ticked to start with");
    for id in &ids[1..] {
        wait_for(client, &format!("[data-compare='{id}']")).await.click().await.unwrap();
    }
    wait_for(client, "[data-testid=compare-run]").await.click().await.unwrap();
    wait_for(client, "[data-testid=comparison][data-seed='42']").await;

    let mut args = vec!["compare".to_string(), "--json".into(), "--seed".into(), "42".into()];
    args.extend(ids.iter().map(|id| format!("example:{id}")));
    let cli = h.cli_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(assert_comparison_matches(client, &cli).await, ids.len());
    scroll_to(client, "[data-testid=compare]").await;
    screenshot(client, "14-compare-en").await;

    let fr = catalog("fr");
    wait_for(client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(client, "html[lang=fr]").await;
    let title = wait_for(client, "#compare-title").await.text().await.unwrap();
    assert_eq!(title, fr["compare"]["title"], "French title of the Compare section");
    scroll_to(client, "[data-testid=compare]").await;
    screenshot(client, "15-compare-fr").await;

    wait_for(client, "[data-lang=en]").await.click().await.unwrap();
    wait_for(client, "html[lang=en]").await;
}

/// Brings the Simulation section to the top of the view once its heat map has loaded, so the
/// screenshot shows the report rather than the planes above it.
async fn scroll_to_simulation(client: &Client) {
    images_loaded(client, "[data-testid=heatmap]").await;
    scroll_to(client, "[data-testid=simulation]").await;
}

/// The Simulation section of `hybrid` with the default seed: the grade per plane, the total
/// flows and the number of violations are those of `triplane simulate --json` for the same
/// example and seed, in English and in French.
async fn simulation_matches_the_cli(h: &Harness, client: &Client) {
    wait_for(client, "[data-example='hybrid']").await.click().await.unwrap();
    wait_for(client, ".plane-view[data-file='example:hybrid']").await;
    open_tab(client, "simulation").await;
    let seed = wait_for(client, "[data-testid=simulation-seed]").await;
    assert_eq!(seed.prop("value").await.unwrap().as_deref(), Some("42"), "the default seed");
    wait_for(client, "[data-testid=simulation-run]").await.click().await.unwrap();
    wait_for(client, "[data-testid=simulation-report][data-seed='42']").await;

    let sim = h.cli_json(&["simulate", "--json", "example:hybrid", "--seed", "42"]);
    assert_simulation_matches(client, &sim, "hybrid").await;

    let flows = wait_for(client, "[data-testid=total-flows]").await;
    assert_eq!(attr(&flows, "data-value").await, sim["totals"]["flows"].to_string(), "total flows");
    let violations = sim["violations"].as_array().unwrap().len();
    assert!(violations > 0, "hybrid sends personal data to a US model, which gdpr-strict forbids");
    let heatmap = wait_for(client, "[data-testid=heatmap]").await;
    assert!(
        attr(&heatmap, "src").await.starts_with("data:image/svg+xml"),
        "the heat map is our own SVG as a data: image, which the CSP allows"
    );

    scroll_to_simulation(client).await;
    screenshot(client, "12-simulation-hybrid-en").await;

    let fr = catalog("fr");
    wait_for(client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(client, "html[lang=fr]").await;
    let title = wait_for(client, "#simulation-title").await.text().await.unwrap();
    assert_eq!(title, fr["simulation"]["title"], "French title of the section");
    let run = wait_for(client, "[data-testid=simulation-run]").await.text().await.unwrap();
    assert_eq!(run, fr["simulation"]["run"], "French label of the run button");
    let overall = wait_for(client, "tr[data-plane=overall] th").await.text().await.unwrap();
    assert_eq!(overall, fr["simulation"]["overall"], "French label of the overall row");
    let shown = client.find_all(Locator::Css("[data-testid=violation]")).await.unwrap().len();
    assert_eq!(shown, violations, "the figures do not change with language");
    scroll_to_simulation(client).await;
    screenshot(client, "13-simulation-hybrid-fr").await;

    wait_for(client, "[data-lang=en]").await.click().await.unwrap();
    wait_for(client, "html[lang=en]").await;
}

/// The bundled examples: every `assets/examples/*.yaml`, embedded into the app at build time.
fn examples_list() -> Value {
    let dir = workspace().join("assets/examples");
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(String::from)
        })
        .collect();
    ids.sort();
    Value::Array(ids.into_iter().map(|id| json!({"id": id})).collect())
}

async fn malformed_file_leaves_the_view(h: &Harness, client: &Client) {
    open_tab(client, "overview").await;
    let before = attr(&wait_for(client, ".plane-view").await, "data-file").await;
    let file = workspace().join("tests/fixtures/deployments/malformed.yaml");
    let report = h.cli_json(&["check", "--json", file.to_str().unwrap()]);
    let diagnostics = report[0]["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty(), "the fixture is malformed");

    // The open dialog is native; the app's debug build takes its answer from this file
    // (`src-tauri/src/dialog.rs`).
    let answer = std::env::var_os("TRIPLANE_DIALOG_RESPONSE_FILE").expect("set by the test");
    std::fs::write(answer, file.to_str().unwrap()).unwrap();
    wait_for(client, "[data-testid=open-file]").await.click().await.unwrap();
    let panel = wait_for(client, ".open-errors[data-error-code=invalid]").await;
    let mut shown = Vec::new();
    for d in panel.find_all(Locator::Css(".diagnostic")).await.unwrap() {
        shown.push((attr(&d, "data-line").await, attr(&d, "data-column").await));
    }
    let expected: Vec<(String, String)> =
        diagnostics.iter().map(|d| (d["line"].to_string(), d["column"].to_string())).collect();
    assert_eq!(shown, expected, "the positions shown are the CLI's");
    let after = attr(&wait_for(client, ".plane-view").await, "data-file").await;
    assert_eq!(after, before, "a malformed file changes nothing else");
    screenshot(client, "08-malformed-en").await;
}

/// A database whose header says it is from a newer Triplane, written by the store itself.
fn newer_database(path: &Path) {
    drop(triplane_store::Store::open(path).unwrap());
    let mut bytes = std::fs::read(path).unwrap();
    let newer = u32::try_from(triplane_store::SCHEMA_VERSION + 1).unwrap();
    // SQLite's header keeps `user_version` at offset 60, big-endian.
    bytes[60..64].copy_from_slice(&newer.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

async fn newer_database_is_refused_untouched(h: &Harness, dir: &Path) {
    let db = dir.join("newer.db");
    newer_database(&db);
    let before = std::fs::read(&db).unwrap();

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    let message = wait_for(&client, "[data-store-error=newer-database]").await;
    assert!(
        client.find(Locator::Css("[data-testid=retry-projects]")).await.is_err(),
        "no retry is offered for a newer database"
    );
    let en = catalog("en");
    let text = message.text().await.unwrap();
    assert!(text.contains(en["store"]["newerDatabase"].as_str().unwrap()), "{text}");
    screenshot(&client, "09-newer-database-en").await;
    client.close().await.unwrap();
    assert_eq!(std::fs::read(&db).unwrap(), before, "the newer database is left untouched");
}

async fn locked_database_offers_a_retry(h: &Harness, dir: &Path) {
    let db = dir.join("locked.db");
    let fixture = workspace().join("tests/fixtures/deployments/minimal.yaml");
    let text = std::fs::read_to_string(&fixture).unwrap();
    triplane_api::projects::create(Some(&db), "Mairie de Lyon", "minimal.yaml", &text).unwrap();

    // In WAL mode readers pass a writer's lock; exclusive locking mode shuts everyone out
    // until this connection closes, which is what a stuck process looks like.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;").unwrap();

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    wait_for(&client, "[data-store-error=busy]").await;
    screenshot(&client, "10-locked-database-en").await;

    drop(holder);
    wait_for(&client, "[data-testid=retry-projects]").await.click().await.unwrap();
    let project = wait_for(&client, "[data-project]").await;
    project.click().await.unwrap();
    wait_for(&client, ".plane-view[data-file='project:Mairie de Lyon']").await;
    screenshot(&client, "11-project-after-retry-en").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_shows_what_the_cli_says() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("TRIPLANE_DIALOG_RESPONSE_FILE", dir.path().join("dialog-answer"));
    let h = Harness::start();

    examples_match_the_cli_in_both_languages(&h, &dir.path().join("fresh.db")).await;
    newer_database_is_refused_untouched(&h, dir.path()).await;
    locked_database_offers_a_retry(&h, dir.path()).await;
}
