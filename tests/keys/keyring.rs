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
