//! `triplane simulate --trace-session` through the real binary: the representative session's
//! hops in order, consistent with the run's report, the same in text and JSON, deterministic.

use std::process::{Command, Output};

fn triplane(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triplane")).args(args).output().expect("run triplane")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = triplane(args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_session_is_one_of_the_runs_and_its_hops_come_in_order() {
    let args = ["simulate", "--trace-session", "--json", "--seed", "7", "example:hybrid"];
    let t = json(&args);
    let report = json(&["simulate", "--json", "--seed", "7", "example:hybrid"]);

    let hops = t["hops"].as_array().unwrap();
    assert!(!hops.is_empty());
    for (i, h) in hops.iter().enumerate() {
        assert_eq!(h["step"], i as u64 + 1, "steps count from 1 in order");
    }
    let cycles: Vec<u64> = hops.iter().map(|h| h["cycle"].as_u64().unwrap()).collect();
    assert!(cycles.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1), "cycles in order");
    assert_eq!(cycles.last().copied(), t["cycles"].as_u64());

    assert_eq!(t["day"], 1);
    assert_eq!(t["sessions_in_day"], report["totals"]["sessions"], "one day: the run's sessions");
    assert!(t["session"].as_u64().unwrap() <= t["sessions_in_day"].as_u64().unwrap());

    // Every hop of the session is one of the run's flow records (same hop and classes).
    let records = report["flows"].as_array().unwrap();
    for h in hops {
        assert!(
            records.iter().any(|r| r["from"] == h["from"]
                && r["to"] == h["to"]
                && r["classes"] == h["classes"]
                && r["jurisdictions"] == h["jurisdictions"]),
            "hop {} is a flow of the run",
            h["step"]
        );
    }

    assert_eq!(triplane(&args).stdout, triplane(&args).stdout, "same seed, same session");
}

#[test]
fn the_text_lists_every_hop() {
    let t = json(&["simulate", "--trace-session", "--json", "example:self-hosted-sandbox"]);
    let out = triplane(&["simulate", "--trace-session", "example:self-hosted-sandbox"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines = text.lines().filter(|l| l.contains(" tok ")).count();
    assert_eq!(lines, t["hops"].as_array().unwrap().len(), "one line per hop:\n{text}");
}

#[test]
fn the_trace_refuses_what_it_does_not_use() {
    let out = triplane(&["simulate", "--trace-session", "--fail-on-violations", "example:hybrid"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
}
