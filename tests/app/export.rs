//! The Export tab of the real app, driven through WebDriver (`tests/src/app_driver.rs`).
//!
//! What it proves: the preview lists exactly the files, with the same SHA-256, that `triplane
//! export` writes for the same example; a bundle written from the app, signed with a key from
//! `triplane keygen`, passes `triplane verify` (exit 0) and is byte-for-byte the bundle the
//! CLI writes with the same key, as a folder and as a `.tar.gz` (its path picked through the
//! native dialog's test seam, which fills the target field); a non-empty target is
//! refused with a usage error and left untouched; the tab speaks French. Screenshots land in
//! `test-output/app-e2e/export-*.png`.

use std::collections::BTreeMap;
use std::path::Path;

use fantoccini::Locator;
use serde_json::Value;
use triplane_systests::app_driver::*;

const EXAMPLE: &str = "hybrid";

#[tokio::test(flavor = "multi_thread")]
async fn export_tab_writes_the_cli_bundle_and_refuses_a_non_empty_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dialog = Dialog(tmp.path().join("dialog-answer"));
    // Read by the app's debug build, which tauri-driver starts with this process's environment.
    std::env::set_var("TRIPLANE_DIALOG_RESPONSE_FILE", &dialog.0);
    let h = Harness::start();
    let keys =
        h.cli_json(&["keygen", "--dir", tmp.path().join("keys").to_str().unwrap(), "--json"]);
    let (secret, public) =
        (keys["secret_key"].as_str().unwrap(), keys["public_key"].as_str().unwrap());

    // What the CLI writes for the same example: unsigned (for the preview) and signed.
    let cli_unsigned = tmp.path().join("cli-unsigned");
    let cli_signed = tmp.path().join("cli-signed");
    let cli_archive = tmp.path().join("cli.tar.gz");
    let example = format!("example:{EXAMPLE}");
    let unsigned =
        h.cli_json(&["export", &example, "--out", cli_unsigned.to_str().unwrap(), "--json"]);
    h.cli_json(&[
        "export",
        &example,
        "--out",
        cli_signed.to_str().unwrap(),
        "--sign",
        secret,
        "--json",
    ]);
    h.cli_json(&[
        "export",
        &example,
        "--out",
        cli_archive.to_str().unwrap(),
        "--archive",
        "--sign",
        secret,
        "--json",
    ]);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(cli_unsigned.join("manifest.json")).unwrap())
            .unwrap();

    let client = h.session(&["--db", tmp.path().join("app.db").to_str().unwrap()]).await;
    wait_for(&client, &format!("[data-example='{EXAMPLE}']")).await.click().await.unwrap();
    wait_for(&client, &format!(".plane-view[data-file='{example}']")).await;
    open_tab(&client, "export").await;
    wait_for(&client, "[data-testid=export-summary]").await;

    // The preview: the CLI's file list, each file with the manifest's hash.
    let mut shown = BTreeMap::new();
    for b in
        client.find_all(Locator::Css("[data-testid=bundle-tree] button[data-path]")).await.unwrap()
    {
        shown.insert(attr(&b, "data-path").await, attr(&b, "data-sha256").await);
    }
    let listed: Vec<String> =
        unsigned["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().into()).collect();
    assert_eq!(shown.keys().cloned().collect::<Vec<_>>(), listed, "preview lists the CLI's files");
    for (path, hash) in manifest["files"].as_object().unwrap() {
        assert_eq!(shown[path], hash.as_str().unwrap(), "hash of `{path}`: preview vs manifest");
    }
    screenshot(&client, "export-01-preview-en").await;

    // A file with its folder's README under it.
    wait_for(&client, "[data-testid=bundle-tree] [data-path='router/config.yaml']")
        .await
        .click()
        .await
        .unwrap();
    let text = wait_for(&client, "[data-testid=bundle-file][data-path='router/config.yaml'] pre")
        .await
        .text()
        .await
        .unwrap();
    let on_disk = std::fs::read_to_string(cli_unsigned.join("router/config.yaml")).unwrap();
    assert_eq!(text.trim(), on_disk.trim(), "the file's content is shown as exported");
    wait_for(&client, ".bundle-readme").await;
    screenshot(&client, "export-02-file-en").await;

    // Written from the app, signed: verified in the app, by the CLI, and equal to the CLI's.
    let app_bundle = tmp.path().join("app-bundle");
    write_from_app(&client, &app_bundle, false, Path::new(secret)).await;
    let verify = wait_for(&client, "[data-testid=export-verify]").await;
    assert_eq!(attr(&verify, "data-ok").await, "true", "the app verifies what it wrote");
    assert_eq!(attr(&verify, "data-signature").await, "verified", "with the public key beside");
    scroll_into_view(&client, "[data-testid=export-verify]").await;
    screenshot(&client, "export-03-written-en").await;
    let (code, err) = cli_status(&h, &["verify", app_bundle.to_str().unwrap(), "--pubkey", public]);
    assert_eq!(code, 0, "`triplane verify` accepts the app's bundle: {err}");
    let (app_tree, cli_tree) = (tree(&app_bundle), tree(&cli_signed));
    assert_eq!(
        app_tree.keys().collect::<Vec<_>>(),
        cli_tree.keys().collect::<Vec<_>>(),
        "same files as the CLI's signed bundle"
    );
    for (path, bytes) in &app_tree {
        assert!(bytes == &cli_tree[path], "`{path}` is byte-identical to the CLI's");
    }

    // The same as a `.tar.gz`, its target picked in the save dialog.
    let app_archive = tmp.path().join("app.tar.gz");
    wait_for(&client, "[data-testid=export-format-archive]").await.click().await.unwrap();
    dialog.answer(&app_archive);
    wait_for(&client, "[data-testid=export-pick-target]").await.click().await.unwrap();
    let picked = app_archive.to_str().unwrap();
    let start = std::time::Instant::now();
    loop {
        let input = wait_for(&client, "[data-testid=export-target]").await;
        if input.prop("value").await.unwrap().as_deref() == Some(picked) {
            break;
        }
        assert!(start.elapsed() < WAIT, "the picked path did not fill the target within {WAIT:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    sign_and_write(&client, Path::new(secret)).await;
    assert_eq!(
        attr(&wait_for(&client, "[data-testid=export-verify]").await, "data-ok").await,
        "true"
    );
    let (code, err) =
        cli_status(&h, &["verify", app_archive.to_str().unwrap(), "--pubkey", public]);
    assert_eq!(code, 0, "`triplane verify` accepts the app's archive: {err}");
    assert!(
        std::fs::read(&app_archive).unwrap() == std::fs::read(&cli_archive).unwrap(),
        "the app's archive is byte-identical to the CLI's"
    );

    // A non-empty target: a usage error, and the folder as it was.
    let occupied = tmp.path().join("occupied");
    std::fs::create_dir(&occupied).unwrap();
    std::fs::write(occupied.join("notes.txt"), "keep me\n").unwrap();
    write_from_app(&client, &occupied, false, Path::new(secret)).await;
    let error = wait_for(&client, "[data-testid=export-error]").await;
    assert_eq!(attr(&error, "data-code").await, "usage");
    let message = error.text().await.unwrap();
    assert!(message.contains("not empty"), "the error says why: {message}");
    assert!(message.contains(occupied.to_str().unwrap()), "and names the folder: {message}");
    assert_eq!(
        tree(&occupied),
        BTreeMap::from([("notes.txt".to_string(), b"keep me\n".to_vec())]),
        "nothing was written into or removed from the occupied folder"
    );
    let stray: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".triplane-export-"))
        .collect();
    assert!(stray.is_empty(), "no temporary folder is left beside the target: {stray:?}");
    scroll_into_view(&client, "[data-testid=export-error]").await;
    screenshot(&client, "export-04-not-empty-en").await;

    // French.
    let fr = ui_catalog("fr");
    wait_for(&client, "[data-lang=fr]").await.click().await.unwrap();
    wait_for(&client, "html[lang=fr]").await;
    let tab = wait_for(&client, "[data-tab='export']").await.text().await.unwrap();
    assert_eq!(tab, fr["export"]["tab"], "the tab's French label");
    let title = wait_for(&client, "#export-title").await.text().await.unwrap();
    assert_eq!(title, fr["export"]["title"], "the view's French title");
    let button = wait_for(&client, "[data-testid=export-write]").await.text().await.unwrap();
    assert_eq!(button, fr["export"]["write"]);
    scroll_into_view(&client, "[data-testid=export-error]").await;
    screenshot(&client, "export-05-not-empty-fr").await;
    wait_for(&client, "[data-testid=bundle-tree] [data-path='README.md']")
        .await
        .click()
        .await
        .unwrap();
    client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    screenshot(&client, "export-06-preview-fr").await;

    client.close().await.unwrap();
}
