//! `triplane check`, `show` and `catalog` through the real binary: exit codes, positioned
//! errors for each kind of bad input, and the JSON shapes (snapshots).

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/deployments");
    dir.join(name).display().to_string()
}

fn triplane(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triplane")).args(args).output().expect("run triplane")
}

/// Runs `check` on a fixture; returns the exit code and stderr with the fixture dir scrubbed.
fn check(name: &str) -> (i32, String) {
    let path = fixture(name);
    let out = triplane(&["check", &path]);
    let stderr = String::from_utf8(out.stderr).unwrap().replace(&path, name);
    (out.status.code().unwrap(), stderr)
}

#[test]
fn valid_file_exits_zero() {
    let (code, stderr) = check("minimal.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "checked 1 file(s): 1 valid, 0 invalid\n");
}

#[test]
fn malformed_yaml() {
    let (code, stderr) = check("malformed.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn wrong_type() {
    let (code, stderr) = check("wrong-type.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (code, stderr) = check("unknown-key.yaml");
    assert_eq!(code, 1);
    assert!(stderr.contains("did you mean `offering`?"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn duplicate_ids() {
    let (code, stderr) = check("duplicate-id.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn dangling_reference() {
    let (code, stderr) = check("dangling.yaml");
    assert_eq!(code, 1);
    assert!(stderr.contains("did you mean `model`?"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_offering() {
    let (code, stderr) = check("unknown-offering.yaml");
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown offering `no-such-offering-anywhere`"), "{stderr}");
}

#[test]
fn cycle_in_links() {
    let (code, stderr) = check("link-cycle.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn empty_file() {
    let (code, stderr) = check("empty.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn absurd_workload_names_each_field() {
    let (code, stderr) = check("bad-workload.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn not_utf8_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"triplane: 1\nname: Caf\xe9\n").unwrap();
    let out = triplane(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(":2:10: error: the file is not UTF-8 text"), "{stderr}");
}

#[test]
fn oversized_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let mut text = String::from("triplane: 1\nname: huge\n");
    text.push_str(
        &"# padding padding padding padding padding padding padding padding\n".repeat(90_000),
    );
    std::fs::write(&path, text).unwrap();
    let out = triplane(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("above the 5242880-byte limit"), "{stderr}");
}

#[test]
fn missing_file_is_a_usage_error() {
    let out = triplane(&["check", "/nonexistent/deployment.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("`/nonexistent/deployment.yaml` does not exist"), "{stderr}");
}

#[test]
fn bad_arguments_are_a_usage_error() {
    assert_eq!(triplane(&["check"]).status.code(), Some(2));
    assert_eq!(triplane(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn several_files_report_each_and_exit_one() {
    let (good, bad) = (fixture("minimal.yaml"), fixture("dangling.yaml"));
    let out = triplane(&["check", &good, &bad]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.ends_with("checked 2 file(s): 1 valid, 1 invalid\n"), "{stderr}");
}

#[test]
fn show_json_of_an_on_premises_deployment() {
    let path = fixture("minimal.yaml");
    let out = triplane(&["show", "--json", &path]);
    assert_eq!(out.status.code(), Some(0));
    let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["file"] = "minimal.yaml".into();
    let model =
        &json["components"].as_array().unwrap().iter().find(|c| c["id"] == "model").unwrap();
    for e in model["exposure"].as_array().unwrap() {
        assert_eq!(e["status"], "not-exposed", "own French site and operator: {e}");
    }
    insta::assert_json_snapshot!(json);
}

#[test]
fn catalog_json_lists_entries_and_filters() {
    let all = triplane(&["catalog", "--json"]);
    assert_eq!(all.status.code(), Some(0));
    let all: Vec<serde_json::Value> = serde_json::from_slice(&all.stdout).unwrap();
    let laws = triplane(&["catalog", "--json", "compelled"]);
    let laws: Vec<serde_json::Value> = serde_json::from_slice(&laws.stdout).unwrap();
    assert!(laws.len() >= 3 && laws.len() < all.len(), "{} of {}", laws.len(), all.len());
    assert!(laws.iter().all(|e| e["kind"] == "compelled-access"));
}

/// `triplane … | head` closes stdout early: the command ends with 0 and says nothing, instead
/// of Rust's "failed printing to stdout" panic and backtrace (seen on `simulate
/// --trace-session --json | head`).
#[test]
fn closed_stdout_ends_quietly() {
    for args in [
        &["simulate", "example:mcp-tunnel", "--trace-session", "--json"][..],
        &["show", "example:hybrid"][..],
        &["catalog"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_triplane"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run triplane");
        // Closing the read end before the child writes makes its first write fail with EPIPE.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("triplane ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "`triplane {}` panicked: {stderr}", args.join(" "));
        assert_eq!(out.status.code(), Some(0), "`triplane {}`: {stderr}", args.join(" "));
    }
}
