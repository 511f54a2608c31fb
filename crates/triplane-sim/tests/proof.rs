//! Proof of correctness: a hand-written golden trace, the sovereign and hybrid examples'
//! guarantees, metamorphic relations between variants, determinism and bad input.

mod common;

use triplane_sim::engine::Flow;
use triplane_sim::{simulate, Options, PolicySet, SimError};

fn names(plan: &triplane_sim::Plan, f: &Flow) -> (String, String, Vec<String>, u64) {
    let hop = &plan.hops[f.hop as usize];
    let classes = (0..plan.classes.len())
        .filter(|i| f.classes >> i & 1 == 1)
        .map(|i| plan.classes[i].id.clone())
        .collect();
    (plan.nodes[hop.from].id.clone(), plan.nodes[hop.to].id.clone(), classes, f.tokens)
}

#[test]
fn golden_trace_of_one_self_hosted_sandbox_session() {
    let mut d = common::example("self-hosted-sandbox");
    d.workload = Some(common::constant_workload(1.0, 2.0, "personal", "confidential"));
    let (plan, trace) = triplane_sim::trace(&d, 1, 1).unwrap();

    let p = || vec!["personal".to_string()];
    let c = || vec!["confidential".to_string()];
    let pc = || vec!["confidential".to_string(), "personal".to_string()];
    let f = |from: &str, to: &str, classes: Vec<String>, tokens: u64| {
        (from.to_string(), to.to_string(), classes, tokens)
    };
    // Worked by hand from the rules in engine.rs: prompt 100, completion 50, tool call 20,
    // tool result 400 tokens; context = prompts + completions + results so far.
    let expected = vec![
        f("agents", "agent-loop", p(), 100),
        // cycle 1: context {personal}, 100 tokens
        f("agent-loop", "claude", p(), 100),
        f("claude", "agent-loop", p(), 50),
        f("agent-loop", "sandbox", p(), 20),
        f("sandbox", "cases-db", p(), 20),
        f("cases-db", "sandbox", c(), 400),
        f("sandbox", "agent-loop", pc(), 400),
        // cycle 2: context {personal, confidential}, 100 + 50 + 400 = 550 tokens
        f("agent-loop", "claude", pc(), 550),
        f("claude", "agent-loop", pc(), 50),
        f("agent-loop", "sandbox", pc(), 20),
        f("sandbox", "cases-db", pc(), 20),
        f("cases-db", "sandbox", c(), 400),
        f("sandbox", "agent-loop", pc(), 400),
        // cycle 3: context 550 + 50 + 400 = 1000 tokens; the answer goes back to the users
        f("agent-loop", "claude", pc(), 1000),
        f("claude", "agent-loop", pc(), 50),
        f("agent-loop", "agents", pc(), 50),
    ];
    let got: Vec<_> = trace.flows.iter().map(|f| names(&plan, f)).collect();
    assert_eq!(got, expected);
    assert_eq!(trace.cycle_ends, vec![7, 13, 16], "three cycles: two with a tool call, one answer");
}

#[test]
fn self_hosted_sandbox_every_cycle_enters_the_us_on_two_planes_of_three() {
    let d = common::example("self-hosted-sandbox");
    let r = simulate(&d, &Options::default()).unwrap();
    let share = |plane: &str, j: &str| {
        r.cycle_share
            .iter()
            .find(|s| s.plane == plane && s.jurisdiction == j)
            .map_or(0.0, |s| s.share)
    };
    assert_eq!(share("any", "US"), 1.0);
    assert_eq!(share("inference", "US"), 1.0);
    assert_eq!(share("orchestration", "US"), 1.0);
    assert_eq!(share("execution", "US"), 0.0, "the sandbox runs on premises in France");
}

#[test]
fn sovereign_example_has_no_flow_entering_a_non_eu_jurisdiction() {
    let d = common::example("sovereign");
    let r = simulate(&d, &Options { days: 3, ..Options::default() }).unwrap();
    assert!(r.totals.flows > 1000, "the run must exercise the loop");
    for f in &r.flows {
        for j in &f.jurisdictions {
            assert!(
                triplane_model::in_eu_eea(j),
                "{} → {} enters `{j}`, outside the EU/EEA",
                f.from,
                f.to
            );
        }
    }
}

fn is_us_model(plan: &triplane_sim::Plan, node: usize) -> bool {
    let us = plan.jurisdictions.iter().position(|j| j == "US");
    plan.nodes[node].kind == triplane_model::ComponentKind::ModelEndpoint
        && us.is_some_and(|u| plan.nodes[node].jurisdictions >> u & 1 == 1)
}

#[test]
fn hybrid_personal_data_reaches_the_frontier_model_only_through_misses() {
    let d = common::example("hybrid");
    let fnr = d.routing.as_ref().and_then(|r| r.classifier.as_ref()).unwrap().false_negative_rate;
    let (plan, trace) = triplane_sim::trace(&d, 9, 3000).unwrap();
    let personal: u64 =
        plan.classes.iter().enumerate().filter(|(_, c)| c.personal).fold(0, |m, (i, _)| m | 1 << i);

    let mut leaked = 0;
    for f in &trace.flows {
        let to = plan.hops[f.hop as usize].to;
        if is_us_model(&plan, to) && f.classes & personal != 0 {
            assert!(f.misrouted, "personal data reached `{}` without a miss", plan.nodes[to].id);
            leaked += 1;
        }
    }
    let sensitive: Vec<_> =
        trace.routed.iter().filter(|r| r.classes & personal != 0 && r.correct > 0).collect();
    let missed = sensitive.iter().filter(|r| r.chosen < r.correct).count() as f64;
    let n = sensitive.len() as f64;
    assert!(n > 1000.0, "enough personal calls to measure a rate ({n})");
    let sd = (fnr * (1.0 - fnr) / n).sqrt();
    assert!(
        (missed / n - fnr).abs() <= 4.0 * sd + 1e-9,
        "miss rate {} far from the false-negative rate {fnr}",
        missed / n
    );
    assert!(fnr == 0.0 || leaked > 0, "with a non-zero rate, some personal data leaks");
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture lacks `{from}`");
    text.replace(from, to)
}

#[test]
fn moving_the_sandbox_on_premises_removes_tool_execution_from_us_exposure_only() {
    let onprem_text = common::fixture_text("sandbox-onprem");
    let mut us_text = onprem_text.clone();
    for id in ["sandbox", "mcp-db", "db"] {
        us_text = us_text.replace(
            &format!("id: {id}, kind:"),
            &format!("id: {id}, site: t-us-east, operator: t-us-ai, kind:"),
        );
    }
    us_text = replace(
        &us_text,
        "      site: t-onprem\n      operator: t-customer\n",
        "      site: t-us-east\n      operator: t-us-ai\n",
    );
    us_text = us_text.replace("site: t-onprem, operator: t-customer, visibility", "visibility");
    let onprem =
        simulate(&common::load_text("onprem.yaml", &onprem_text), &Options::default()).unwrap();
    let us = simulate(&common::load_text("us.yaml", &us_text), &Options::default()).unwrap();

    let into_us = |r: &triplane_sim::SimReport, plane: triplane_model::Plane| {
        r.flows
            .iter()
            .filter(|f| f.to_plane == plane && f.jurisdictions.contains(&"US".into()))
            .count()
    };
    use triplane_model::Plane::*;
    assert!(
        into_us(&us, Execution) > 0,
        "with the sandbox in the US, tool execution is US-exposed"
    );
    assert_eq!(into_us(&onprem, Execution), 0, "on premises, no execution flow enters the US");
    // Tool results still travel to the US orchestrator and on to the US model.
    let results_home = onprem.flows.iter().any(|f| {
        f.from == "sandbox" && f.to == "orchestrator" && f.jurisdictions.contains(&"US".into())
    });
    assert!(results_home, "observations still reach the US orchestrator");
    assert!(into_us(&onprem, Inference) > 0 && into_us(&onprem, Orchestration) > 0);
    assert_eq!(onprem.totals.flows, us.totals.flows, "the same loop, only the sites moved");
}

fn with_parent(country: &str) -> triplane_model::Deployment {
    let text = common::fixture_text("sandbox-onprem");
    let text = replace(
        &text,
        "  - {id: t-us-ai, name: US AI Corp, country: US}\n",
        &format!(
            "  - {{id: t-us-ai, name: AI Corp Europe, country: FR, parent: t-parent}}\n  - {{id: t-parent, name: Parent, country: {country}}}\n"
        ),
    );
    let text = replace(
        &text,
        "kind: cloud-region, operator: t-us-ai, country: US",
        "kind: cloud-region, operator: t-us-ai, country: FR",
    );
    common::load_text(&format!("parent-{country}.yaml"), &text)
}

#[test]
fn an_eu_parent_removes_us_exposure() {
    let us = simulate(&with_parent("US"), &Options::default()).unwrap();
    let eu = simulate(&with_parent("DE"), &Options::default()).unwrap();
    let personal_us =
        |r: &triplane_sim::SimReport| r.matrix.cell("personal", "US").map_or(0, |c| c.tokens);
    assert!(personal_us(&us) > 0, "a US parent puts the model under US jurisdiction");
    assert_eq!(personal_us(&eu), 0);
    assert!(!eu.matrix.jurisdictions.contains(&"US".to_string()));
    assert!(us.violations.iter().any(|v| v.rule == "personal-data-reaches-non-eu-exposed"));
    assert!(!eu.violations.iter().any(|v| v.rule == "personal-data-reaches-non-eu-exposed"));
}

#[test]
fn raising_the_false_negative_rate_never_lowers_leakage() {
    let text = common::fixture_text("hybrid");
    let mut last = 0;
    let mut last_router = 0;
    for rate in ["0.0", "0.01", "0.05", "0.2", "0.5", "1.0"] {
        let t =
            replace(&text, "false_negative_rate: 0.05", &format!("false_negative_rate: {rate}"));
        let r = simulate(&common::load_text("hybrid.yaml", &t), &Options::default()).unwrap();
        let leaked = r.matrix.cell("personal", "US").map_or(0, |c| c.tokens);
        assert!(leaked >= last, "rate {rate}: leakage {leaked} below {last}");
        if rate == "0.0" {
            assert_eq!(leaked, 0, "without misses no personal data reaches the US model");
        }
        last = leaked;

        // The router's own account agrees: the leaked volume of personal data never falls as
        // the rate rises, and `internal` (whose own route is the frontier one) never leaks.
        let router = r.router.as_ref().expect("the fixture routes");
        let personal = misses(router, "personal");
        assert!(
            personal.leaked_tokens >= last_router,
            "rate {rate}: router leakage {} below {last_router}",
            personal.leaked_tokens
        );
        last_router = personal.leaked_tokens;
        assert_eq!(misses(router, "internal").to_less_sensitive, 0, "rate {rate}");
    }
    assert!(last > 0);
    assert!(last_router > 0);
}

fn misses<'a>(
    router: &'a triplane_sim::report::RouterReport,
    class: &str,
) -> &'a triplane_sim::report::ClassMisses {
    router.classes.iter().find(|c| c.class == class).unwrap_or_else(|| panic!("no `{class}`"))
}

#[test]
fn a_router_miss_leaks_only_the_classes_it_takes_below_their_own_route() {
    // Every call fails both ways at once is impossible (one draw), so run each side alone.
    let text = common::fixture_text("hybrid");
    let with = |fnr: &str, fpr: &str| {
        let t = replace(&text, "false_negative_rate: 0.05", &format!("false_negative_rate: {fnr}"));
        let t = replace(&t, "false_positive_rate: 0.1", &format!("false_positive_rate: {fpr}"));
        let d = common::load_text("hybrid.yaml", &t);
        simulate(&d, &Options { days: 3, ..Options::default() }).unwrap().router.unwrap()
    };

    // Only false negatives: personal leaks; internal rides along on the same calls but its
    // own route is the one they took, so it leaks nothing and nothing is over-protected.
    let negatives = with("0.3", "0.0");
    let personal = misses(&negatives, "personal");
    let internal = misses(&negatives, "internal");
    assert!(personal.to_less_sensitive > 0 && personal.leaked_tokens > 0);
    assert_eq!(internal.to_less_sensitive, 0, "internal is not leaked by a personal miss");
    assert_eq!(internal.leaked_tokens, 0);
    assert_eq!(personal.to_more_sensitive + internal.to_more_sensitive, 0);

    // Per day and per year: the run's volume over its 3 days, and that times 365.
    let per_day = personal.to_less_sensitive as f64 / 3.0;
    assert!((personal.leaked_per_day.requests - per_day).abs() < 1e-3);
    assert!((personal.leaked_per_year.requests - per_day * 365.0).abs() < 0.1);
    assert!(
        (personal.leaked_per_year.tokens - personal.leaked_tokens as f64 / 3.0 * 365.0).abs() < 1.0
    );

    // Only false positives: internal-only calls go sovereign. A cost, never a leak.
    let positives = with("0.0", "0.5");
    for c in &positives.classes {
        assert_eq!(c.to_less_sensitive, 0, "`{}`: a false positive leaks nothing", c.class);
        assert_eq!(c.leaked_per_year.tokens, 0.0);
    }
    let internal = misses(&positives, "internal");
    assert!(internal.to_more_sensitive > 0 && internal.over_protected_per_year.requests > 0.0);
    assert_eq!(
        misses(&positives, "personal").to_more_sensitive,
        0,
        "personal's route is already the most protected: there is none above it"
    );
}

#[test]
fn same_seed_same_bytes_other_seed_other_run() {
    let d = common::example("hybrid");
    let a = serde_json::to_string(&simulate(&d, &Options::default()).unwrap()).unwrap();
    let b = serde_json::to_string(&simulate(&d, &Options::default()).unwrap()).unwrap();
    let c =
        serde_json::to_string(&simulate(&d, &Options { seed: 7, ..Options::default() }).unwrap())
            .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c, "another seed draws another workload");
}

#[test]
fn unknown_policy_is_a_positioned_error() {
    let text = common::fixture_text("sandbox-onprem");
    let text = replace(&text, "policies: [gdpr-strict,", "policies: [gdpr-strikt,");
    let line = text.lines().position(|l| l.starts_with("policies:")).unwrap() as u32 + 1;
    let err = simulate(&common::load_text("p.yaml", &text), &Options::default()).unwrap_err();
    let SimError::Invalid { diagnostics, .. } = err else { panic!("{err:?}") };
    assert_eq!(diagnostics[0].line, line);
    assert_eq!(diagnostics[0].path, "policies[0]");
    assert!(diagnostics[0].hint.as_deref().unwrap_or("").contains("gdpr-strict"));
}

#[test]
fn a_policy_that_does_not_compile_names_its_file_and_line() {
    let broken = "package triplane.broken\n\nviolations contains v if {\n  v := \n}\n";
    let err = PolicySet::compile([("assets/policies/broken.rego".to_string(), broken.to_string())])
        .unwrap_err();
    let SimError::PolicyCompile { file, line, .. } = &err else { panic!("{err:?}") };
    assert_eq!(file, "assets/policies/broken.rego");
    assert!((4..=5).contains(line), "the error is on line 4 or 5, got {line}: {err}");
}

#[test]
fn builtin_packs_compile() {
    let set = PolicySet::builtin().unwrap();
    let ids: Vec<&str> = set.ids().collect();
    for id in [
        "gdpr-strict",
        "secnumcloud",
        "oiv-restricted",
        "no-us-inference",
        "orchestration-visibility",
    ] {
        assert!(ids.contains(&id), "missing pack {id}");
    }
}

#[test]
fn zero_days_and_unknown_scenarios_are_refused() {
    let d = common::fixture("hybrid");
    assert!(matches!(
        simulate(&d, &Options { days: 0, ..Options::default() }),
        Err(SimError::Options { .. })
    ));
    let bad = Options { scenario: Some("aliens-land".into()), ..Options::default() };
    assert!(matches!(simulate(&d, &bad), Err(SimError::Options { .. })));
}

#[test]
fn a_day_without_sessions_is_a_clear_error() {
    let text = replace(
        &common::fixture_text("hybrid"),
        "sessions_per_day: 200",
        "sessions_per_day: {dist: poisson, mean: 0.0001}",
    );
    let err = simulate(&common::load_text("h.yaml", &text), &Options::default()).unwrap_err();
    let SimError::Invalid { diagnostics, .. } = err else { panic!("{err:?}") };
    assert_eq!(diagnostics[0].path, "workload.sessions_per_day");
}

#[test]
fn acquisition_scenario_shows_what_changed() {
    let d = common::example("sovereign");
    let ops: Vec<String> = d
        .components
        .iter()
        .flat_map(|c| c.operator_chain.iter().map(|e| e.operator.clone()))
        .collect();
    let target = ops.first().expect("the sovereign example has operators").clone();
    let r = simulate(
        &d,
        &Options { scenario: Some(format!("acquired-by-us:{target}")), ..Options::default() },
    )
    .unwrap();
    let changes = r.changes.expect("a scenario run reports its changes");
    assert!(!changes.cells.is_empty(), "data now enters US jurisdiction");
    assert!(changes.violations.iter().any(|v| v.flows_after > v.flows_before));
}
