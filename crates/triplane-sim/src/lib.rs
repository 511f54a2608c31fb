//! The agent-loop data-flow simulation: which data reaches which jurisdiction, how often, at
//! what latency and cost, and which policy that breaks.
//!
//! [`simulate`] turns a resolved deployment into a [`Plan`](plan::Plan) (the hops of the
//! agent loop found in its links), runs seeded sessions through the [`engine`], folds every
//! flow into the [`aggregate`] counters, and builds the [`SimReport`]: totals, exposure
//! matrix, cycle shares, latency, cost, router misses, scorecard and the violations of the
//! Rego policy packs. Same deployment, options and seed: the same report, byte for byte.
//!
//! This crate does no I/O; policy packs are embedded at build time, deployments arrive
//! resolved. `docs/simulation.md` documents the model, the tables and the JSON shape.

pub mod aggregate;
pub mod compare;
pub mod dist;
pub mod engine;
mod error;
pub mod hist;
pub mod latency;
pub mod plan;
pub mod policy;
pub mod report;
pub mod scenario;
pub mod scorecard;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use triplane_model::Deployment;

pub use error::SimError;
pub use plan::Plan;
pub use policy::{PolicySet, Violation};
pub use report::{ExposureMatrix, SimReport};
pub use scenario::Scenario;

/// The seed when none is given.
pub const DEFAULT_SEED: u64 = 42;
/// Longest simulated period: ten years.
pub const MAX_DAYS: u32 = 3660;
/// Runs expected to simulate more flows than this are refused before starting.
pub const MAX_FLOWS: f64 = 2e10;

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    pub days: u32,
    /// A scenario name (see [`scenario`]).
    pub scenario: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options { seed: DEFAULT_SEED, days: 1, scenario: None }
    }
}

/// Simulates `d` with the built-in policy packs.
pub fn simulate(d: &Deployment, options: &Options) -> Result<SimReport, SimError> {
    simulate_with(d, options, &PolicySet::builtin()?)
}

/// Simulates `d`, evaluating its packs from `policies`.
pub fn simulate_with(
    d: &Deployment,
    options: &Options,
    policies: &PolicySet,
) -> Result<SimReport, SimError> {
    if options.days == 0 || options.days > MAX_DAYS {
        return Err(SimError::Options {
            message: format!("`--days` must be between 1 and {MAX_DAYS}, found {}", options.days),
        });
    }
    let mut packs = d.policies.clone();
    for (i, id) in d.policies.iter().enumerate() {
        if !policies.contains(id) {
            let known: Vec<&str> = policies.ids().collect();
            let hint = triplane_model::yaml::did_you_mean(id, &known).map_or_else(
                || format!("the packs are: {}", known.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(SimError::invalid_hint(
                d,
                &format!("policies[{i}]"),
                format!("unknown policy pack `{id}`"),
                hint,
            ));
        }
    }

    let Some(name) = &options.scenario else {
        return run(d, options, policies, &packs, &Value::Null);
    };
    let scenario = Scenario::parse(name)?;
    for p in scenario.packs() {
        if !packs.iter().any(|x| x == p) && policies.contains(p) {
            packs.push((*p).to_string());
        }
    }
    let changed = scenario.apply(d)?;
    let before = run(d, options, policies, &packs, &Value::Null)?;
    let mut after = run(&changed, options, policies, &packs, &scenario.policy_input())?;
    after.scenario = Some(scenario.name());
    after.changes = Some(scenario::diff(&before, &after));
    Ok(after)
}

fn run(
    d: &Deployment,
    options: &Options,
    policies: &PolicySet,
    packs: &[String],
    scenario: &Value,
) -> Result<SimReport, SimError> {
    let plan = Plan::new(d)?;
    let expected = plan.workload.sessions_per_day.mean().min(plan::MAX_SESSIONS_PER_DAY)
        * f64::from(options.days)
        * plan.expected_flows_per_session();
    if expected > MAX_FLOWS {
        return Err(SimError::TooLarge { flows: expected, limit: MAX_FLOWS });
    }

    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut agg = aggregate::Aggregator::new(&plan);
    for _ in 0..options.days {
        let sessions = plan.workload.sessions_per_day.draw(&mut rng);
        for _ in 0..sessions {
            engine::run_session(&plan, &mut rng, &mut agg);
        }
    }
    if agg.sessions == 0 {
        return Err(SimError::invalid_hint(
            d,
            "workload.sessions_per_day",
            format!("the workload drew no session in {} day(s)", options.days),
            "simulate more days (`--days`), or raise `sessions_per_day`".into(),
        ));
    }
    agg.finish();

    let built = report::build(d, &plan, &agg, options.days);
    let violations = policies.evaluate(packs, d, &built.flows, scenario)?;
    Ok(SimReport {
        deployment: report::DeploymentRef {
            name: d.name.clone(),
            file: d.file.clone(),
            hash: d.hash.clone(),
        },
        seed: options.seed,
        days: options.days,
        scenario: None,
        assumptions: plan.assumptions.clone(),
        totals: built.totals,
        matrix: built.matrix,
        cycle_share: built.cycle_share,
        latency: built.latency,
        cost: built.cost,
        scorecard: scorecard::scorecard(d),
        router: built.router,
        policies: packs.to_vec(),
        violations,
        flows: built.flows,
        changes: None,
    })
}

/// Runs `sessions` sessions and returns every flow, for tests and the app's session diagram.
pub fn trace(d: &Deployment, seed: u64, sessions: u64) -> Result<(Plan, engine::Trace), SimError> {
    let plan = Plan::new(d)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut t = engine::Trace::default();
    for _ in 0..sessions {
        engine::run_session(&plan, &mut rng, &mut t);
    }
    Ok((plan, t))
}
