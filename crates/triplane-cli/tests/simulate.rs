//! `triplane simulate` and `compare` through the real binary: exit codes, determinism, the
//! JSON shape (snapshot of the scorecard), and bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/deployments");
    dir.join(name).display().to_string()
}

fn triplane(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triplane")).args(args).output().expect("run triplane")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = triplane(args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn same_seed_gives_byte_identical_output() {
    let a = triplane(&["simulate", "--json", "--seed", "7", "example:hybrid"]);
    let b = triplane(&["simulate", "--json", "--seed", "7", "example:hybrid"]);
    assert_eq!(a.stdout, b.stdout, "simulation must be deterministic for a seed");
    let c = triplane(&["simulate", "--json", "--seed", "8", "example:hybrid"]);
    assert_ne!(a.stdout, c.stdout, "another seed draws another workload");
}

#[test]
fn violations_fail_the_run_only_when_asked() {
    let frontier = triplane(&["simulate", "example:frontier-only"]);
    assert_eq!(frontier.status.code(), Some(0));
    let frontier = triplane(&["simulate", "--fail-on-violations", "example:frontier-only"]);
    assert_eq!(frontier.status.code(), Some(1), "personal data reaches a US-exposed model");
    let sovereign = triplane(&["simulate", "--fail-on-violations", "example:sovereign"]);
    assert_eq!(sovereign.status.code(), Some(0), "{}", String::from_utf8_lossy(&sovereign.stdout));
}

#[test]
fn sovereign_scorecard_snapshot() {
    let report = json(&["simulate", "--json", "example:sovereign"]);
    insta::assert_json_snapshot!(report["scorecard"]);
}

#[test]
fn self_hosted_sandbox_every_cycle_enters_the_us_on_two_planes() {
    let report = json(&["simulate", "--json", "example:self-hosted-sandbox"]);
    let text = report["cycle_share"].to_string();
    let share = |plane: &str, j: &str| -> f64 {
        let rows = report["cycle_share"].as_array().unwrap_or_else(|| panic!("{text}"));
        rows.iter()
            .find(|r| r["plane"] == plane && r["jurisdiction"] == j)
            .map_or(0.0, |r| r["share"].as_f64().unwrap())
    };
    assert_eq!(share("inference", "US"), 1.0, "{text}");
    assert_eq!(share("orchestration", "US"), 1.0, "{text}");
    assert_eq!(share("execution", "US"), 0.0, "{text}");
}

#[test]
fn compare_puts_variants_side_by_side() {
    let report = json(&["compare", "--json", "example:frontier-only", "example:sovereign"]);
    let text = report.to_string();
    assert!(text.contains("frontier-only") && text.contains("sovereign"), "{text}");

    // The text table: one column per file, headed by its stem; the long names below it.
    let out = triplane(&["compare", "example:frontier-only", "example:sovereign"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let header = text.lines().find(|l| l.starts_with("variant")).expect("a header row");
    let cells: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(cells, ["variant", "frontier-only", "sovereign"], "{text}");
    let overall = text.lines().find(|l| l.starts_with("grade overall")).expect("{text}");
    assert_eq!(overall.split_whitespace().skip(2).collect::<Vec<_>>(), ["E", "C"], "{text}");
    assert!(
        text.contains("sovereign: Fully sovereign (Mistral on a DGX Spark"),
        "the full name follows the table: {text}"
    );
}

#[test]
fn bad_input_is_positioned_or_a_usage_error() {
    let cycle = triplane(&["simulate", &fixture("link-cycle.yaml")]);
    assert_eq!(cycle.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&cycle.stderr).contains("links form a cycle"));
    let zero = triplane(&["simulate", "--days", "0", "example:sovereign"]);
    assert_eq!(zero.status.code(), Some(2));
    let scenario = triplane(&["simulate", "--scenario", "no-such-scenario", "example:sovereign"]);
    assert_eq!(scenario.status.code(), Some(2), "{}", String::from_utf8_lossy(&scenario.stderr));
    let workload = triplane(&["simulate", &fixture("bad-workload.yaml")]);
    assert_eq!(workload.status.code(), Some(1));
}

#[test]
fn a_components_own_price_is_costed_and_scales() {
    let cost = |file: &str| -> serde_json::Value {
        json(&["simulate", "--json", "--seed", "3", file])["cost"].clone()
    };
    let unpriced = cost(&fixture("minimal.yaml"));
    assert!(unpriced["unpriced"].to_string().contains("model"), "{unpriced}");

    let base = std::fs::read_to_string(fixture("priced.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let doubled = dir.path().join("doubled.yaml");
    let text = base.replace(
        "input_per_mtok: 2.0, output_per_mtok: 6.0",
        "input_per_mtok: 4.0, output_per_mtok: 12.0",
    );
    std::fs::write(&doubled, text).unwrap();

    let priced = cost(&fixture("priced.yaml"));
    let eur = priced["per_month"]["EUR"].as_f64().unwrap_or_else(|| panic!("{priced}"));
    assert!(eur > 0.0, "{priced}");
    assert!(!priced["unpriced"].to_string().contains("\"model\""), "{priced}");
    let twice = cost(doubled.to_str().unwrap())["per_month"]["EUR"].as_f64().unwrap();
    assert!(
        (twice / eur - 2.0).abs() < 0.01,
        "doubling the price doubles the cost: {eur} → {twice}"
    );
}
