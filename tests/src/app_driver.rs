//! The real desktop app under WebDriver, shared by every `tests/app/*.rs` test: `tauri-driver`
//! in front of Debian's `WebKitWebDriver`, under `Xvfb` when there is no display. The tests
//! are run by `scripts/test-e2e.sh`, which builds the UI, the app and the CLI first.
//!
//! Missing tools fail the test with the script that installs them; it never skips.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// How long the UI gets to reach a state. Generous: the machine may be shared with builds.
pub const WAIT: Duration = Duration::from_secs(30);

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn out_dir() -> PathBuf {
    let dir = workspace().join("test-output/app-e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `target/debug` of this very build: the test binary lives in its `deps/`.
pub fn target_debug() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

pub fn required_binary(env: &str, default: PathBuf, how: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or(default);
    assert!(path.is_file(), "`{}` is missing ({env} to override); {how}", path.display());
    path
}

pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Child processes killed when the test ends, passed or failed.
pub struct Processes(pub Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub struct Harness {
    pub driver_url: String,
    pub app: PathBuf,
    pub cli: PathBuf,
    _processes: Processes,
    /// The app's own XDG data, config and cache folders, removed with the harness.
    _xdg: tempfile::TempDir,
}

impl Harness {
    pub fn start() -> Harness {
        let build = "build it with `scripts/test-e2e.sh`";
        let app = required_binary("TRIPLANE_APP_BIN", target_debug().join("triplane-app"), build);
        let cli = required_binary("TRIPLANE_CLI_BIN", target_debug().join("triplane"), build);
        let home = std::env::var("HOME").unwrap_or_default();
        let cached = PathBuf::from(home)
            .join(format!(".cache/triplane/tauri-driver-{TAURI_DRIVER_VERSION}/bin/tauri-driver"));
        let driver = std::env::var_os("TAURI_DRIVER")
            .map(PathBuf::from)
            .or_else(|| cached.is_file().then_some(cached))
            .or_else(|| on_path("tauri-driver"))
            .unwrap_or_else(|| {
                panic!("`tauri-driver` is missing; install it with `scripts/setup-tauri-driver.sh`")
            });
        let native = on_path("WebKitWebDriver").unwrap_or_else(|| {
            panic!(
                "`WebKitWebDriver` is missing (Debian `webkit2gtk-driver`); install it with \
                 `scripts/setup-debian.sh`"
            )
        });

        let mut processes = Processes(Vec::new());
        let display = match std::env::var("DISPLAY") {
            Ok(d) if !d.is_empty() => d,
            _ => {
                let xvfb = on_path("Xvfb").unwrap_or_else(|| {
                    panic!("`Xvfb` is missing (Debian `xvfb`); install it with `scripts/setup-debian.sh`")
                });
                // The first display number no X server holds a socket for.
                let n = (90..190)
                    .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
                    .expect("a free X display number between :90 and :189");
                let display = format!(":{n}");
                let child = Command::new(xvfb)
                    .args([display.as_str(), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("starting Xvfb");
                processes.0.push(child);
                std::thread::sleep(Duration::from_millis(700));
                display
            }
        };

        // The app under test keeps its state (the default store with its autosaves, the web
        // view's local storage with the chosen language) in folders of its own, never in the
        // user's: a test must not leave a French UI or "unsaved work" in the user's app.
        let xdg = tempfile::tempdir().unwrap();
        let port = free_port();
        let native_port = free_port();
        let log = std::fs::File::create(out_dir().join("tauri-driver.log")).unwrap();
        let child = Command::new(driver)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(native)
            .env("DISPLAY", &display)
            .env("XDG_DATA_HOME", xdg.path().join("data"))
            .env("XDG_CONFIG_HOME", xdg.path().join("config"))
            .env("XDG_CACHE_HOME", xdg.path().join("cache"))
            // The app's own stderr (first-paint marker, tracing) lands in the driver's log.
            .env("RUST_LOG", "info")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting tauri-driver");
        processes.0.push(child);

        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Harness {
            driver_url: format!("http://127.0.0.1:{port}"),
            app,
            cli,
            _processes: processes,
            _xdg: xdg,
        }
    }

    /// A new app window started with `args`, in English.
    pub async fn session(&self, args: &[&str]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({"application": self.app, "args": args}));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.driver_url)
            .await
            .unwrap_or_else(|e| panic!("no WebDriver session with the app: {e}"));
        // The language persists in local storage; every session starts from English.
        wait_for(&client, "[data-lang=en]").await.click().await.unwrap();
        wait_for(&client, "html[lang=en]").await;
        client
    }

    pub fn cli_json(&self, args: &[&str]) -> Value {
        let out = Command::new(&self.cli).args(args).output().expect("running the triplane CLI");
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "`triplane {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
    }
}

pub async fn wait_for(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("`{css}` did not appear within {WAIT:?}: {e}"))
}

/// Saves a screenshot once WebKit has painted the current DOM: a change (a language switch, a
/// re-render) can otherwise reach the DOM a frame before the screen, and the picture shows the
/// frame before it.
pub async fn screenshot(client: &Client, name: &str) {
    let painted = "const done = arguments[arguments.length - 1]; \
                   requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    client.execute_async(painted, vec![]).await.expect("waiting for a painted frame");
    let png = client.screenshot().await.expect("taking a screenshot");
    std::fs::write(out_dir().join(format!("{name}.png")), png).unwrap();
}

pub async fn attr(e: &Element, name: &str) -> String {
    e.attr(name).await.unwrap().unwrap_or_else(|| panic!("element lacks `{name}`"))
}

/// Opens one tab of the open deployment (`ui/src/views/registry.tsx` lists them).
pub async fn open_tab(client: &Client, id: &str) {
    wait_for(client, &format!("[data-tab='{id}']")).await.click().await.unwrap();
    wait_for(client, &format!("[data-tab-panel='{id}']")).await;
}

/// Opens one page from the header (`deployments` or one of the registry's pages).
pub async fn open_page(client: &Client, id: &str) {
    wait_for(client, &format!("[data-page-button='{id}']")).await.click().await.unwrap();
}

/// A language's UI strings as the app has them: every `ui/src/i18n/<lang>/*.json` merged.
pub fn ui_catalog(lang: &str) -> Value {
    let dir = workspace().join(format!("ui/src/i18n/{lang}"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = serde_json::Map::new();
    for f in files {
        let part: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        out.extend(part.as_object().unwrap().clone());
    }
    Value::Object(out)
}

/// Asserts that the Simulation tab's scorecard (grade per plane and overall), its total flows,
/// its cost per month and its number of violations equal those of `sim`, the CLI's
/// `simulate --json` for the same file and seed.
pub async fn assert_simulation_matches(client: &Client, sim: &Value, what: &str) {
    let mut expected: Vec<(String, String)> = sim["scorecard"]["planes"]
        .as_array()
        .expect("simulate --json has scorecard.planes")
        .iter()
        .chain([&sim["scorecard"]["overall"]])
        .map(|p| (p["plane"].as_str().unwrap().into(), p["grade"].as_str().unwrap().into()))
        .collect();
    expected.sort();
    let mut grades = Vec::new();
    for row in
        client.find_all(Locator::Css("[data-testid=scorecard] tr[data-plane]")).await.unwrap()
    {
        let grade = row.find(Locator::Css("[data-testid=grade]")).await.unwrap();
        grades.push((attr(&row, "data-plane").await, grade.text().await.unwrap()));
    }
    grades.sort();
    assert_eq!(grades, expected, "{what}: grade per plane, DOM vs CLI");
    let flows = wait_for(client, "[data-testid=total-flows]").await;
    assert_eq!(
        attr(&flows, "data-value").await,
        sim["totals"]["flows"].to_string(),
        "{what}: flows"
    );
    let cost = wait_for(client, "[data-testid=cost]").await;
    assert_eq!(
        dom_costs(&cost).await,
        cli_costs(&sim["cost"]["per_month"]),
        "{what}: cost per month, DOM vs CLI"
    );
    let unpriced = match client.find(Locator::Css("[data-testid=unpriced]")).await {
        Ok(e) => attr(&e, "data-components").await,
        Err(_) => String::new(),
    };
    let cli_unpriced: Vec<&str> = sim["cost"]["unpriced"]
        .as_array()
        .expect("simulate --json has cost.unpriced")
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(unpriced, cli_unpriced.join(","), "{what}: components without a price");
    let violations = client.find_all(Locator::Css("[data-testid=violation]")).await.unwrap().len();
    assert_eq!(
        violations,
        sim["violations"].as_array().expect("simulate --json has violations").len(),
        "{what}: violations, DOM vs CLI"
    );
}

/// `(currency, amount)` for each currency an element shows (`data-currency`, `data-amount`).
async fn dom_costs(e: &Element) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for c in e.find_all(Locator::Css("[data-currency]")).await.unwrap() {
        let amount = attr(&c, "data-amount").await;
        let amount = amount.parse().unwrap_or_else(|_| panic!("`{amount}` is not an amount"));
        out.push((attr(&c, "data-currency").await, amount));
    }
    out
}

/// `(currency, amount)` of a CLI cost object (`{"EUR": 12.5}`), in currency order.
fn cli_costs(per_month: &Value) -> Vec<(String, f64)> {
    let Some(per_month) = per_month.as_object() else { panic!("a cost object: {per_month}") };
    per_month.iter().map(|(c, a)| (c.clone(), a.as_f64().unwrap())).collect()
}

/// Asserts that the Compare tab's rows (grade per plane, number of violated rules, violating
/// flows and cost per month per variant, keyed by file) equal `cli`, the CLI's `compare --json`
/// of the same files and seed; returns how many variants the tab shows.
pub async fn assert_comparison_matches(client: &Client, cli: &Value) -> usize {
    let mut expected = std::collections::BTreeSet::new();
    for v in cli["variants"].as_array().expect("compare --json has variants") {
        let file = v["file"].as_str().unwrap().to_string();
        for (plane, grade) in v["grades"].as_object().unwrap() {
            expected.insert((file.clone(), plane.clone(), grade.as_str().unwrap().to_string()));
        }
        expected.insert((file.clone(), "violations".into(), v["violations"].to_string()));
        expected.insert((file.clone(), "flows".into(), v["violating_flows"].to_string()));
        let cost = format!("{:?}", cli_costs(&v["cost_per_month"]));
        expected.insert((file, "cost".into(), cost));
    }
    let mut shown = std::collections::BTreeSet::new();
    let rows = client.find_all(Locator::Css("tr[data-variant]")).await.unwrap();
    for row in &rows {
        let file = attr(row, "data-variant").await;
        for cell in row.find_all(Locator::Css("[data-grade-plane]")).await.unwrap() {
            let plane = attr(&cell, "data-grade-plane").await;
            shown.insert((file.clone(), plane, cell.text().await.unwrap()));
        }
        let violations = row.find(Locator::Css("[data-testid=variant-violations]")).await.unwrap();
        shown.insert((file.clone(), "violations".into(), violations.text().await.unwrap()));
        let flows = row.find(Locator::Css("[data-testid=variant-violating-flows]")).await.unwrap();
        shown.insert((file.clone(), "flows".into(), attr(&flows, "data-value").await));
        let cost = row.find(Locator::Css("[data-testid=variant-cost]")).await.unwrap();
        shown.insert((file, "cost".into(), format!("{:?}", dom_costs(&cost).await)));
    }
    assert_eq!(shown, expected, "grades, violations, flows and cost per variant: DOM vs CLI");
    rows.len()
}

// Steps shared by several app tests: the composition editor, the exposure badges, the file
// dialogs, the Export tab, the language switch.

/// Waits until the editor is idle with `version` edits on its undo stack.
pub async fn compose_settled(client: &Client, version: usize) {
    wait_for(
        client,
        &format!("[data-testid=compose][data-busy='false'][data-version='{version}']"),
    )
    .await;
}

/// The text the Compose tab holds, read from its YAML panel (opened if it is closed).
pub async fn compose_text(client: &Client) -> String {
    let toggle = wait_for(client, "[data-testid=compose-yaml-toggle]").await;
    if toggle.attr("aria-pressed").await.unwrap().as_deref() != Some("true") {
        toggle.click().await.unwrap();
    }
    let area = wait_for(client, "[data-testid=compose-yaml]").await;
    area.prop("value").await.unwrap().expect("the YAML panel holds the text")
}

/// Adds the catalog offering `id` from the Compose tab's catalog panel, found by `query`.
pub async fn add_offering(client: &Client, query: &str, id: &str) {
    let search = wait_for(client, "[data-testid=compose-search]").await;
    search.clear().await.unwrap();
    search.send_keys(query).await.unwrap();
    // The list answers the query typed (it is debounced).
    let list = format!("[data-testid=compose-offerings][data-query='{query}']");
    let item = wait_for(client, &format!("{list} [data-offering='{id}']")).await;
    item.find(Locator::Css("[data-testid=compose-add-offering]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks `css` after scrolling it into the middle of its panel: WebKitWebDriver does not
/// scroll an element inside a scrolled panel into view by itself.
pub async fn click_centered(client: &Client, css: &str) {
    let e = wait_for(client, css).await;
    let arg = serde_json::to_value(&e).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await.unwrap();
    e.click().await.unwrap();
}

/// Selects a node of the Compose canvas and waits for the side panel to show it.
pub async fn select_component(client: &Client, id: &str) {
    wait_for(client, &format!(".compose-node[data-component='{id}']")).await.click().await.unwrap();
    wait_for(client, &format!("[data-testid=compose-side] [data-selected='{id}']")).await;
}

/// Links `from` to `to` from the side panel; `version` is the undo stack's depth after it.
pub async fn compose_link(client: &Client, from: &str, to: &str, version: usize) {
    select_component(client, from).await;
    let target = wait_for(client, "[data-testid=compose-link-target]").await;
    let arg = serde_json::to_value(&target).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await.unwrap();
    target
        .find(Locator::Css(&format!("option[value='{to}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click_centered(client, "[data-testid=compose-link]").await;
    compose_settled(client, version).await;
    wait_for(client, &format!("[data-link='{from}->{to}']")).await;
}

/// Sets a component's text field in the side panel (committed with Enter).
pub async fn compose_set_field(
    client: &Client,
    id: &str,
    field: &str,
    value: &str,
    version: usize,
) {
    select_component(client, id).await;
    let input =
        wait_for(client, &format!("[data-testid=compose-side] input[data-field='{field}']")).await;
    input.clear().await.unwrap();
    // U+E007 is WebDriver's Enter: the field commits on Enter.
    input.send_keys(&format!("{value}\u{E007}")).await.unwrap();
    compose_settled(client, version).await;
}

/// `(component, law, status)` for every badge in the DOM.
pub async fn dom_exposure(client: &Client) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for b in client.find_all(Locator::Css(".badge[data-law]")).await.unwrap() {
        out.insert((
            attr(&b, "data-component").await,
            attr(&b, "data-law").await,
            attr(&b, "data-status").await,
        ));
    }
    out
}

/// `(component, law, status)` for every exposure finding of `triplane show --json`.
pub fn cli_exposure(show: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for c in show["components"].as_array().unwrap() {
        for e in c["exposure"].as_array().unwrap() {
            out.insert((
                c["id"].as_str().unwrap().to_string(),
                e["law"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

/// Every file under `dir` by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The exit code and standard error of the triplane CLI run with `args`.
pub fn cli_status(h: &Harness, args: &[&str]) -> (i32, String) {
    let out = Command::new(&h.cli).args(args).output().expect("running the triplane CLI");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Types `value` into the input `css`, replacing what it held.
pub async fn fill(client: &Client, css: &str, value: &str) {
    let input = wait_for(client, css).await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

/// Waits until every image matching `css` has loaded (at least one), so a screenshot shows them.
pub async fn images_loaded(client: &Client, css: &str) {
    let script = "const all = [...document.querySelectorAll(arguments[0])]; \
                  return all.length > 0 && all.every(i => i.complete && i.naturalWidth > 0);";
    let start = Instant::now();
    while client.execute(script, vec![Value::from(css)]).await.unwrap() != Value::Bool(true) {
        assert!(start.elapsed() < WAIT, "the images `{css}` did not load within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Scrolls `css` to the top of the view, so a screenshot shows what follows it.
pub async fn scroll_to(client: &Client, css: &str) {
    wait_for(client, css).await;
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})";
    client.execute(script, vec![Value::from(css)]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Scrolls `css` into the middle of the view so the screenshot shows it.
pub async fn scroll_into_view(client: &Client, css: &str) {
    wait_for(client, css).await;
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})";
    client.execute(script, vec![Value::from(css)]).await.unwrap();
    // Lets WebKit paint the scrolled frame before the screenshot; nothing is asserted on time.
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Writes the open deployment from the app and waits for the outcome: the verification panel
/// or the error.
pub async fn write_from_app(client: &Client, target: &Path, archive: bool, key: &Path) {
    let format = if archive { "archive" } else { "folder" };
    wait_for(client, &format!("[data-testid=export-format-{format}]")).await.click().await.unwrap();
    fill(client, "[data-testid=export-target]", target.to_str().unwrap()).await;
    sign_and_write(client, key).await;
}

/// Signs with `key` and writes to the target the Export tab holds, then waits for the outcome:
/// the verification panel or the error.
pub async fn sign_and_write(client: &Client, key: &Path) {
    fill(client, "[data-testid=export-key]", key.to_str().unwrap()).await;
    wait_for(client, "[data-testid=export-write]:not([disabled])").await.click().await.unwrap();
    wait_for(client, "[data-testid=export-verify], [data-testid=export-error]").await;
}

/// The native dialogs' answers, which the app's debug build reads from the file named by
/// `TRIPLANE_DIALOG_RESPONSE_FILE` (`src-tauri/src/dialog.rs`): one path per dialog.
pub struct Dialog(pub PathBuf);

impl Dialog {
    pub fn answer(&self, path: &Path) {
        std::fs::write(&self.0, path.to_str().unwrap()).unwrap();
    }
}

/// Opens `path` through the Open dialog (answered by `dialog`) and waits for the file bar.
pub async fn open_file(client: &Client, dialog: &Dialog, path: &Path) {
    dialog.answer(path);
    wait_for(client, "[data-testid=open-file]").await.click().await.unwrap();
    wait_for(client, &format!("[data-testid=file-bar][data-path='{}']", path.display())).await;
}

/// Switches the UI to `lang` from the header.
pub async fn set_language(client: &Client, lang: &str) {
    wait_for(client, &format!("[data-lang={lang}]")).await.click().await.unwrap();
    wait_for(client, &format!("html[lang={lang}]")).await;
}

/// The text of the first element matching `css`, once it appears.
pub async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, css).await.text().await.unwrap()
}

/// The exit code of `triplane check PATH`.
pub fn check_exit(h: &Harness, path: &Path) -> i32 {
    let out = Command::new(&h.cli).arg("check").arg(path).output().unwrap();
    out.status.code().unwrap_or(-1)
}
