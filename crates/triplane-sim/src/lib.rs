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
pub mod session;

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
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
    /// The router classifier's miss rates per data class, measured by a classification run;
    /// they replace the file's two rates for the classes they name.
    pub class_miss_rates: Vec<plan::ClassMissRates>,
}

impl Default for Options {
    fn default() -> Options {
        Options { seed: DEFAULT_SEED, days: 1, scenario: None, class_miss_rates: Vec::new() }
    }
}

/// How far a run has got, as handed to the `progress` callback of [`simulate_controlled`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Progress {
    /// Sessions simulated so far. A scenario runs the deployment twice (before and after),
    /// and this counts the sessions of both runs.
    pub sessions: u64,
    /// Share of the work done, from 0 to 1. It never decreases, and the last call of a run
    /// that was not cancelled has exactly 1.
    pub fraction: f64,
}

/// Sessions between two looks at the cancel flag. A session is a few hundred flows at most
/// in the bundled examples, so a cancel is seen within about a millisecond, and one relaxed
/// atomic load per this many sessions costs nothing measurable.
pub const CHECK_EVERY_SESSIONS: u64 = 256;

/// A cancel flag and a progress callback for a long run.
pub struct Control<'a> {
    cancel: &'a AtomicBool,
    progress: &'a mut dyn FnMut(Progress),
    /// Runs this simulation makes (two with a scenario) and the index of the current one.
    runs: u32,
    run: u32,
    sessions: u64,
    /// Last fraction reported, in thousandths, so the callback runs about a thousand times
    /// per simulation at most, however many sessions it has.
    reported: u32,
}

impl<'a> Control<'a> {
    pub fn new(cancel: &'a AtomicBool, progress: &'a mut dyn FnMut(Progress)) -> Control<'a> {
        Control { cancel, progress, runs: 1, run: 0, sessions: 0, reported: u32::MAX }
    }

    fn check(&self) -> Result<(), SimError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(SimError::Cancelled);
        }
        Ok(())
    }

    /// Looks at the cancel flag and reports progress: `day` of `days` of the current run,
    /// with `done` of that day's `today` sessions simulated.
    fn step(&mut self, day: u32, days: u32, done: u64, today: u64) -> Result<(), SimError> {
        self.check()?;
        let in_day = if today == 0 { 0.0 } else { done as f64 / today as f64 };
        let in_run = (f64::from(day) + in_day) / f64::from(days.max(1));
        let fraction = ((f64::from(self.run) + in_run) / f64::from(self.runs)).clamp(0.0, 1.0);
        let thousandths = (fraction * 1000.0) as u32;
        if thousandths != self.reported {
            self.reported = thousandths;
            (self.progress)(Progress { sessions: self.sessions, fraction });
        }
        Ok(())
    }

    fn done(&mut self) {
        (self.progress)(Progress { sessions: self.sessions, fraction: 1.0 });
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
    let never = AtomicBool::new(false);
    let mut ignore = |_: Progress| {};
    simulate_controlled(d, options, policies, &mut Control::new(&never, &mut ignore))
}

/// Simulates `d` like [`simulate_with`], and can be stopped and followed while it runs.
///
/// The run looks at `control`'s cancel flag every [`CHECK_EVERY_SESSIONS`] sessions, between
/// the two runs of a scenario and before evaluating the policies; once the flag is set it
/// returns [`SimError::Cancelled`] and no partial report. Progress goes to the callback from
/// the thread that runs the simulation, at most about a thousand times per call, with a
/// fraction that never decreases and ends at exactly 1 when the run completes. The callback
/// should be quick (forward the value, do not render): the engine waits for it. The report
/// is the same, byte for byte, as [`simulate_with`]'s for the same inputs.
pub fn simulate_controlled(
    d: &Deployment,
    options: &Options,
    policies: &PolicySet,
    control: &mut Control<'_>,
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
        let report = run(d, options, policies, &packs, &Value::Null, control)?;
        control.done();
        return Ok(report);
    };
    let scenario = Scenario::parse(name)?;
    for p in scenario.packs() {
        if !packs.iter().any(|x| x == p) && policies.contains(p) {
            packs.push((*p).to_string());
        }
    }
    let changed = scenario.apply(d)?;
    control.runs = 2;
    let before = run(d, options, policies, &packs, &Value::Null, control)?;
    control.run = 1;
    let mut after = run(&changed, options, policies, &packs, &scenario.policy_input(), control)?;
    control.done();
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
    control: &mut Control<'_>,
) -> Result<SimReport, SimError> {
    let mut plan = Plan::new(d)?;
    plan.set_class_miss_rates(&options.class_miss_rates);
    let expected = plan.workload.sessions_per_day.mean().min(plan::MAX_SESSIONS_PER_DAY)
        * f64::from(options.days)
        * plan.expected_flows_per_session();
    if expected > MAX_FLOWS {
        return Err(SimError::TooLarge { flows: expected, limit: MAX_FLOWS });
    }

    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut agg = aggregate::Aggregator::new(&plan);
    for day in 0..options.days {
        let sessions = plan.workload.sessions_per_day.draw(&mut rng);
        let mut done = 0;
        while done < sessions {
            control.step(day, options.days, done, sessions)?;
            let batch = (sessions - done).min(CHECK_EVERY_SESSIONS);
            for _ in 0..batch {
                engine::run_session(&plan, &mut rng, &mut agg);
            }
            done += batch;
            control.sessions += batch;
        }
    }
    control.check()?;
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
