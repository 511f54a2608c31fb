//! The agent loop, one session at a time. Each hop of each payload is a [`Flow`] handed to a
//! [`Sink`]: the aggregator folds it into counters without allocating, a test's trace keeps
//! it. The engine is generic over the sink so the fast path compiles to plain adds.
//!
//! A session is a number of turns. A turn starts with the user's prompt reaching the
//! orchestrator and runs cycles: an inference call with the session's context, then, while
//! the drawn number of tool calls lasts, a tool call through the tool path and the
//! observation back. The last cycle's answer goes back to the users.
//!
//! Classes: the context sent to inference carries the classes of every prompt and tool
//! result so far (derived data inherits the classes of its inputs); a response and a tool
//! call are derived from that context and carry its classes; a data store's rows carry the
//! drawn result class; the observation carries the call's classes plus the result's.
//!
//! Tokens: the context is the sum of the prompts, completions and tool results so far (a tool
//! call is part of the completion that asked for it, so it is not counted twice). Every hop of
//! one payload carries the same tokens.

use rand_chacha::ChaCha8Rng;

use crate::dist::unit;
use crate::plan::{HopId, Inference, Path, Plan};

/// One hop of one payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pub hop: HopId,
    /// Bit set over [`Plan::classes`].
    pub classes: u64,
    pub tokens: u64,
    /// True on the router → model hops of a request the classifier sent the wrong way.
    pub misrouted: bool,
}

/// A routed inference call: which route its classes call for and which it took.
#[derive(Clone, Copy, Debug)]
pub struct Routed {
    pub classes: u64,
    pub tokens: u64,
    pub correct: u8,
    pub chosen: u8,
}

pub trait Sink {
    fn flow(&mut self, f: Flow);
    /// One payload along `hops`, in order: one flow per hop, all with the same classes and
    /// tokens. The aggregator folds the hops in one pass; other sinks take them one by one.
    #[inline]
    fn payload(&mut self, hops: &[HopId], classes: u64, tokens: u64, misrouted: bool) {
        for &hop in hops {
            self.flow(Flow { hop, classes, tokens, misrouted });
        }
    }
    fn routed(&mut self, _r: Routed) {}
    fn tool_call(&mut self) {}
    fn turn(&mut self) {}
    fn cycle_end(&mut self, _latency_ms: f64) {}
    fn session_end(&mut self, _latency_ms: f64) {}
}

/// Every flow of a run, in order; for tests and the app's session diagram.
#[derive(Debug, Default)]
pub struct Trace {
    pub flows: Vec<Flow>,
    /// Index into `flows` where each cycle ends.
    pub cycle_ends: Vec<usize>,
    pub routed: Vec<Routed>,
    pub sessions: u64,
}

impl Sink for Trace {
    fn flow(&mut self, f: Flow) {
        self.flows.push(f);
    }
    fn routed(&mut self, r: Routed) {
        self.routed.push(r);
    }
    fn cycle_end(&mut self, _: f64) {
        self.cycle_ends.push(self.flows.len());
    }
    fn session_end(&mut self, _: f64) {
        self.sessions += 1;
    }
}

/// Sends one payload along a path, adding the hops' delays to `ms`.
#[inline(always)]
fn send<S: Sink>(
    plan: &Plan,
    sink: &mut S,
    hops: &[HopId],
    classes: u64,
    tokens: u64,
    ms: &mut f64,
) {
    send_marked(plan, sink, hops, classes, tokens, false, ms);
}

// Always inlined: most paths are one or two hops, so a call per payload would cost more than
// the hops themselves.
#[inline(always)]
fn send_marked<S: Sink>(
    plan: &Plan,
    sink: &mut S,
    hops: &[HopId],
    classes: u64,
    tokens: u64,
    misrouted: bool,
    ms: &mut f64,
) {
    sink.payload(hops, classes, tokens, misrouted);
    // One add per hop, in path order, as before: summing a path's delays once would round
    // differently and change the latency figures of a seeded run.
    for &hop in hops {
        *ms += plan.hops[hop as usize].delay_ms;
    }
}

#[inline]
fn model_ms(plan: &Plan, model: usize, output_tokens: u64) -> f64 {
    let n = &plan.nodes[model];
    n.ttft_ms + output_tokens as f64 * 1000.0 / n.tokens_per_s
}

/// Runs one session.
pub fn run_session<S: Sink>(plan: &Plan, rng: &mut ChaCha8Rng, sink: &mut S) {
    let w = &plan.workload;
    let turns = w.turns.draw(rng);
    let mut context_classes = 0u64;
    let mut context_tokens = 0u64;
    let mut session_ms = 0.0;

    for _ in 0..turns {
        sink.turn();
        let mut cycle_ms = 0.0;
        let prompt_class = 1u64 << w.prompt_classes.draw(rng);
        let prompt_tokens = w.prompt_tokens.draw(rng);
        send(plan, sink, &plan.prompt.out, prompt_class, prompt_tokens, &mut cycle_ms);
        context_classes |= prompt_class;
        context_tokens += prompt_tokens;

        let tool_calls = if plan.tools.is_empty() { 0 } else { w.tool_calls.draw(rng) };
        for call in 0..=tool_calls {
            let completion = w.completion_tokens.draw(rng);
            infer(plan, rng, sink, context_classes, context_tokens, completion, &mut cycle_ms);
            context_tokens += completion;

            if call == tool_calls {
                send(plan, sink, &plan.prompt.back, context_classes, completion, &mut cycle_ms);
            } else {
                sink.tool_call();
                let result = tool(plan, rng, sink, context_classes, &mut cycle_ms);
                context_classes |= result.0;
                context_tokens += result.1;
            }
            sink.cycle_end(cycle_ms);
            session_ms += cycle_ms;
            cycle_ms = 0.0;
        }
    }
    sink.session_end(session_ms);
}

/// One inference call and its response, through the router when there is one.
fn infer<S: Sink>(
    plan: &Plan,
    rng: &mut ChaCha8Rng,
    sink: &mut S,
    classes: u64,
    tokens: u64,
    completion: u64,
    ms: &mut f64,
) {
    match &plan.inference {
        Inference::Direct { model, path } => {
            send(plan, sink, &path.out, classes, tokens, ms);
            *ms += model_ms(plan, *model, completion);
            send(plan, sink, &path.back, classes, completion, ms);
        }
        Inference::Routed(r) => {
            send(plan, sink, &r.to_router.out, classes, tokens, ms);
            if let Some(c) = &r.classifier {
                send(plan, sink, &c.out, classes, tokens, ms);
                if let Some(&last) = c.out.last() {
                    *ms += model_ms(plan, plan.hops[last as usize].to, plan.label_tokens);
                }
                send(plan, sink, &c.back, classes, plan.label_tokens, ms);
            }

            // The deciding class: the one with the most sensitive route, the highest rank
            // among those; its route is the correct one and its miss rates apply.
            let mut key = 0u32;
            let mut bits = classes;
            while bits != 0 {
                let c = bits.trailing_zeros() as usize;
                key = key.max(r.class_key[c]);
                bits &= bits - 1;
            }
            let correct = (key >> 16) as u8;
            let (fnr, fpr) = if classes == 0 {
                (r.false_negative_rate, r.false_positive_rate)
            } else {
                r.class_rates[(key & 0xff) as usize]
            };
            // Exactly one draw per routed call whatever the rates, so that raising one rate
            // changes which calls miss but never shifts the rest of the random stream.
            let u = unit(rng);
            let last = (r.routes.len() - 1) as u8;
            let chosen = if correct > 0 && u < fnr {
                correct - 1
            } else if correct < last && u >= 1.0 - fpr {
                correct + 1
            } else {
                correct
            };
            sink.routed(Routed { classes, tokens, correct, chosen });

            let route = &r.routes[chosen as usize];
            let miss = chosen != correct;
            send_marked(plan, sink, &route.path.out, classes, tokens, miss, ms);
            *ms += model_ms(plan, route.model, completion);
            send_marked(plan, sink, &route.path.back, classes, completion, miss, ms);
            send(plan, sink, &r.to_router.back, classes, completion, ms);
        }
    }
}

/// One tool call: out to the target, to each data store and back, the observation home.
/// Returns the result's class bit and tokens.
fn tool<S: Sink>(
    plan: &Plan,
    rng: &mut ChaCha8Rng,
    sink: &mut S,
    classes: u64,
    ms: &mut f64,
) -> (u64, u64) {
    let w = &plan.workload;
    let target = if plan.tools.len() == 1 {
        &plan.tools[0]
    } else {
        let i = (unit(rng) * plan.tools.len() as f64) as usize;
        &plan.tools[i.min(plan.tools.len() - 1)]
    };
    let call_tokens = w.tool_call_tokens.draw(rng);
    let result_class = 1u64 << target.results.draw(rng);
    let result_tokens = w.tool_result_tokens.draw(rng);

    send(plan, sink, &target.path.out, classes, call_tokens, ms);
    for Path { out, back } in &target.stores {
        send(plan, sink, out, classes, call_tokens, ms);
        send(plan, sink, back, result_class, result_tokens, ms);
    }
    send(plan, sink, &target.path.back, classes | result_class, result_tokens, ms);
    (result_class, result_tokens)
}
