//! `simulate` and `compare`: argument parsing and printing over `triplane_api::simulation`.

use std::collections::BTreeMap;
use std::fmt::Write;

use clap::Args;
use triplane_api::simulation::{self, Options, DEFAULT_SEED};
use triplane_api::ApiError;
use triplane_sim::compare::Comparison;
use triplane_sim::SimReport;

use crate::output::{self, out, outln};

#[derive(Args)]
pub struct SimulateArgs {
    /// A deployment file (or `example:NAME`).
    file: String,
    /// Seed of the random draws; the same seed gives the same output, byte for byte.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Days to simulate (1 to 3660).
    #[arg(long, default_value_t = 1)]
    days: u32,
    /// A stress scenario: dpf-annulled, loses-secnumcloud:ID, acquired-by-us:OPERATOR.
    #[arg(long)]
    scenario: Option<String>,
    /// Print the report as JSON (documented in docs/simulation.md).
    #[arg(long)]
    json: bool,
    /// Exit with 1 when a policy is violated.
    #[arg(long)]
    fail_on_violations: bool,
    /// Database of benchmark runs: a router classifier whose component is a candidate with a
    /// classification run takes its error rates from the latest such run.
    #[arg(long)]
    db: Option<std::path::PathBuf>,
    /// Print the run's representative session instead of the report: every hop of the session
    /// with the median flow count on the first simulated day (docs/simulation.md).
    #[arg(long, conflicts_with_all = ["db", "fail_on_violations"])]
    trace_session: bool,
}

pub fn simulate(args: SimulateArgs) -> Result<u8, ApiError> {
    if args.trace_session {
        return trace_session(&args);
    }
    let options =
        Options { seed: args.seed, days: args.days, scenario: args.scenario, ..Options::default() };
    let (report, measured, latencies) = match &args.db {
        Some(db) => simulation::simulate_with_store(&args.file, &options, db)?,
        None => (simulation::simulate(&args.file, &options)?, None, vec![]),
    };
    if args.json {
        // The report's keys stay as documented; the measured classifier is one more key.
        let mut value = serde_json::to_value(&report)
            .map_err(|e| ApiError::runtime(format!("cannot write JSON: {e}")))?;
        if let (Some(m), Some(obj)) = (&measured, value.as_object_mut()) {
            obj.insert("measured_classifier".into(), serde_json::to_value(m).unwrap_or_default());
        }
        if let (false, Some(obj)) = (latencies.is_empty(), value.as_object_mut()) {
            obj.insert(
                "measured_latency".into(),
                serde_json::to_value(&latencies).unwrap_or_default(),
            );
        }
        output::json(&value)?;
    } else {
        if let Some(m) = &measured {
            outln!(
                "classifier `{}`: false-negative rate {:.1} %, false-positive rate {:.1} % from \
                 classification run {} (the file said {:.1} % and {:.1} %)",
                m.component,
                m.measured.router.false_negative_rate * 100.0,
                m.measured.router.false_positive_rate * 100.0,
                m.measured.run_id,
                m.file_false_negative_rate * 100.0,
                m.file_false_positive_rate * 100.0,
            );
            for c in &m.measured.per_class_router {
                outln!(
                    "  {}: {:.1} % labelled less sensitive, {:.1} % more sensitive or unplaced \
                     ({} samples)",
                    c.label,
                    c.false_negative_rate * 100.0,
                    c.false_positive_rate * 100.0,
                    c.support
                );
            }
        }
        for l in &latencies {
            outln!(
                "model `{}`: TTFT {:.1} ms, {:.1} output tok/s (p50) from latency run {}",
                l.component,
                l.measured.ttft_ms,
                l.measured.output_tokens_per_s,
                l.measured.run_id
            );
        }
        out!("{}", render_report(&report));
    }
    Ok(u8::from(args.fail_on_violations && !report.violations.is_empty()))
}

fn trace_session(args: &SimulateArgs) -> Result<u8, ApiError> {
    let options = Options {
        seed: args.seed,
        days: args.days,
        scenario: args.scenario.clone(),
        ..Options::default()
    };
    let trace = triplane_api::simulation_run::trace_session(&args.file, &options)?;
    if args.json {
        output::json(&trace)?;
    } else {
        out!("{}", render_session(&trace));
    }
    Ok(0)
}

/// The representative session as text: the lanes, then one line per hop.
pub fn render_session(t: &triplane_sim::session::SessionTrace) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}  seed {}: session {} of {} on day {} ({}); {} turns, {} cycles, {} flows",
        t.deployment,
        t.seed,
        t.session,
        t.sessions_in_day,
        t.day,
        t.rule,
        t.turns,
        t.cycles,
        t.hops.len()
    );
    for c in &t.components {
        let _ =
            writeln!(o, "  {:<14} {:<24} {}", c.plane.as_str(), c.id, c.jurisdictions.join(", "));
    }
    let _ = writeln!(o, "\n  step cycle  hop  classes → jurisdictions  tokens  bytes");
    for h in &t.hops {
        let _ = writeln!(
            o,
            "  {:>4} {:>5}  {} → {}  {} → {}  {} tok  {} B{}",
            h.step,
            h.cycle,
            h.from,
            h.to,
            h.classes.join(", "),
            h.jurisdictions.join(", "),
            h.tokens,
            h.bytes,
            if h.misrouted { "  misrouted" } else { "" }
        );
    }
    o
}

#[derive(Args)]
pub struct CompareArgs {
    /// Two or more deployment files (or `example:NAME`).
    #[arg(required = true, num_args = 2..)]
    files: Vec<String>,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    #[arg(long, default_value_t = 1)]
    days: u32,
    /// Print the comparison as JSON (documented in docs/simulation.md).
    #[arg(long)]
    json: bool,
}

pub fn compare(args: CompareArgs) -> Result<u8, ApiError> {
    let options = Options { seed: args.seed, days: args.days, ..Options::default() };
    let comparison = simulation::compare(&args.files, &options)?;
    if args.json {
        output::json(&comparison)?;
    } else {
        out!("{}", render_comparison(&comparison));
    }
    Ok(0)
}

fn pct(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

fn money(m: &BTreeMap<String, f64>, places: usize) -> String {
    if m.is_empty() {
        return "unpriced".into();
    }
    m.iter().map(|(c, v)| format!("{v:.places$} {c}")).collect::<Vec<_>>().join(" + ")
}

/// The plain-text report: scorecard, matrix, cycle shares, latency, cost, router, violations.
pub fn render_report(r: &SimReport) -> String {
    let mut o = String::new();
    let t = &r.totals;
    let _ = writeln!(o, "{}  ({})", r.deployment.name, r.deployment.file);
    let _ = writeln!(
        o,
        "seed {}, {} day(s): {} sessions, {} turns, {} cycles, {} tool calls, {} flows",
        r.seed, r.days, t.sessions, t.turns, t.cycles, t.tool_calls, t.flows
    );
    if let Some(s) = &r.scenario {
        let _ = writeln!(o, "scenario: {s}");
    }
    for a in &r.assumptions {
        let _ = writeln!(o, "assumed: {a}");
    }

    let _ = writeln!(o, "\nSCORECARD");
    for p in r.scorecard.planes.iter().chain(std::iter::once(&r.scorecard.overall)) {
        let _ = writeln!(
            o,
            "  {:<14} {}  exposure {:<11} visibility {:<20} jurisdictions {}",
            p.plane,
            p.grade,
            p.exposure.as_str(),
            p.visibility,
            p.jurisdictions.join(", ")
        );
        if p.plane != "overall" && !p.sites.is_empty() {
            let _ = writeln!(o, "  {:<14}    runs at {}", "", p.sites.join("; "));
        }
    }

    let _ = writeln!(o, "\nEXPOSURE MATRIX (tokens entering; p50/p95 per session)");
    let _ = write!(o, "  {:<14}", "class");
    for j in &r.matrix.jurisdictions {
        let _ = write!(o, " {j:>24}");
    }
    let _ = writeln!(o);
    for class in &r.matrix.classes {
        let _ = write!(o, "  {class:<14}");
        for j in &r.matrix.jurisdictions {
            let cell = r.matrix.cell(class, j);
            let text = cell.map_or("-".to_string(), |c| {
                if c.tokens == 0 {
                    "-".into()
                } else {
                    format!(
                        "{} ({}/{})",
                        c.tokens, c.tokens_per_session.p50, c.tokens_per_session.p95
                    )
                }
            });
            let _ = write!(o, " {text:>24}");
        }
        let _ = writeln!(o);
    }

    let _ = writeln!(o, "\nCYCLES ENTERING EACH JURISDICTION");
    for s in r.cycle_share.iter().filter(|s| s.cycles > 0) {
        let _ = writeln!(o, "  {:<14} {:<4} {:>8}", s.plane, s.jurisdiction, pct(s.share));
    }

    let l = &r.latency;
    let _ = writeln!(o, "\nLATENCY (ms)         mean      p5     p50     p95");
    for (name, s) in [("cycle", &l.cycle_ms), ("session", &l.session_ms)] {
        let _ =
            writeln!(o, "  {name:<14} {:>9.0} {:>7.0} {:>7.0} {:>7.0}", s.mean, s.p5, s.p50, s.p95);
    }
    if !l.assumed.is_empty() {
        let _ = writeln!(o, "  default figures for: {}", l.assumed.join(", "));
    }

    let _ = writeln!(o, "\nCOST");
    let _ = writeln!(o, "  per session    {}", money(&r.cost.per_session, 4));
    let _ = writeln!(o, "  per month      {}", money(&r.cost.per_month, 2));
    for line in &r.cost.lines {
        let _ = writeln!(
            o,
            "    {:<24} {:<12} {:.2} {}/month",
            line.component, line.basis, line.per_month, line.currency
        );
    }
    if !r.cost.unpriced.is_empty() {
        let _ = writeln!(o, "  unpriced: {}", r.cost.unpriced.join(", "));
    }

    if let Some(router) = &r.router {
        let _ = writeln!(
            o,
            "\nROUTER MISSES (false negatives {}, false positives {}; {} routed calls)",
            router.false_negative_rate, router.false_positive_rate, router.routed_calls
        );
        let _ = writeln!(
            o,
            "  leaked: calls that took the class to a less protected route than its own; \
             over-protected: calls sent to a more protected route than needed (a cost, not a leak)"
        );
        for c in &router.classes {
            let _ = writeln!(
                o,
                "  {:<14} of {} calls: leaked {} ({:.1}/day, {:.0}/year, {:.0} tokens/year); \
                 over-protected {} ({:.1}/day, {:.0}/year)",
                c.class,
                c.requests,
                c.to_less_sensitive,
                c.leaked_per_day.requests,
                c.leaked_per_year.requests,
                c.leaked_per_year.tokens,
                c.to_more_sensitive,
                c.over_protected_per_day.requests,
                c.over_protected_per_year.requests,
            );
        }
    }

    let _ = writeln!(o, "\nVIOLATIONS ({} packs: {})", r.policies.len(), r.policies.join(", "));
    if r.violations.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for v in &r.violations {
        let _ = writeln!(o, "  {}/{}: {} ({} flows)", v.policy, v.rule, v.message, v.flows);
        let _ = writeln!(
            o,
            "    e.g. {} carrying {} into {}",
            v.proof.hop,
            v.proof.classes.join("+"),
            if v.proof.jurisdiction.is_empty() { "?" } else { &v.proof.jurisdiction }
        );
    }

    if let Some(c) = &r.changes {
        let _ = writeln!(o, "\nWHAT THE SCENARIO CHANGED");
        for g in &c.grades {
            let _ = writeln!(o, "  grade {}: {} → {}", g.plane, g.before, g.after);
        }
        for v in &c.violations {
            let _ = writeln!(
                o,
                "  {}/{}: {} → {} flows",
                v.policy, v.rule, v.flows_before, v.flows_after
            );
        }
        for cell in &c.cells {
            let _ = writeln!(
                o,
                "  {} into {}: {} → {} tokens",
                cell.class, cell.jurisdiction, cell.tokens_before, cell.tokens_after
            );
        }
        if c.grades.is_empty() && c.violations.is_empty() && c.cells.is_empty() {
            let _ = writeln!(o, "  nothing");
        }
    }
    o
}

/// Variants side by side, one column each.
pub fn render_comparison(c: &Comparison) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let col = |f: &dyn Fn(&triplane_sim::compare::Variant) -> String| -> Vec<String> {
        c.variants.iter().map(f).collect()
    };
    // Columns are headed by the file's stem; the full names follow the table, so a long name
    // does not widen every column.
    let stem = |v: &triplane_sim::compare::Variant| {
        let file = v.file.strip_prefix("example:").unwrap_or(&v.file);
        std::path::Path::new(file)
            .file_stem()
            .map_or_else(|| file.to_owned(), |s| s.to_string_lossy().into_owned())
    };
    rows.push(("variant".into(), col(&stem)));
    let mut planes: Vec<&String> = c.variants.iter().flat_map(|v| v.grades.keys()).collect();
    planes.sort();
    planes.dedup();
    for p in planes {
        rows.push((
            format!("grade {p}"),
            col(&|v| v.grades.get(p).map_or("-".into(), |g| g.to_string())),
        ));
    }
    let mut jurs: Vec<&String> = c.variants.iter().flat_map(|v| v.cycles_entering.keys()).collect();
    jurs.sort();
    jurs.dedup();
    for j in &jurs {
        rows.push((
            format!("cycles into {j}"),
            col(&|v| v.cycles_entering.get(*j).map_or("-".into(), |s| pct(*s))),
        ));
    }
    for j in &jurs {
        rows.push((
            format!("personal tokens into {j}"),
            col(&|v| v.personal_tokens.get(*j).map_or("-".into(), |t| t.to_string())),
        ));
    }
    rows.push((
        "violations (flows)".into(),
        col(&|v| format!("{} ({})", v.violations, v.violating_flows)),
    ));
    rows.push(("cycle p50 ms".into(), col(&|v| format!("{:.0}", v.cycle_ms.p50))));
    rows.push(("session p50 ms".into(), col(&|v| format!("{:.0}", v.session_ms.p50))));
    rows.push(("cost/session".into(), col(&|v| money(&v.cost_per_session, 4))));
    rows.push(("cost/month".into(), col(&|v| money(&v.cost_per_month, 2))));

    let width = rows.iter().flat_map(|r| r.1.iter().map(|c| c.chars().count())).max().unwrap_or(10);
    let mut o = format!("seed {}, {} day(s)\n", c.seed, c.days);
    for (label, cells) in rows {
        let _ = write!(o, "{label:<26}");
        for cell in cells {
            let _ = write!(o, " {cell:<width$}");
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o);
    for v in &c.variants {
        let _ = writeln!(o, "{}: {} ({})", stem(v), v.name, v.file);
        if !v.violated_rules.is_empty() {
            let _ = writeln!(o, "  violates {}", v.violated_rules.join(", "));
        }
    }
    o
}
