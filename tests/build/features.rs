//! `cargo build -p triplane-app` (scripts/run-app.sh, scripts/test-e2e.sh) must reuse what the
//! whole-workspace build (scripts/test.sh) compiled. Cargo resolves features per command, for
//! the packages it selects, so a dependency that another member gives extra features is
//! compiled twice, with everything above it. `crates/triplane-unify` turns those features on
//! in the app's and the CLI's graph; this test fails when a dependency change makes the lists
//! drift, and names what to add there.
//!
//! It asks Cargo for the units each command would build (`--unit-graph`), compiling nothing.
//! That flag is unstable, hence `RUSTC_BOOTSTRAP=1` for these read-only invocations.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A unit as Cargo would compile it: its own identity (package, target, mode, features,
/// profile) and, recursively, that of everything it links.
struct Unit {
    label: String,
    own: String,
    deps: Vec<usize>,
}

struct Plan {
    units: Vec<Unit>,
    signatures: Vec<u64>,
}

impl Plan {
    fn of(args: &[&str]) -> Plan {
        let scratch = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO"))
            .args(args)
            .args(["--locked", "-Z", "unstable-options", "--unit-graph"])
            .current_dir(workspace())
            .env("RUSTC_BOOTSTRAP", "1")
            // Nothing is written there; a separate folder keeps this off the running build's lock.
            .env("CARGO_TARGET_DIR", scratch.path())
            .output()
            .expect("running cargo");
        assert!(
            out.status.success(),
            "`cargo {} --unit-graph` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        let graph: Value = serde_json::from_slice(&out.stdout).expect("the unit graph is JSON");
        let units: Vec<Unit> = graph["units"]
            .as_array()
            .expect("`units` in the unit graph")
            .iter()
            .map(|u| {
                let pkg = u["pkg_id"].as_str().unwrap();
                let package = pkg.rsplit(['/', '#']).next().unwrap_or(pkg);
                let target = u["target"]["name"].as_str().unwrap();
                let features: Vec<&str> =
                    u["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
                Unit {
                    label: format!(
                        "{package} ({target}, {}) features [{}]",
                        u["mode"].as_str().unwrap(),
                        features.join(", ")
                    ),
                    own: format!("{pkg} {} {} {}", u["target"], u["mode"], u["features"])
                        + &u["profile"].to_string(),
                    deps: u["dependencies"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d["index"].as_u64().unwrap() as usize)
                        .collect(),
                }
            })
            .collect();
        let mut memo = HashMap::new();
        let signatures = (0..units.len()).map(|i| signature(&units, i, &mut memo)).collect();
        Plan { units, signatures }
    }
}

fn signature(units: &[Unit], i: usize, memo: &mut HashMap<usize, u64>) -> u64 {
    if let Some(s) = memo.get(&i) {
        return *s;
    }
    let mut deps: Vec<u64> = units[i].deps.iter().map(|&d| signature(units, d, memo)).collect();
    deps.sort_unstable();
    let mut h = DefaultHasher::new();
    units[i].own.hash(&mut h);
    deps.hash(&mut h);
    memo.insert(i, h.finish());
    h.finish()
}

/// The units of `selection` that `built` does not hold, reduced to the ones whose own
/// identity differs (the rest are only rebuilt because of them), with the same package's
/// variants in `built` for comparison.
fn rebuilt(built: &[&Plan], selection: &Plan) -> Vec<String> {
    let have: HashSet<u64> = built.iter().flat_map(|p| p.signatures.iter().copied()).collect();
    let owns: HashSet<&str> =
        built.iter().flat_map(|p| p.units.iter().map(|u| u.own.as_str())).collect();
    let mut causes = BTreeSet::new();
    for (i, unit) in selection.units.iter().enumerate() {
        if have.contains(&selection.signatures[i]) {
            continue;
        }
        let deps_all_reused = unit.deps.iter().all(|&d| have.contains(&selection.signatures[d]));
        if !owns.contains(unit.own.as_str()) || deps_all_reused {
            let package = unit.label.split(' ').next().unwrap();
            let there: BTreeSet<&str> = built
                .iter()
                .flat_map(|p| p.units.iter())
                .filter(|u| u.label.split(' ').next() == Some(package))
                .map(|u| u.label.as_str())
                .collect();
            causes.insert(format!(
                "{}\n      the workspace build has: {}",
                unit.label,
                there.into_iter().collect::<Vec<_>>().join("; ")
            ));
        }
    }
    causes.into_iter().collect()
}

fn check(built: &[&Plan], command: &str, selection: &Plan) {
    let causes = rebuilt(built, selection);
    assert!(
        causes.is_empty(),
        "`cargo {command}` would compile units the workspace build does not share; add the \
         workspace build's features for these to crates/triplane-unify/Cargo.toml:\n  {}",
        causes.join("\n  ")
    );
}

#[test]
fn app_and_cli_builds_reuse_the_workspace_build() {
    let workspace = Plan::of(&["build", "--workspace", "--bins"]);
    for args in [
        &["build", "-p", "triplane-app"][..],
        &["build", "-p", "triplane-app", "-p", "triplane-cli"],
    ] {
        check(&[&workspace], &args.join(" "), &Plan::of(args));
    }
}

#[test]
fn the_app_tests_reuse_the_workspace_test_build() {
    // scripts/test.sh builds the binaries, then every test; scripts/test-e2e.sh only the app's.
    let bins = Plan::of(&["build", "--workspace", "--bins"]);
    let tests = Plan::of(&["test", "--workspace", "--no-run"]);
    // The same list scripts/test-e2e.sh runs: every `[[test]]` whose name starts with `app`.
    let manifest = std::fs::read_to_string(workspace().join("tests/Cargo.toml")).unwrap();
    let names: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        .filter(|name| name.starts_with("app"))
        .collect();
    assert!(!names.is_empty(), "tests/Cargo.toml declares the app's tests");
    let mut e2e = vec!["test", "--workspace", "--no-run"];
    for name in &names {
        e2e.extend(["--test", name]);
    }
    check(&[&bins, &tests], &e2e.join(" "), &Plan::of(&e2e));
}
