//! Property tests over random workloads: tokens are conserved, no class appears from
//! nowhere, and the matrix totals equal the flows.

mod common;

use proptest::prelude::*;
use triplane_model::{Deployment, DistSpec};
use triplane_sim::aggregate::Aggregator;
use triplane_sim::engine::{run_session, Sink};
use triplane_sim::Plan;

fn deployment(turns: f64, tools: f64, prompt: f64, result: f64) -> Deployment {
    let mut d = common::fixture("sandbox-onprem");
    let w = d.workload.as_mut().unwrap();
    w.turns_per_session = DistSpec::Constant(turns);
    w.tool_calls_per_turn = DistSpec::Constant(tools);
    w.tokens.prompt = DistSpec::Constant(prompt);
    w.tokens.tool_result = DistSpec::Constant(result);
    d
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn tokens_are_conserved_and_classes_come_from_inputs(
        seed in 0u64..1000, turns in 1.0f64..5.0, tools in 0.0f64..4.0, prompt in 0.0f64..500.0, result in 0.0f64..900.0
    ) {
        let d = deployment(turns.round(), tools.round(), prompt.round(), result.round());
        // One session: the context starts empty with each session.
        let (plan, trace) = triplane_sim::trace(&d, seed, 1).unwrap();
        let orch = plan.orchestrator;
        let mut context_tokens = 0u64;
        let mut context_classes = 0u64;
        for f in &trace.flows {
            let hop = &plan.hops[f.hop as usize];
            let (from, to) = (&plan.nodes[hop.from], &plan.nodes[hop.to]);
            let _ = to.kind;
            use triplane_model::ComponentKind::*;
            // A request to the model carries exactly the context built so far.
            if from.kind == Orchestrator && to.kind == ModelEndpoint {
                prop_assert_eq!(f.tokens, context_tokens, "context tokens = inputs so far");
                prop_assert_eq!(f.classes, context_classes, "context classes = inputs so far");
            }
            // Every payload arriving at the orchestrator becomes context, except the model's
            // answer, which the users receive (and which is counted when it arrives).
            if hop.to == orch {
                context_tokens += f.tokens;
                context_classes |= f.classes;
            }
            // No class from nowhere: a flow leaving the orchestrator carries only classes
            // that reached it before.
            if hop.from == orch {
                prop_assert_eq!(f.classes & !context_classes, 0, "class from nowhere");
            }
            // A data store answers with the drawn result class only.
            if from.kind == DataStore {
                prop_assert_eq!(f.classes.count_ones(), 1);
            }
        }
    }

    #[test]
    fn matrix_totals_equal_the_flows(seed in 0u64..1000, sessions in 1u64..20) {
        let d = deployment(3.0, 2.0, 100.0, 300.0);
        let plan = Plan::new(&d).unwrap();
        let (_, trace) = triplane_sim::trace(&d, seed, sessions).unwrap();

        let mut agg = Aggregator::new(&plan);
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
        for _ in 0..sessions {
            run_session(&plan, &mut rng, &mut agg);
        }
        agg.finish();
        prop_assert_eq!(agg.flows, trace.flows.len() as u64);
        prop_assert_eq!(agg.signatures.iter().map(|s| s.flows).sum::<u64>(), agg.flows);
        prop_assert_eq!(
            agg.signatures.iter().map(|s| s.tokens).sum::<u64>(),
            trace.flows.iter().map(|f| f.tokens).sum::<u64>()
        );
        // Each flow counts once in every (class, jurisdiction) cell it enters.
        let expected_cells: u64 = trace
            .flows
            .iter()
            .map(|f| {
                let j = plan.nodes[plan.hops[f.hop as usize].to].jurisdictions;
                u64::from(f.classes.count_ones() * j.count_ones())
            })
            .sum();
        prop_assert_eq!(agg.cells.iter().map(|c| c.flows).sum::<u64>(), expected_cells);
        prop_assert_eq!(agg.sessions, sessions);
    }
}

#[test]
fn a_trace_and_the_aggregator_see_the_same_run() {
    struct Count(u64);
    impl Sink for Count {
        fn flow(&mut self, _: triplane_sim::engine::Flow) {
            self.0 += 1;
        }
    }
    let d = deployment(2.0, 1.0, 10.0, 10.0);
    let plan = Plan::new(&d).unwrap();
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(3);
    let mut c = Count(0);
    run_session(&plan, &mut rng, &mut c);
    // Per turn: the prompt and the answer, two inference calls and one tool call.
    let per_tool = 2
        * (plan.tools[0].path.out.len()
            + plan.tools[0].stores.iter().map(|s| s.out.len()).sum::<usize>());
    let per_turn = 2 + 2 * 2 + per_tool;
    assert_eq!(c.0 as usize, 2 * per_turn);
}
