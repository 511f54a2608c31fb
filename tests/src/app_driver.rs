//! The real desktop app under WebDriver, shared by every `tests/app/*.rs` test: `tauri-driver`
//! in front of Debian's `WebKitWebDriver`, under `Xvfb` when there is no display. The tests
//! are run by `scripts/test-e2e.sh`, which builds the UI, the app and the CLI first.
//!
//! Missing tools fail the test with the script that installs them; it never skips.

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

        let port = free_port();
        let native_port = free_port();
        let log = std::fs::File::create(out_dir().join("tauri-driver.log")).unwrap();
        let child = Command::new(driver)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(native)
            .env("DISPLAY", &display)
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
        Harness { driver_url: format!("http://127.0.0.1:{port}"), app, cli, _processes: processes }
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

pub async fn screenshot(client: &Client, name: &str) {
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

/// Asserts that the Simulation tab's scorecard (grade per plane and overall) and its number of
/// violations equal those of `sim`, the CLI's `simulate --json` for the same file and seed.
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
    let violations = client.find_all(Locator::Css("[data-testid=violation]")).await.unwrap().len();
    assert_eq!(
        violations,
        sim["violations"].as_array().expect("simulate --json has violations").len(),
        "{what}: violations, DOM vs CLI"
    );
}

/// Asserts that the Compare tab's rows (grade per plane and number of violated rules per
/// variant, keyed by file) equal `cli`, the CLI's `compare --json` of the same files and seed;
/// returns how many variants the tab shows.
pub async fn assert_comparison_matches(client: &Client, cli: &Value) -> usize {
    let mut expected = std::collections::BTreeSet::new();
    for v in cli["variants"].as_array().expect("compare --json has variants") {
        let file = v["file"].as_str().unwrap().to_string();
        for (plane, grade) in v["grades"].as_object().unwrap() {
            expected.insert((file.clone(), plane.clone(), grade.as_str().unwrap().to_string()));
        }
        expected.insert((file, "violations".into(), v["violations"].to_string()));
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
        shown.insert((file, "violations".into(), violations.text().await.unwrap()));
    }
    assert_eq!(shown, expected, "grades and violations per variant: DOM vs CLI");
    rows.len()
}
