//! `triplane bench quality|regrade|compare` through the real binary against a loopback server
//! that labels every text `internal`: the printed figures (snapshots, with times and paths
//! scrubbed), the stored run re-grading the same, the charts, and a suite that fails to load.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/quality");
    dir.join(name).display().to_string()
}

fn triplane(args: &[&str], db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triplane"))
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("run triplane")
}

/// Answers every POST with one OpenAI chat completion saying `internal`, keeping connections
/// open as HTTP/1.1 clients expect.
fn serve_internal() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    url
}

fn answer(mut stream: TcpStream) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        let body = r#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"internal"},"finish_reason":"stop"}]}"#;
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// Drops the lines whose figures depend on the machine (times) or the temp dir (paths).
fn scrub(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("run time") && !l.starts_with("mean answer time"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_classification_run_prints_its_figures_and_regrades_the_same() {
    let url = serve_internal();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let suite = fixture("classifier.yaml");

    let out = triplane(
        &["bench", "quality", "--suite", &suite, "--endpoint", &url, "--api", "openai"]
            .into_iter()
            .chain(["--model", "m", "--candidate", "always-internal"])
            .collect::<Vec<_>>(),
        &db,
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("run time"), "the run time is printed: {stdout}");
    insta::assert_snapshot!("quality_run", scrub(&stdout));

    let out = triplane(&["bench", "regrade", "1"], &db);
    assert_eq!(out.status.code(), Some(0), "a fresh run re-grades the same");
    insta::assert_snapshot!("quality_regrade", String::from_utf8(out.stdout).unwrap());

    let charts = dir.path().join("charts");
    let out = triplane(&["bench", "compare", "1", "--charts", charts.to_str().unwrap()], &db);
    assert!(out.status.success());
    let shown = String::from_utf8(out.stdout).unwrap();
    assert_eq!(scrub(&shown), scrub(&stdout), "one run compared shows what the run printed");
    let out = triplane(&["bench", "show", "1"], &db);
    let shown = String::from_utf8(out.stdout).unwrap();
    assert_eq!(scrub(&shown), scrub(&stdout), "`bench show` of a quality run shows its verdicts");

    // A second run of the same candidate, side by side with the first.
    let again = triplane(
        &["bench", "quality", "--suite", &suite, "--endpoint", &url, "--api", "openai"]
            .into_iter()
            .chain(["--model", "m", "--candidate", "always-internal", "--samples", "2"])
            .collect::<Vec<_>>(),
        &db,
    );
    assert!(again.status.success());
    let out = triplane(&["bench", "compare", "1", "2"], &db);
    insta::assert_snapshot!("quality_compare", String::from_utf8(out.stdout).unwrap());
    for f in ["pass-rate.svg", "confusion-1.svg"] {
        assert!(charts.join(f).is_file(), "`{f}` is written");
    }

    let out = triplane(&["bench", "compare", "1", "--json"], &db);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["runs"][0]["summary"]["pass_rate"]["passes"], 1, "only `internal` is right");
}

#[test]
fn a_suite_with_a_broken_regex_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("bad.yaml");
    std::fs::write(
        &suite,
        "suite: 1\nid: bad\ntitle: Bad\ntask: answers\nlanguages: [en]\nauthors: [me]\n\
         licence: MIT\nsource: test\ncases:\n  - id: a\n    language: en\n    prompt: hi\n\
         \x20   expect: [{regex: '(oops'}]\n",
    )
    .unwrap();
    let out = triplane(
        &[
            "bench",
            "quality",
            "--suite",
            suite.to_str().unwrap(),
            "--endpoint",
            "http://127.0.0.1:9",
        ]
        .into_iter()
        .chain(["--api", "openai", "--model", "m"])
        .collect::<Vec<_>>(),
        &dir.path().join("q.db"),
    );
    let stderr =
        String::from_utf8(out.stderr).unwrap().replace(suite.to_str().unwrap(), "bad.yaml");
    assert_eq!(out.status.code(), Some(1), "an invalid file is a problem found: {stderr}");
    insta::assert_snapshot!("quality_bad_regex", stderr);
}
