//! API keys through a real Secret Service: `gnome-keyring-daemon` in a private D-Bus session
//! (`dbus-run-session`), with a throw-away HOME. The CLI stores, shows (masked) and deletes a
//! key; the full key never appears in its output, nor in the keyring's files.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn require(tool: &str) {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "`{tool}` is missing; run scripts/setup-debian.sh (packages dbus-x11, gnome-keyring)"
    );
}

/// Runs `script` in a private D-Bus session with an unlocked gnome-keyring; returns stdout.
fn in_keyring_session(home: &Path, script: &str) -> String {
    let bin = repo().join("target/debug/triplane");
    assert!(bin.exists(), "build the CLI first: cargo build -p triplane-cli");
    let full = format!(
        "printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n{script}"
    );
    let out = Command::new("timeout")
        .args(["60", "dbus-run-session", "--", "bash", "-euo", "pipefail", "-c", &full])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env("TRIPLANE", &bin)
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "keyring session failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn a_key_is_stored_shown_masked_and_deleted() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("run")).unwrap();
    let secret = "sk-ant-test-7f3c9a1b2d4e6f80";
    let stdout = in_keyring_session(
        home.path(),
        &format!(
            r#"printf '%s\n' '{secret}' | "$TRIPLANE" keys set anthropic
"$TRIPLANE" keys show anthropic --json
"$TRIPLANE" keys delete anthropic
"$TRIPLANE" keys show anthropic --json"#
        ),
    );

    assert!(!stdout.contains(secret), "the full key must never be printed:\n{stdout}");
    assert!(stdout.contains("anthropic: stored (••••6f80)"), "set reports the mask:\n{stdout}");
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(
        &stdout.lines().filter(|l| !l.starts_with("anthropic:")).collect::<Vec<_>>().join("\n"),
    )
    .into_iter()
    .map(Result::unwrap)
    .collect();
    assert_eq!(docs.len(), 2, "{stdout}");
    assert_eq!(docs[0]["stored"], true, "the key is in the Secret Service after set");
    assert_eq!(docs[0]["masked"], "••••6f80");
    assert_eq!(docs[1]["stored"], false, "the key is gone after delete");

    let leaked = walk(home.path()).into_iter().any(|p| {
        std::fs::read(&p)
            .is_ok_and(|bytes| bytes.windows(secret.len()).any(|w| w == secret.as_bytes()))
    });
    assert!(!leaked, "the key must not be written in clear under HOME");
}

#[test]
fn a_bad_key_name_is_a_usage_error() {
    require("dbus-run-session");
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("run")).unwrap();
    let stdout = in_keyring_session(
        home.path(),
        r#"set +e; "$TRIPLANE" keys set "bad name" </dev/null; echo "exit=$?""#,
    );
    assert!(stdout.contains("exit=2"), "a bad key name is a usage error: {stdout}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A running `fault-server` binary; killed when dropped.
struct FaultServerProcess {
    child: std::process::Child,
    url: String,
}

impl FaultServerProcess {
    fn start(canned: &Path) -> Self {
        use std::io::BufRead;
        let bin = repo().join("target/debug/fault-server");
        assert!(
            bin.exists(),
            "build it first: cargo build -p triplane-systests --bin fault-server"
        );
        let mut child = Command::new(bin)
            .arg("--canned")
            .arg(canned)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the fault server starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        FaultServerProcess { child, url: line.trim().to_owned() }
    }

    /// `GET /_arrivals`, over a plain socket.
    fn arrivals(&self) -> Vec<serde_json::Value> {
        use std::io::{Read, Write};
        let addr = self.url.trim_start_matches("http://").trim_end_matches("/v1");
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET /_arrivals HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n").unwrap();
        // The server keeps connections alive: read the head, then exactly its content-length.
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        let (head_end, length) = loop {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "the fault server closed before answering");
            bytes.extend_from_slice(&buf[..n]);
            if let Some(i) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&bytes[..i]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .expect("a content-length");
                break (i + 4, length);
            }
        };
        while bytes.len() < head_end + length {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "the fault server closed mid-body");
            bytes.extend_from_slice(&buf[..n]);
        }
        let body = &bytes[head_end..head_end + length];
        serde_json::from_slice(body).unwrap_or_else(|e| panic!("arrivals JSON: {e}"))
    }
}

impl Drop for FaultServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `bench latency` and `bench quality` both take the key from the keychain (`--api-key NAME`)
/// and send it, and neither prints it, logs it, or writes it to the database or anywhere
/// under HOME.
#[test]
fn bench_runs_send_the_keychain_key_and_never_keep_it() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("run")).unwrap();
    let canned = home.path().join("canned.json");
    std::fs::write(
        &canned,
        r#"[{"set": "keys", "key": "Text A", "content": "public", "tool_calls": []}]"#,
    )
    .unwrap();
    let suite = repo().join("tests/fixtures/quality/classifier.yaml");
    let server = FaultServerProcess::start(&canned);
    let secret = "sk-bench-test-3e5a7c9b1d2f4e60";
    let db = home.path().join("bench.db");
    let script = format!(
        r#"printf '%s\n' '{secret}' | "$TRIPLANE" keys set bench-key
export RUST_LOG=trace
"$TRIPLANE" bench latency --endpoint {url} --api openai --model 'ok;tokens=2;ttft_ms=1;itl_ms=1' \
  --api-key bench-key --requests 2 --db {db} --json 2>&1
"$TRIPLANE" bench quality --suite {suite} --case k-public --endpoint {url} --api openai \
  --model 'canned;set=keys' --api-key bench-key --db {db} --json 2>&1
set +e
"$TRIPLANE" bench quality --suite {suite} --case k-public --endpoint {url} --api openai \
  --model 'canned;set=keys' --api-key missing-key --db {db} 2>&1
echo "exit=$?"
"$TRIPLANE" bench quality --suite {suite} --endpoint {url} --api openai --model m \
  --api-key bench-key --api-key-env SOME_VAR --db {db} 2>&1
echo "exit=$?""#,
        url = server.url,
        db = db.display(),
        suite = suite.display(),
    );
    let stdout = in_keyring_session(home.path(), &script);

    assert!(!stdout.contains(secret), "the key must never be printed or logged:\n{stdout}");
    assert!(
        stdout.contains("no key `missing-key` in the OS keychain") && stdout.contains("exit=2"),
        "a missing keychain entry is a usage error naming it:\n{stdout}"
    );
    assert!(
        stdout.matches("exit=2").count() == 2 && stdout.contains("cannot be used with"),
        "`--api-key` and `--api-key-env` exclude each other:\n{stdout}"
    );
    let posts: Vec<_> = server.arrivals();
    assert_eq!(posts.len(), 3, "two latency requests and one quality request: {posts:?}");
    for a in &posts {
        assert_eq!(
            a["authorization"].as_str(),
            Some(format!("Bearer {secret}").as_str()),
            "every request carried the keychain's key: {a}"
        );
    }
    let bytes = std::fs::read(&db).expect("the runs were stored");
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "no key in the db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let settings: Vec<String> = conn
        .prepare("SELECT settings_json FROM runs ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(settings.len(), 2, "a latency run and a classification run: {settings:?}");
    for s in &settings {
        let v: serde_json::Value = serde_json::from_str(s).unwrap();
        assert_eq!(v["api_key_name"], "bench-key", "the run records the key's name: {s}");
    }
    let leaked = walk(home.path()).into_iter().any(|p| {
        std::fs::read(&p)
            .is_ok_and(|bytes| bytes.windows(secret.len()).any(|w| w == secret.as_bytes()))
    });
    assert!(!leaked, "the key must not be written in clear under HOME");
}
