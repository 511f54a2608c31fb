//! The composition editor in the real app, through WebDriver (`tests/src/app_driver.rs`).
//!
//! Starting from the `frontier-only` example it adds an inference offering and a self-hosted
//! sandbox from the catalog panel, links the agent loop to both from the side panel, sets a
//! data class with a typo, and checks that the problems the editor lists are exactly those
//! `triplane check --json` finds in the same text (line, column, field path, message, hint).
//! It then fixes them, undoes (button) and redoes (Ctrl+Shift+Z), and checks that the text the
//! app holds passes `triplane check` and reached the rest of the app (the overview shows the
//! new components). Screenshots in English and French under `test-output/app-e2e/`.
//!
//! Run by `scripts/test-e2e.sh` (every test named `app*`), which builds the UI, app and CLI.

use std::collections::BTreeSet;

use fantoccini::{Client, Locator};
use serde_json::Value;
use triplane_systests::app_driver::*;

type Problem = (u32, u32, String, String, Option<String>);

async fn dom_problems(client: &Client) -> BTreeSet<Problem> {
    let mut out = BTreeSet::new();
    let list = wait_for(client, "[data-testid=compose-problems]").await;
    for li in list.find_all(Locator::Css("[data-testid=compose-problem]")).await.unwrap() {
        let hint = match li.find(Locator::Css(".problem-hint")).await {
            Ok(h) => Some(h.text().await.unwrap()),
            Err(_) => None,
        };
        out.insert((
            attr(&li, "data-line").await.parse().unwrap(),
            attr(&li, "data-column").await.parse().unwrap(),
            attr(&li, "data-path").await,
            li.find(Locator::Css(".problem-message")).await.unwrap().text().await.unwrap(),
            hint,
        ));
    }
    out
}

/// `triplane check --json` on `text`: whether it is valid, and its problems.
fn cli_check(h: &Harness, text: &str) -> (bool, BTreeSet<Problem>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("composed.yaml");
    std::fs::write(&file, text).unwrap();
    let out = h.cli_json(&["check", "--json", file.to_str().unwrap()]);
    let report = &out.as_array().expect("one report per file")[0];
    let problems = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap() as u32,
                d["column"].as_u64().unwrap() as u32,
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["hint"].as_str().map(String::from),
            )
        })
        .collect();
    (report["valid"] == Value::Bool(true), problems)
}

#[tokio::test(flavor = "multi_thread")]
async fn compose_a_deployment_and_match_triplane_check() {
    let h = Harness::start();
    let client = h.session(&["example:frontier-only"]).await;
    screenshot(&client, "19-compose-launch-en").await;
    open_tab(&client, "compose").await;
    compose_settled(&client, 0).await;
    wait_for(&client, ".compose-node[data-component='agent-loop']").await;
    assert_eq!(dom_problems(&client).await, BTreeSet::new(), "the example starts valid");
    screenshot(&client, "20-compose-start-en").await;

    let model = "mistral-la-plateforme-eu";
    let sandbox = "gvisor-k8s-sandbox";
    add_offering(&client, "mistral", model).await;
    compose_settled(&client, 1).await;
    wait_for(&client, &format!(".compose-node[data-component='{model}']")).await;
    add_offering(&client, "gvisor", sandbox).await;
    compose_settled(&client, 2).await;
    wait_for(&client, &format!(".compose-node[data-component='{sandbox}'][data-problems='1']"))
        .await;

    compose_link(&client, "agent-loop", model, 3).await;
    compose_link(&client, "agent-loop", sandbox, 4).await;
    compose_set_field(&client, model, "data_classes", "internal, persnal", 5).await;

    // The editor lists what `triplane check` says about the very same text.
    let text = compose_text(&client).await;
    let (valid, expected) = cli_check(&h, &text);
    assert!(!valid, "the sandbox has no site and `persnal` is a typo:\n{text}");
    let messages: BTreeSet<&str> = expected.iter().map(|p| p.3.as_str()).collect();
    assert_eq!(
        messages,
        BTreeSet::from([
            "component `gvisor-k8s-sandbox` needs a `site`",
            "unknown data class `persnal`"
        ]),
        "the two problems this test made"
    );
    assert_eq!(dom_problems(&client).await, expected, "editor problems vs `triplane check --json`");
    let field_problem = wait_for(
        &client,
        "[data-testid=compose-side] .compose-field.has-problems .problem-message",
    )
    .await;
    assert_eq!(
        field_problem.text().await.unwrap(),
        "unknown data class `persnal`",
        "inline at the field"
    );
    screenshot(&client, "21-compose-problems-en").await;

    compose_set_field(&client, model, "data_classes", "internal, personal", 6).await;
    compose_set_field(&client, sandbox, "site", "ministere-paris", 7).await;
    wait_for(&client, "[data-testid=compose-status][data-problems='0']").await;
    let fixed = compose_text(&client).await;

    // Undo with the button: the site goes, its problem comes back.
    wait_for(&client, "[data-testid=compose-undo]").await.click().await.unwrap();
    compose_settled(&client, 6).await;
    wait_for(&client, "[data-testid=compose-status][data-problems='1']").await;
    let undone = compose_text(&client).await;
    assert_eq!(dom_problems(&client).await, cli_check(&h, &undone).1, "after undo");
    // Redo from the keyboard: Ctrl+Shift+Z with the focus in the editor (on the Undo button).
    let undo = wait_for(&client, "[data-testid=compose-undo]").await;
    undo.send_keys("\u{E009}\u{E008}z\u{E000}").await.unwrap();
    compose_settled(&client, 7).await;
    assert_eq!(compose_text(&client).await, fixed, "redo gives back the fixed text");

    let (valid, problems) = cli_check(&h, &fixed);
    assert!(valid, "the composed text passes `triplane check`: {problems:?}\n{fixed}");
    for id in [model, sandbox] {
        assert!(fixed.contains(&format!("id: {id}")), "`{id}` is in the file");
    }
    screenshot(&client, "22-compose-valid-en").await;

    // French: labels from the French catalog, the same composition.
    let fr = ui_catalog("fr");
    wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(&client, "html[lang=fr]").await;
    let status = wait_for(&client, "[data-testid=compose-status]").await.text().await.unwrap();
    assert_eq!(status, fr["compose"]["valid"], "the status reads in French");
    let tab = wait_for(&client, "[data-tab='compose']").await.text().await.unwrap();
    assert_eq!(tab, fr["compose"]["tab"]);
    select_component(&client, sandbox).await;
    screenshot(&client, "23-compose-valid-fr").await;

    // The app holds the composed text: the overview shows the new components.
    open_tab(&client, "overview").await;
    for id in [model, sandbox] {
        wait_for(&client, &format!("[data-component-id='{id}']")).await;
    }
    // And the editor comes back with its history when the tab is opened again.
    open_tab(&client, "compose").await;
    compose_settled(&client, 7).await;
    assert_eq!(compose_text(&client).await, fixed);
    client.close().await.unwrap();
}
