//! The main job in the real app, through WebDriver (`tests/src/app_driver.rs`), from nothing to
//! a bundle: start a new deployment, compose it from the catalog, save it as a file, reopen it,
//! simulate it, compare it with a bundled example and export it. Each step's figures are
//! checked against the built CLI on the file the app wrote: `triplane check`, `show --json`,
//! `simulate --json --seed 42`, `compare --json FILE example:ID --seed 42` and `export` with its
//! manifest. Each step leaves a screenshot in English and in French
//! (`test-output/app-e2e/main-01-new-en.png` … `main-07-export-fr.png`).
//!
//! The native dialogs are answered through `TRIPLANE_DIALOG_RESPONSE_FILE` (the app's debug
//! build, `src-tauri/src/dialog.rs`); everything after them runs as it does for a user. Run by
//! `scripts/test-e2e.sh` (every test named `app*`), which builds the UI, the app and the CLI.

use std::collections::BTreeMap;
use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::Value;
use triplane_systests::app_driver::*;

/// What the test composes: one component per plane the agent loop needs, from the catalog.
const ORCHESTRATOR: &str = "claude-managed-agents-self-hosted";
const MODEL: &str = "mistral-la-plateforme-eu";
const SANDBOX: &str = "gvisor-k8s-sandbox";
const MCP_SERVER: &str = "postgres-mcp";
/// The users and the premises a new deployment starts with (`new-deployment.yaml` in
/// triplane-api).
const USERS: &str = "users";
const PREMISES: &str = "my-premises";
/// The example the composed deployment is compared with.
const EXAMPLE: &str = "sovereign";

/// Takes the step's screenshot in English, then in French (checking that the open tab's label
/// is the French catalog's), and comes back to English.
async fn screenshots(client: &Client, step: &str, tab: Option<&str>) {
    screenshot(client, &format!("{step}-en")).await;
    set_language(client, "fr").await;
    if let Some(tab) = tab {
        let fr = ui_catalog("fr");
        let key = wait_for(client, &format!("[data-tab='{tab}']")).await.text().await.unwrap();
        let label = DEPLOYMENT_TAB_LABELS.iter().find(|(id, _)| *id == tab).unwrap().1;
        let (section, name) = label.split_once('.').unwrap();
        assert_eq!(key, fr[section][name], "the `{tab}` tab reads in French");
    }
    screenshot(client, &format!("{step}-fr")).await;
    set_language(client, "en").await;
}

/// The i18n key of each tab's label (`ui/src/views/registry.tsx`).
const DEPLOYMENT_TAB_LABELS: &[(&str, &str)] = &[
    ("overview", "tabs.overview"),
    ("compose", "compose.tab"),
    ("simulation", "tabs.simulation"),
    ("compare", "tabs.compare"),
    ("export", "export.tab"),
];

/// The composed text, checked: no problem in the editor, and `triplane check` accepts it.
async fn composed_text(h: &Harness, client: &Client, dir: &Path) -> String {
    wait_for(client, "[data-testid=compose-status][data-problems='0']").await;
    let text = compose_text(client).await;
    let file = dir.join("held.yaml");
    std::fs::write(&file, &text).unwrap();
    assert_eq!(check_exit(h, &file), 0, "`triplane check` accepts the composed text:\n{text}");
    text
}

/// A new deployment, composed from the catalog panel: an agent loop, a model, a sandbox and an
/// MCP server behind it, linked as the loop calls them, the self-hosted ones on the premises,
/// and the data classes the model may receive.
async fn compose_from_the_catalog(client: &Client) {
    open_tab(client, "compose").await;
    compose_settled(client, 0).await;
    wait_for(client, &format!(".compose-node[data-component='{USERS}']")).await;

    let mut version = 0;
    for (query, id) in [
        ("self-hosted claude", ORCHESTRATOR),
        ("mistral", MODEL),
        ("gvisor", SANDBOX),
        ("postgres", MCP_SERVER),
    ] {
        add_offering(client, query, id).await;
        version += 1;
        compose_settled(client, version).await;
        wait_for(client, &format!(".compose-node[data-component='{id}']")).await;
    }
    for id in [ORCHESTRATOR, SANDBOX, MCP_SERVER] {
        version += 1;
        compose_set_field(client, id, "site", PREMISES, version).await;
    }
    for (from, to) in [
        (USERS, ORCHESTRATOR),
        (ORCHESTRATOR, MODEL),
        (ORCHESTRATOR, SANDBOX),
        (SANDBOX, MCP_SERVER),
    ] {
        version += 1;
        compose_link(client, from, to, version).await;
    }
    version += 1;
    compose_set_field(client, MODEL, "data_classes", "internal, personal", version).await;
}

/// The file bar shows `path` as the open file, saved.
async fn file_is_open(client: &Client, path: &Path) {
    wait_for(client, &format!("[data-testid=file-bar][data-path='{}']", path.display())).await;
    wait_for(client, "[data-testid=file-bar][data-dirty='false']").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_save_reopen_simulate_compare_and_export_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let dialog = Dialog(dir.path().join("dialog-answer"));
    // Read by the app's debug build, which tauri-driver starts with this process's environment.
    std::env::set_var("TRIPLANE_DIALOG_RESPONSE_FILE", &dialog.0);
    let db = dir.path().join("triplane.db");
    let file = dir.path().join("mairie-agent.yaml");
    let path = file.to_str().unwrap();
    let h = Harness::start();

    // 1. Nothing open: the start page starts a new deployment, which holds only its users.
    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    wait_for(&client, "[data-testid=start-new-deployment]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=file-bar][data-origin='new']").await;
    let shown = client.find_all(Locator::Css("[data-component-id]")).await.unwrap();
    assert_eq!(shown.len(), 1, "a new deployment shows its users only");
    wait_for(&client, &format!("[data-component-id='{USERS}']")).await;
    screenshots(&client, "main-01-new", Some("overview")).await;

    // 2. Composed from the catalog; the editor's text passes `triplane check`.
    compose_from_the_catalog(&client).await;
    let text = composed_text(&h, &client, dir.path()).await;
    for id in [ORCHESTRATOR, MODEL, SANDBOX, MCP_SERVER] {
        assert!(text.contains(&format!("id: {id}")), "`{id}` is in the text:\n{text}");
    }
    wait_for(&client, "[data-testid=unsaved]").await;
    screenshots(&client, "main-02-compose", Some("compose")).await;

    // 3. Save as, through the native dialog: the file holds the editor's text, and the CLI
    // accepts it.
    dialog.answer(&file);
    wait_for(&client, "[data-testid=save-as]").await.click().await.unwrap();
    file_is_open(&client, &file).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the file is the editor's text");
    assert_eq!(check_exit(&h, &file), 0, "`triplane check` accepts the saved file");
    screenshots(&client, "main-03-saved", Some("compose")).await;
    client.close().await.unwrap();

    // 4. A new session reopens it through the Open dialog; the overview is `show --json`'s.
    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    wait_for(&client, "[data-testid=start]").await;
    assert!(
        client.find(Locator::Css("[data-testid=autosave-offer]")).await.is_err(),
        "the saved new deployment is not offered back as unsaved work"
    );
    open_file(&client, &dialog, &file).await;
    wait_for(&client, &format!(".plane-view[data-file='{path}']")).await;
    let show = h.cli_json(&["show", "--json", path]);
    let expected = cli_exposure(&show);
    assert!(!expected.is_empty(), "the composed deployment has exposure findings");
    assert_eq!(dom_exposure(&client).await, expected, "exposure per component: DOM vs CLI");
    let mut ids: Vec<String> = Vec::new();
    for c in client.find_all(Locator::Css("[data-component-id]")).await.unwrap() {
        ids.push(attr(&c, "data-component-id").await);
    }
    ids.sort();
    let mut cli_ids: Vec<String> = show["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    cli_ids.sort();
    assert_eq!(ids, cli_ids, "the overview shows the components `show --json` lists");
    screenshots(&client, "main-04-reopened", Some("overview")).await;

    // 5. Simulated with the default seed: `simulate --json FILE --seed 42`.
    open_tab(&client, "simulation").await;
    wait_for(&client, "[data-testid=simulation-run]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=simulation-report][data-seed='42']").await;
    let sim = h.cli_json(&["simulate", "--json", path, "--seed", "42"]);
    // FIXME: the Compose tab cannot set a component's `cost` block and catalog offerings carry
    // no price, so a deployment composed from the catalog has no cost per month: the check
    // here is that the same components go unpriced; a priced cost is checked on the
    // comparison's `sovereign` row.
    assert_simulation_matches(&client, &sim, "the composed deployment").await;
    assert!(
        sim["totals"]["flows"].as_u64().is_some_and(|f| f > 0),
        "the composed agent loop makes flows: {}",
        sim["totals"]
    );
    scroll_into_view(&client, "[data-testid=scorecard]").await;
    screenshots(&client, "main-05-simulation", Some("simulation")).await;

    // 6. Compared with a bundled example: `compare --json FILE example:ID --seed 42`.
    open_tab(&client, "compare").await;
    let open = wait_for(&client, &format!("[data-compare-open='{path}']")).await;
    assert!(open.is_selected().await.unwrap(), "the open deployment is always compared");
    wait_for(&client, &format!("[data-compare='{EXAMPLE}']")).await.click().await.unwrap();
    wait_for(&client, "[data-testid=compare-run]:not([disabled])").await.click().await.unwrap();
    wait_for(&client, "[data-testid=comparison][data-seed='42']").await;
    let cli =
        h.cli_json(&["compare", "--json", path, &format!("example:{EXAMPLE}"), "--seed", "42"]);
    let priced = cli["variants"][1]["cost_per_month"].as_object().is_some_and(|c| !c.is_empty());
    assert!(priced, "`{EXAMPLE}` prices its model server, so the cost column is checked: {cli}");
    assert_eq!(assert_comparison_matches(&client, &cli).await, 2, "the file and the example");
    let first = wait_for(&client, "tr[data-variant][data-open='true']").await;
    assert_eq!(attr(&first, "data-variant").await, path, "the open file is the first variant");
    scroll_into_view(&client, "[data-testid=comparison]").await;
    screenshots(&client, "main-06-compare", Some("compare")).await;

    // 7. Exported: the preview lists `triplane export`'s files with its manifest's hashes, and
    // the bundle written from the app and signed is the CLI's with the same key, byte for byte.
    let keys =
        h.cli_json(&["keygen", "--dir", dir.path().join("keys").to_str().unwrap(), "--json"]);
    let (secret, public) =
        (keys["secret_key"].as_str().unwrap(), keys["public_key"].as_str().unwrap());
    let cli_unsigned = dir.path().join("cli-unsigned");
    let exported = h.cli_json(&["export", path, "--out", cli_unsigned.to_str().unwrap(), "--json"]);
    let cli_bundle = dir.path().join("cli-signed");
    let out = cli_bundle.to_str().unwrap();
    h.cli_json(&["export", path, "--out", out, "--sign", secret, "--json"]);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(cli_unsigned.join("manifest.json")).unwrap())
            .unwrap();
    open_tab(&client, "export").await;
    wait_for(&client, "[data-testid=export-summary]").await;
    let mut preview = BTreeMap::new();
    for b in
        client.find_all(Locator::Css("[data-testid=bundle-tree] button[data-path]")).await.unwrap()
    {
        preview.insert(attr(&b, "data-path").await, attr(&b, "data-sha256").await);
    }
    let listed: Vec<String> =
        exported["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().into()).collect();
    assert_eq!(preview.keys().cloned().collect::<Vec<_>>(), listed, "the CLI's files");
    let hashes = manifest["files"].as_object().expect("the manifest lists files");
    assert!(hashes.len() > 1, "the bundle holds more than its README: {hashes:?}");
    for (file, hash) in hashes {
        assert_eq!(preview[file], hash.as_str().unwrap(), "`{file}`: preview vs manifest");
    }

    let app_bundle = dir.path().join("app-bundle");
    write_from_app(&client, &app_bundle, false, Path::new(secret)).await;
    let verify = wait_for(&client, "[data-testid=export-verify]").await;
    assert_eq!(attr(&verify, "data-ok").await, "true", "the app verifies what it wrote");
    assert_eq!(attr(&verify, "data-signature").await, "verified", "with the key's public half");
    let (app_tree, cli_tree) = (tree(&app_bundle), tree(&cli_bundle));
    assert_eq!(
        app_tree.keys().collect::<Vec<_>>(),
        cli_tree.keys().collect::<Vec<_>>(),
        "the app writes the CLI's files"
    );
    for (file, bytes) in &app_tree {
        assert!(bytes == &cli_tree[file], "`{file}` is byte-identical to the CLI's");
    }
    let (code, err) = cli_status(&h, &["verify", app_bundle.to_str().unwrap(), "--pubkey", public]);
    assert_eq!(code, 0, "`triplane verify` accepts the app's bundle: {err}");
    scroll_into_view(&client, "[data-testid=export-verify]").await;
    screenshots(&client, "main-07-export", Some("export")).await;
    client.close().await.unwrap();
}
