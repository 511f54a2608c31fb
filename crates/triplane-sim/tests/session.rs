//! The representative session: a session of the run itself (the same random stream as
//! `simulate`), the one with the median flow count, and for a constant workload exactly the
//! golden trace of `proof.rs` with its turns and cycles.

mod common;

use std::sync::atomic::AtomicBool;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use triplane_sim::engine::{run_session, Flow, Sink};
use triplane_sim::session::representative;
use triplane_sim::{simulate, Options, Plan, SimError};

/// Every session of the first day, kept whole, drawn the way `simulate` draws them.
#[derive(Default)]
struct Sessions {
    current: Vec<Flow>,
    all: Vec<Vec<Flow>>,
}

impl Sink for Sessions {
    fn flow(&mut self, f: Flow) {
        self.current.push(f);
    }
    fn session_end(&mut self, _: f64) {
        self.all.push(std::mem::take(&mut self.current));
    }
}

fn first_day(d: &triplane_model::Deployment, seed: u64) -> (Plan, Vec<Vec<Flow>>) {
    let plan = Plan::new(d).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = plan.workload.sessions_per_day.draw(&mut rng);
    let mut s = Sessions::default();
    for _ in 0..n {
        run_session(&plan, &mut rng, &mut s);
    }
    (plan, s.all)
}

#[test]
fn the_hybrid_session_is_the_runs_median_session() {
    let d = common::example("hybrid");
    let never = AtomicBool::new(false);
    let options = Options { seed: 42, ..Options::default() };
    let trace = representative(&d, &options, &never).unwrap();

    let (plan, sessions) = first_day(&d, 42);
    let total: usize = sessions.iter().map(Vec::len).sum();
    let report = simulate(&d, &options).unwrap();
    assert_eq!(total as u64, report.totals.flows, "the sessions replayed here are the run's");
    assert_eq!(sessions.len() as u64, trace.sessions_in_day);

    let mut counts: Vec<usize> = sessions.iter().map(Vec::len).collect();
    counts.sort_unstable();
    let median = counts[(counts.len() - 1) / 2];
    assert_eq!(trace.hops.len(), median, "the session has the median flow count");
    let index = sessions.iter().position(|s| s.len() == median).unwrap();
    assert_eq!(trace.session, index as u64 + 1, "the earliest session with that count");

    let expected: Vec<(String, String, u64)> = sessions[index]
        .iter()
        .map(|f| {
            let hop = &plan.hops[f.hop as usize];
            (plan.nodes[hop.from].id.clone(), plan.nodes[hop.to].id.clone(), f.tokens)
        })
        .collect();
    let got: Vec<(String, String, u64)> =
        trace.hops.iter().map(|h| (h.from.clone(), h.to.clone(), h.tokens)).collect();
    assert_eq!(got, expected, "hop for hop, in order");

    assert_eq!(trace, representative(&d, &options, &never).unwrap(), "same seed, same session");
}

#[test]
fn a_constant_session_numbers_its_turns_and_cycles() {
    let mut d = common::example("self-hosted-sandbox");
    d.workload = Some(common::constant_workload(1.0, 2.0, "personal", "confidential"));
    let trace = representative(&d, &Options::default(), &AtomicBool::new(false)).unwrap();

    // The golden trace of proof.rs: cycles end after hops 7, 13 and 16.
    let cycles: Vec<u32> = trace.hops.iter().map(|h| h.cycle).collect();
    let mut expected = vec![1; 7];
    expected.extend([2; 6]);
    expected.extend([3; 3]);
    assert_eq!(cycles, expected);
    assert!(trace.hops.iter().all(|h| h.turn == 1), "one turn");
    assert_eq!((trace.turns, trace.cycles), (1, 3));
    assert_eq!(trace.hops[0].from, "agents");
    assert_eq!(trace.hops[1].to, "claude");
    assert_eq!(trace.hops[1].jurisdictions, vec!["US".to_string()], "Claude's API is US");
    assert_eq!(trace.hops[5].bytes, 1600, "400 tokens at 4 bytes each");

    let lanes: Vec<String> =
        trace.components.iter().map(|c| c.plane.as_str().to_string()).collect();
    let mut sorted = lanes.clone();
    let order = ["users", "orchestration", "inference", "connectivity", "execution"];
    sorted.sort_by_key(|p| order.iter().position(|o| o == p));
    assert_eq!(lanes, sorted, "components come in lane order");
}

#[test]
fn a_set_cancel_flag_stops_the_trace() {
    let d = common::example("hybrid");
    let e = representative(&d, &Options::default(), &AtomicBool::new(true)).unwrap_err();
    assert!(matches!(e, SimError::Cancelled), "{e}");
}
