//! The representative session of a run: one session picked by a fixed rule, with every hop in
//! the order the engine sent it. The app draws it as a sequence diagram and
//! `triplane simulate --trace-session` prints it.
//!
//! The rule: take the first simulated day that has sessions, drawn exactly as [`crate::simulate`]
//! draws it for the same seed (so the session is one of the run's, not a separate draw); count
//! the flows of each of its sessions; pick the session whose count is the lower median of
//! those counts, the earliest in the day among sessions with that count. The median, not the
//! mean or the largest, so the picture is of an ordinary session rather than an outlier, and
//! always of a session that really happened in the run. Same deployment, seed and scenario:
//! the same session, hop for hop.
//!
//! Two passes over that one day: the first counts flows per session, the second replays the
//! same random stream up to the chosen session and keeps its hops. No flow of other sessions
//! is kept, so memory stays small whatever the workload.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use triplane_model::{ComponentKind, Deployment, Plane};

use crate::engine::{run_session, Flow, Sink};
use crate::{Options, Plan, Scenario, SimError, CHECK_EVERY_SESSIONS, MAX_DAYS};

/// The representative session, as `simulate --trace-session --json` prints it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionTrace {
    pub deployment: String,
    pub seed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The simulated day the session belongs to, from 1.
    pub day: u32,
    /// Its position among that day's sessions, from 1.
    pub session: u64,
    pub sessions_in_day: u64,
    /// How it was picked, in words.
    pub rule: &'static str,
    pub turns: u32,
    pub cycles: u32,
    /// The components the session's hops touch, in lane order (users, orchestration,
    /// inference, connectivity, execution), then in the file's order within a lane.
    pub components: Vec<SessionComponent>,
    /// Every hop, in order.
    pub hops: Vec<SessionHop>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionComponent {
    pub id: String,
    pub plane: Plane,
    pub kind: ComponentKind,
    pub jurisdictions: Vec<String>,
}

/// One flow of the session: one hop of one payload.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionHop {
    /// Position in the session, from 1.
    pub step: u32,
    /// Turn and cycle (counted over the whole session) the hop belongs to, from 1.
    pub turn: u32,
    pub cycle: u32,
    pub from: String,
    pub to: String,
    pub classes: Vec<String>,
    /// Jurisdictions the hop enters: those of the receiving component.
    pub jurisdictions: Vec<String>,
    pub tokens: u64,
    pub bytes: u64,
    /// A router → model hop (or back) of a request the classifier sent the wrong way.
    pub misrouted: bool,
}

pub const RULE: &str = "first simulated day with sessions; the session with the median flow \
                        count (lower median, earliest on ties)";

/// Picks and traces the representative session of `d` simulated with `options` (a scenario,
/// when named, is applied first, as `simulate` reports it). `cancel` is looked at every
/// [`CHECK_EVERY_SESSIONS`] sessions, as in [`crate::simulate_controlled`].
pub fn representative(
    d: &Deployment,
    options: &Options,
    cancel: &AtomicBool,
) -> Result<SessionTrace, SimError> {
    if options.days == 0 || options.days > MAX_DAYS {
        return Err(SimError::Options {
            message: format!("`--days` must be between 1 and {MAX_DAYS}, found {}", options.days),
        });
    }
    let changed;
    let d = match &options.scenario {
        Some(name) => {
            changed = Scenario::parse(name)?.apply(d)?;
            &changed
        }
        None => d,
    };
    let plan = Plan::new(d)?;

    // The same stream as `simulate`: one draw of the day's sessions, then the sessions.
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut found = None;
    for day in 1..=options.days {
        let sessions = plan.workload.sessions_per_day.draw(&mut rng);
        if sessions > 0 {
            found = Some((day, sessions));
            break;
        }
    }
    let Some((day, sessions)) = found else {
        return Err(SimError::invalid_hint(
            d,
            "workload.sessions_per_day",
            format!("the workload drew no session in {} day(s)", options.days),
            "simulate more days (`--days`), or raise `sessions_per_day`".into(),
        ));
    };
    let day_start = rng.clone();

    let mut counter = Counter::default();
    run_checked(&plan, &mut rng, &mut counter, sessions, cancel)?;
    let chosen = median_session(&counter.counts);

    let mut rng = day_start;
    let mut recorder = Recorder { target: chosen, ..Recorder::default() };
    run_checked(&plan, &mut rng, &mut recorder, chosen + 1, cancel)?;

    Ok(build(d, &plan, options, day, chosen, sessions, &recorder))
}

/// Index of the session with the lower-median flow count, the earliest among equals.
fn median_session(counts: &[u64]) -> u64 {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let Some(&median) = sorted.get(counts.len().saturating_sub(1) / 2) else { return 0 };
    counts.iter().position(|&n| n == median).map_or(0, |i| i as u64)
}

fn run_checked<S: Sink>(
    plan: &Plan,
    rng: &mut ChaCha8Rng,
    sink: &mut S,
    sessions: u64,
    cancel: &AtomicBool,
) -> Result<(), SimError> {
    let mut done = 0;
    while done < sessions {
        if cancel.load(Ordering::Relaxed) {
            return Err(SimError::Cancelled);
        }
        let batch = (sessions - done).min(CHECK_EVERY_SESSIONS);
        for _ in 0..batch {
            run_session(plan, rng, sink);
        }
        done += batch;
    }
    Ok(())
}

/// Flows per session.
#[derive(Default)]
struct Counter {
    current: u64,
    counts: Vec<u64>,
}

impl Sink for Counter {
    fn flow(&mut self, _: Flow) {
        self.current += 1;
    }
    fn session_end(&mut self, _: f64) {
        self.counts.push(self.current);
        self.current = 0;
    }
}

/// The hops of session `target`, with their turn and cycle.
#[derive(Default)]
struct Recorder {
    target: u64,
    session: u64,
    turn: u32,
    cycle: u32,
    hops: Vec<(Flow, u32, u32)>,
}

impl Sink for Recorder {
    fn flow(&mut self, f: Flow) {
        if self.session == self.target {
            self.hops.push((f, self.turn, self.cycle + 1));
        }
    }
    fn turn(&mut self) {
        self.turn += 1;
    }
    fn cycle_end(&mut self, _: f64) {
        self.cycle += 1;
    }
    fn session_end(&mut self, _: f64) {
        if self.session != self.target {
            self.turn = 0;
            self.cycle = 0;
        }
        self.session += 1;
    }
}

fn names(all: &[String], bits: u64) -> Vec<String> {
    (0..all.len()).filter(|i| bits >> i & 1 == 1).map(|i| all[i].clone()).collect()
}

fn build(
    d: &Deployment,
    plan: &Plan,
    options: &Options,
    day: u32,
    chosen: u64,
    sessions: u64,
    r: &Recorder,
) -> SessionTrace {
    let classes: Vec<String> = plan.classes.iter().map(|c| c.id.clone()).collect();
    let bpt = plan.workload.bytes_per_token;
    let hops: Vec<SessionHop> = r
        .hops
        .iter()
        .enumerate()
        .map(|(i, (f, turn, cycle))| {
            let hop = &plan.hops[f.hop as usize];
            let to = &plan.nodes[hop.to];
            SessionHop {
                step: u32::try_from(i + 1).unwrap_or(u32::MAX),
                turn: *turn,
                cycle: *cycle,
                from: plan.nodes[hop.from].id.clone(),
                to: to.id.clone(),
                classes: names(&classes, f.classes),
                jurisdictions: names(&plan.jurisdictions, to.jurisdictions),
                tokens: f.tokens,
                // The same rounding as the report's byte figures.
                bytes: (f.tokens as f64 * bpt).round() as u64,
                misrouted: f.misrouted,
            }
        })
        .collect();

    let mut touched = vec![false; plan.nodes.len()];
    for (f, _, _) in &r.hops {
        let hop = &plan.hops[f.hop as usize];
        touched[hop.from] = true;
        touched[hop.to] = true;
    }
    let mut components = Vec::new();
    for lane in Plane::ALL {
        for (i, n) in plan.nodes.iter().enumerate() {
            if touched[i] && n.plane == lane {
                components.push(SessionComponent {
                    id: n.id.clone(),
                    plane: n.plane,
                    kind: n.kind,
                    jurisdictions: names(&plan.jurisdictions, n.jurisdictions),
                });
            }
        }
    }

    SessionTrace {
        deployment: d.file.clone(),
        seed: options.seed,
        scenario: options.scenario.clone(),
        day,
        session: chosen + 1,
        sessions_in_day: sessions,
        rule: RULE,
        turns: r.turn,
        cycles: r.cycle,
        components,
        hops,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_lower_one_and_the_earliest_on_ties() {
        assert_eq!(median_session(&[5]), 0);
        assert_eq!(median_session(&[9, 3, 5]), 2, "sorted 3 5 9: the middle is session 2");
        assert_eq!(median_session(&[4, 8, 2, 6]), 0, "sorted 2 4 6 8: the lower middle is 4");
        assert_eq!(median_session(&[7, 7, 7]), 0, "equal counts: the earliest");
        assert_eq!(median_session(&[5, 1, 5, 9]), 0, "sorted 1 5 5 9: the first session of 5");
        assert_eq!(median_session(&[]), 0);
    }
}
