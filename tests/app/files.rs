//! Files, history, the demo, crash recovery and keys in the real app through WebDriver
//! (`tests/src/app_driver.rs`). Run by `scripts/test-e2e.sh`, which builds the UI, the app and
//! the CLI first.
//!
//! The native GTK dialogs cannot be driven by WebDriver: the app's debug build reads each
//! dialog's answer from the file named by `TRIPLANE_DIALOG_RESPONSE_FILE` (`src-tauri/src/
//! dialog.rs`); everything after the dialog runs as it does for a user. Keys go to a real
//! Secret Service: `gnome-keyring-daemon` on a private D-Bus session bus this test starts, which
//! the app (through tauri-driver) and the CLI both use.
//!
//! What it proves: the demo reaches four examples side by side in one click from launch, with
//! the CLI's grades; a file opened in the app, edited and saved is written as-is (its comments
//! kept) and `triplane check` accepts it; every save is a revision, the diff between two is
//! shown, a restore adds a revision; a read-only target, a file deleted while open, a malformed
//! and a foreign file each give a clear message and lose nothing; after the app is killed
//! mid-edit, the next start offers the work back and taking it restores the text; a key stored
//! in Settings is in the keychain (the CLI sees it) and is shown masked only.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;
use triplane_systests::app_driver::*;

const DEMO: [&str; 4] = ["frontier-only", "mcp-tunnel", "hybrid", "sovereign"];

/// The private session bus and keyring, stopped when the test ends.
struct Keyring {
    bus: Child,
    daemon: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for c in [&mut self.daemon, &mut self.bus] {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts a session bus and an unlocked gnome-keyring on it, and points this process (and so
/// tauri-driver, the app and the CLI started after it) at them.
fn start_keyring() -> Keyring {
    for tool in ["dbus-daemon", "gnome-keyring-daemon"] {
        assert!(
            on_path(tool).is_some(),
            "`{tool}` is missing; run scripts/setup-debian.sh (packages dbus-x11, gnome-keyring)"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (data, run) = (dir.path().join("data"), dir.path().join("run"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&run).unwrap();
    std::env::set_var("XDG_DATA_HOME", &data);
    std::env::set_var("XDG_RUNTIME_DIR", &run);

    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting dbus-daemon");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
    let address = address.trim().to_string();
    assert!(address.starts_with("unix:"), "dbus-daemon printed `{address}`");
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);

    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting gnome-keyring-daemon");
    daemon.stdin.take().unwrap().write_all(b"test-password").unwrap();
    // The daemon owns `org.freedesktop.secrets` once it is ready.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let owned = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"));
        if owned {
            break;
        }
        assert!(Instant::now() < deadline, "gnome-keyring did not take the secrets service");
        std::thread::sleep(Duration::from_millis(200));
    }
    Keyring { bus, daemon, _dir: dir }
}

/// Sets a React-controlled textarea's value as typing would, in one step.
async fn set_source(client: &Client, text: &str) {
    let script = "const ta = document.querySelector('[data-testid=source]');
        const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
        set.call(ta, arguments[0]);
        ta.dispatchEvent(new Event('input', { bubbles: true }));";
    client.execute(script, vec![json!(text)]).await.unwrap();
}

async fn apply_source(client: &Client, text: &str) {
    open_tab(client, "history").await;
    set_source(client, text).await;
    wait_for(client, "[data-testid=source-apply]:not([disabled])").await.click().await.unwrap();
    wait_for(client, "[data-testid=unsaved]").await;
}

/// Launch, then one click on the start screen: four examples side by side with the grades and
/// violation counts of `triplane compare --json`.
async fn demo_in_one_click(h: &Harness, db: &Path) {
    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    wait_for(&client, "[data-testid=start]").await;
    screenshot(&client, "files-01-start-en").await;

    let mut clicks = 0;
    wait_for(&client, "[data-testid=compare-options]:not([disabled])").await.click().await.unwrap();
    clicks += 1;
    wait_for(&client, "[data-testid=comparison][data-seed='42']").await;
    assert!(clicks <= 5, "the demo takes {clicks} clicks from launch; at most five");
    println!("demo: {clicks} click(s) from launch to the four-way comparison");

    let mut args = vec!["compare".to_string(), "--json".into(), "--seed".into(), "42".into()];
    args.extend(DEMO.iter().map(|id| format!("example:{id}")));
    let cli = h.cli_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let shown = assert_comparison_matches(&client, &cli).await;
    assert_eq!(shown, 4, "four variants side by side");
    screenshot(&client, "files-02-demo-compare-en").await;
    set_language(&client, "fr").await;
    let fr = ui_catalog("fr");
    assert_eq!(text_of(&client, "#compare-title").await, fr["compare"]["title"]);
    screenshot(&client, "files-03-demo-compare-fr").await;
    client.close().await.unwrap();

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    set_language(&client, "fr").await;
    let title = text_of(&client, "#start-title").await;
    assert_eq!(title, fr["start"]["title"].as_str().unwrap());
    screenshot(&client, "files-04-start-fr").await;
    client.close().await.unwrap();
}

/// Open, edit, save, check with the CLI, diff, restore; then the refusals.
async fn open_edit_save_history(h: &Harness, dir: &Path, dialog: &Dialog) {
    let db = dir.join("files.db");
    let file = dir.join("mairie.yaml");
    let original =
        std::fs::read_to_string(workspace().join("tests/fixtures/deployments/minimal.yaml"))
            .unwrap()
            .replace(
                "# A deployment",
                "# Hand-written comment: kept by every save\n# A deployment",
            );
    std::fs::write(&file, &original).unwrap();

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    open_file(&client, dialog, &file).await;
    let edited = original.replace(
        "name: Minimal on-premises agent",
        "name: Mairie agent # renamed in the app\n# a comment added in the app",
    );
    apply_source(&client, &edited).await;
    screenshot(&client, "files-05-edited-en").await;
    wait_for(&client, "[data-testid=save]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=saved]").await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited, "written byte for byte");
    assert_eq!(check_exit(h, &file), 0, "`triplane check` accepts what the app wrote");
    let show = h.cli_json(&["show", "--json", file.to_str().unwrap()]);
    assert_eq!(show["name"], "Mairie agent", "the CLI reads the app's edit");

    // Opened (revision 1) and saved (revision 2): the diff between them is the edit.
    wait_for(&client, "tr[data-revision='2']").await;
    let diff = wait_for(&client, "[data-testid=diff]").await;
    assert_eq!(
        (attr(&diff, "data-added").await, attr(&diff, "data-removed").await),
        ("2".into(), "1".into())
    );
    let added: Vec<String> = {
        let mut out = Vec::new();
        for l in client.find_all(Locator::Css("tr[data-diff=added] code")).await.unwrap() {
            out.push(l.text().await.unwrap());
        }
        out
    };
    assert_eq!(added, ["name: Mairie agent # renamed in the app", "# a comment added in the app"]);
    client
        .execute(
            "document.querySelector('[data-testid=diff]').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&client, "files-06-history-diff-en").await;
    set_language(&client, "fr").await;
    let fr = ui_catalog("fr");
    assert_eq!(text_of(&client, "#revisions-title").await, fr["history"]["revisions"]);
    screenshot(&client, "files-07-history-diff-fr").await;
    set_language(&client, "en").await;

    // Restore revision 1: a third revision with the old text, written to the file.
    let row = wait_for(&client, "tr[data-revision='1']").await;
    row.find(Locator::Css("[data-testid=restore]")).await.unwrap().click().await.unwrap();
    let third = wait_for(&client, "tr[data-revision='3']").await;
    let message = third.find(Locator::Css("[data-testid=revision-message]")).await.unwrap();
    assert_eq!(message.text().await.unwrap(), "restored revision 1");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original, "the restore was saved");
    assert!(client.find(Locator::Css("tr[data-revision='2']")).await.is_ok(), "nothing deleted");

    // A read-only target: refused, the file untouched, the edit still in the app.
    let mut perms = std::fs::metadata(&file).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&file, perms.clone()).unwrap();
    apply_source(&client, &edited).await;
    wait_for(&client, "[data-testid=save]").await.click().await.unwrap();
    let error = text_of(&client, "[data-testid=save-error]").await;
    assert!(error.contains("is read-only"), "{error}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original, "nothing written");
    wait_for(&client, "[data-testid=unsaved]").await;
    screenshot(&client, "files-08-read-only-en").await;
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&file, perms).unwrap();

    // Deleted while open: refused, not recreated; Save as writes elsewhere.
    std::fs::remove_file(&file).unwrap();
    wait_for(&client, "[data-testid=save]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=save-error]").await;
    let error = text_of(&client, "[data-testid=save-error]").await;
    assert!(error.contains("was deleted or moved"), "{error}");
    assert!(!file.exists(), "a deleted file is not silently recreated");
    screenshot(&client, "files-09-deleted-en").await;
    let copy = dir.join("mairie-copy.yaml");
    dialog.answer(&copy);
    wait_for(&client, "[data-testid=save-error-save-as]").await.click().await.unwrap();
    wait_for(&client, &format!("[data-testid=file-bar][data-path='{}']", copy.display())).await;
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), edited, "saved as, as-is");
    assert_eq!(check_exit(h, &copy), 0);

    // A malformed file and a foreign one: positioned problems, the open deployment unchanged.
    let before = attr(&wait_for(&client, "[data-testid=file-bar]").await, "data-path").await;
    let malformed = workspace().join("tests/fixtures/deployments/malformed.yaml");
    let report = h.cli_json(&["check", "--json", malformed.to_str().unwrap()]);
    dialog.answer(&malformed);
    wait_for(&client, "[data-testid=open-file]").await.click().await.unwrap();
    let panel = wait_for(&client, ".open-errors[data-error-code=invalid]").await;
    let mut shown = Vec::new();
    for d in panel.find_all(Locator::Css(".diagnostic")).await.unwrap() {
        shown.push((attr(&d, "data-line").await, attr(&d, "data-column").await));
    }
    let expected: Vec<(String, String)> = report[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].to_string(), d["column"].to_string()))
        .collect();
    assert_eq!(shown, expected, "the positions shown are the CLI's");
    screenshot(&client, "files-10-malformed-en").await;
    let foreign = dir.join("pod.yaml");
    std::fs::write(&foreign, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n").unwrap();
    dialog.answer(&foreign);
    wait_for(&client, "[data-testid=open-file]").await.click().await.unwrap();
    wait_for(&client, ".open-errors[data-error-code=invalid] .diagnostic").await;
    let after = attr(&wait_for(&client, "[data-testid=file-bar]").await, "data-path").await;
    assert_eq!(after, before, "a bad file changes nothing else");
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), edited, "and writes nothing");
    screenshot(&client, "files-11-foreign-en").await;
    client.close().await.unwrap();
}

/// The app process started with `db` on its command line (each session has its own).
fn app_pid(app: &Path, db: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else { continue };
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            if exe == app && args.iter().any(|a| *a == db.to_str().unwrap().as_bytes()) {
                return pid;
            }
        }
        assert!(Instant::now() < deadline, "no app process with `--db {}`", db.display());
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Killed mid-edit (SIGKILL: no chance to save), the next start offers the work back.
async fn crash_recovery(h: &Harness, dir: &Path, dialog: &Dialog) {
    let db = dir.join("crash.db");
    let file = dir.join("crash.yaml");
    let original =
        std::fs::read_to_string(workspace().join("tests/fixtures/deployments/minimal.yaml"))
            .unwrap();
    std::fs::write(&file, &original).unwrap();
    let edited = format!("{original}# work in progress, never saved\n");

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    open_file(&client, dialog, &file).await;
    apply_source(&client, &edited).await;
    wait_for(&client, &format!("html[data-autosaved-chars='{}']", edited.chars().count())).await;
    let app = std::fs::canonicalize(&h.app).unwrap();
    let pid = app_pid(&app, &db);
    let killed = Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
    assert!(killed.success(), "killing the app {pid}");
    // Ends the WebDriver session whose app is gone (closing its window fails, as it should).
    let _ = client.close().await;

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    let offer = wait_for(&client, "[data-testid=autosave-offer]").await;
    assert!(offer.text().await.unwrap().contains("crash.yaml"));
    screenshot(&client, "files-12-recover-offer-en").await;
    set_language(&client, "fr").await;
    screenshot(&client, "files-13-recover-offer-fr").await;
    set_language(&client, "en").await;
    wait_for(&client, "[data-testid=autosave-resume]").await.click().await.unwrap();
    wait_for(&client, &format!("[data-testid=file-bar][data-path='{}']", file.display())).await;
    wait_for(&client, "[data-testid=unsaved]").await;
    open_tab(&client, "history").await;
    let shown = wait_for(&client, "[data-testid=source]").await.prop("value").await.unwrap();
    assert_eq!(shown.as_deref(), Some(edited.as_str()), "the taken-back text is the edit");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        original,
        "the autosave never wrote the file"
    );

    wait_for(&client, "[data-testid=save]").await.click().await.unwrap();
    wait_for(&client, "[data-testid=saved]").await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
    screenshot(&client, "files-14-recovered-saved-en").await;
    client.close().await.unwrap();

    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    wait_for(&client, "[data-testid=start]").await;
    assert!(
        client.find(Locator::Css("[data-testid=autosave-offer]")).await.is_err(),
        "a saved autosave is not offered again"
    );
    client.close().await.unwrap();
}

/// A key stored in Settings lands in the Secret Service, is shown masked only, and goes.
async fn keys_in_settings(h: &Harness, dir: &Path) {
    let secret = "sk-ant-webdriver-4c1d9e7a2b3f5061";
    let db = dir.join("keys.db");
    let client = h.session(&["--db", db.to_str().unwrap()]).await;
    open_page(&client, "settings").await;
    let row = "[data-key=anthropic]";
    wait_for(&client, &format!("{row}[data-stored=false]")).await;
    let env = text_of(&client, "[data-key=mistral] [data-testid=key-env]").await;
    assert!(env.contains("MISTRAL_API_KEY is set"), "the variable set for the app: {env}");
    let env = text_of(&client, "[data-key=openai] [data-testid=key-env]").await;
    assert!(env.contains("is not set"), "{env}");

    let input = wait_for(&client, &format!("{row} [data-testid=key-input]")).await;
    input.send_keys(secret).await.unwrap();
    wait_for(&client, &format!("{row} [data-testid=key-save]")).await.click().await.unwrap();
    wait_for(&client, &format!("{row}[data-stored=true]")).await;
    let masked = text_of(&client, &format!("{row} [data-testid=key-masked]")).await;
    assert!(masked.contains("••••5061"), "{masked}");
    let page = client.source().await.unwrap();
    assert!(!page.contains(secret), "the full key is nowhere in the page");
    let input = wait_for(&client, &format!("{row} [data-testid=key-input]")).await;
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some(""), "the field is cleared");
    screenshot(&client, "files-15-settings-en").await;
    set_language(&client, "fr").await;
    screenshot(&client, "files-16-settings-fr").await;
    set_language(&client, "en").await;

    let cli = h.cli_json(&["keys", "show", "anthropic", "--json"]);
    assert_eq!(cli["stored"], true, "the CLI finds the key in the same keychain: {cli}");
    assert_eq!(cli["masked"], "••••5061");

    wait_for(&client, &format!("{row} [data-testid=key-delete]")).await.click().await.unwrap();
    wait_for(&client, &format!("{row}[data-stored=false]")).await;
    let cli = h.cli_json(&["keys", "show", "anthropic", "--json"]);
    assert_eq!(cli["stored"], false, "deleted from the keychain: {cli}");
    client.close().await.unwrap();
    let leaked =
        std::fs::read(&db).is_ok_and(|b| b.windows(secret.len()).any(|w| w == secret.as_bytes()));
    assert!(!leaked, "the key never reaches the database");
}

#[test]
fn files_history_demo_recovery_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let dialog = Dialog(dir.path().join("dialog-answer"));
    // Read by the app's debug build, which tauri-driver starts with this process's
    // environment; set before the runtime's threads start.
    std::env::set_var("TRIPLANE_DIALOG_RESPONSE_FILE", &dialog.0);
    std::env::set_var("MISTRAL_API_KEY", "not-a-real-key");
    let _keyring = start_keyring();
    let h = Harness::start();

    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        demo_in_one_click(&h, &dir.path().join("demo.db")).await;
        open_edit_save_history(&h, dir.path(), &dialog).await;
        crash_recovery(&h, dir.path(), &dialog).await;
        keys_in_settings(&h, dir.path()).await;
    });
}
