//! What a simulation returns, as the documented `triplane simulate --json` shape
//! (`docs/simulation.md`): totals, the exposure matrix, the share of cycles entering each
//! jurisdiction per plane, latency, cost, the router's misses, the aggregated flow records,
//! the scorecard and the policy violations. These types are wire types; keep them and the
//! documentation in step.

use std::collections::BTreeMap;

use serde::Serialize;
use triplane_model::{ComponentKind, Deployment, Plane};

use crate::aggregate::{plane_row, Aggregator, PLANES};
use crate::latency;
use crate::plan::{Inference, Plan};
use crate::scorecard::Scorecard;

pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;
pub const DAYS_PER_YEAR: f64 = 365.0;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SimReport {
    pub deployment: DeploymentRef,
    pub seed: u64,
    pub days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    pub assumptions: Vec<String>,
    pub totals: Totals,
    pub matrix: ExposureMatrix,
    pub cycle_share: Vec<CycleShare>,
    pub latency: LatencyReport,
    pub cost: CostReport,
    pub scorecard: Scorecard,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router: Option<RouterReport>,
    /// Policy packs evaluated, in order.
    pub policies: Vec<String>,
    pub violations: Vec<crate::policy::Violation>,
    pub flows: Vec<FlowRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<crate::scenario::Changes>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DeploymentRef {
    pub name: String,
    pub file: String,
    pub hash: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Totals {
    pub sessions: u64,
    pub turns: u64,
    pub cycles: u64,
    pub tool_calls: u64,
    pub flows: u64,
    /// Tokens summed over every flow (a payload crossing three hops counts three times).
    pub tokens: u64,
    pub bytes: u64,
    pub sessions_per_day: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExposureMatrix {
    pub classes: Vec<String>,
    pub jurisdictions: Vec<String>,
    /// Every class × jurisdiction pair, class-major, zeros included.
    pub cells: Vec<MatrixCell>,
}

impl ExposureMatrix {
    pub fn cell(&self, class: &str, jurisdiction: &str) -> Option<&MatrixCell> {
        self.cells.iter().find(|c| c.class == class && c.jurisdiction == jurisdiction)
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MatrixCell {
    pub class: String,
    pub jurisdiction: String,
    /// Flows carrying the class into a component under the jurisdiction.
    pub flows: u64,
    pub tokens: u64,
    pub bytes: u64,
    /// Sessions with at least one such flow.
    pub sessions: u64,
    pub tokens_per_session: Percentiles,
    pub flows_per_session: Percentiles,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Percentiles {
    pub p5: u64,
    pub p50: u64,
    pub p95: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CycleShare {
    /// A plane, or `any` for cycles entering the jurisdiction on any plane.
    pub plane: String,
    pub jurisdiction: String,
    pub cycles: u64,
    /// `cycles` over all cycles, 0 to 1.
    pub share: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LatencyReport {
    pub cycle_ms: LatencyStat,
    pub session_ms: LatencyStat,
    /// Components whose figures are defaults, not catalog or file figures.
    pub assumed: Vec<String>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct LatencyStat {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CostReport {
    /// By currency; no exchange rate is applied.
    pub per_session: BTreeMap<String, f64>,
    pub per_month: BTreeMap<String, f64>,
    pub lines: Vec<CostLine>,
    /// Components with neither a catalog price nor the file's own cost figures.
    pub unpriced: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CostLine {
    pub component: String,
    /// `tokens`, `hours` or `self-hosted`.
    pub basis: &'static str,
    pub currency: String,
    pub per_month: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouterReport {
    pub false_negative_rate: f64,
    pub false_positive_rate: f64,
    pub routed_calls: u64,
    pub classes: Vec<ClassMisses>,
}

/// The router's misses as they concern one class. A false negative leaks only the classes
/// whose own route is more protected than the route the call took (a `public` part of a
/// call that should have gone sovereign leaks nothing); a false positive sends every class
/// of the call to a more protected route than it needed, a cost rather than a leak.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClassMisses {
    pub class: String,
    /// Routed calls whose context carried the class.
    pub requests: u64,
    /// Of those, calls that took the class to a route less protected than its own (false
    /// negatives that leak it).
    pub to_less_sensitive: u64,
    /// Of those, calls sent to a route more protected than the call needed (false
    /// positives: a cost, not a leak).
    pub to_more_sensitive: u64,
    /// Context tokens of the calls that leaked the class, over the run.
    pub leaked_tokens: u64,
    pub leaked_per_day: Volume,
    pub leaked_per_year: Volume,
    /// Context tokens of the calls that over-protected the class, over the run.
    pub over_protected_tokens: u64,
    pub over_protected_per_day: Volume,
    pub over_protected_per_year: Volume,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Volume {
    pub requests: f64,
    pub tokens: f64,
}

/// Flows with one signature: hop, classes, and what the receiving component is under.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FlowRecord {
    pub from: String,
    pub to: String,
    pub from_plane: Plane,
    pub to_plane: Plane,
    pub to_kind: ComponentKind,
    pub classes: Vec<String>,
    /// Jurisdictions the flow enters: those of the receiving component.
    pub jurisdictions: Vec<String>,
    pub flows: u64,
    pub tokens: u64,
    pub bytes: u64,
    pub sessions: u64,
    pub misrouted: u64,
}

fn classes_of(plan: &Plan, bits: u64) -> Vec<String> {
    (0..plan.classes.len())
        .filter(|i| bits >> i & 1 == 1)
        .map(|i| plan.classes[i].id.clone())
        .collect()
}

fn jurisdictions_of(plan: &Plan, bits: u64) -> Vec<String> {
    (0..plan.jurisdictions.len())
        .filter(|i| bits >> i & 1 == 1)
        .map(|i| plan.jurisdictions[i].clone())
        .collect()
}

fn bytes(tokens: u64, bytes_per_token: f64) -> u64 {
    (tokens as f64 * bytes_per_token).round() as u64
}

/// Rounds money and shares so that JSON stays readable; the rounding is deterministic.
fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

pub(crate) struct Built {
    pub totals: Totals,
    pub matrix: ExposureMatrix,
    pub cycle_share: Vec<CycleShare>,
    pub latency: LatencyReport,
    pub cost: CostReport,
    pub router: Option<RouterReport>,
    pub flows: Vec<FlowRecord>,
}

pub(crate) fn build(d: &Deployment, plan: &Plan, agg: &Aggregator, days: u32) -> Built {
    let bpt = plan.workload.bytes_per_token;
    let mut signatures: Vec<_> = agg.signatures.iter().collect();
    signatures.sort_by_key(|s| (s.hop, s.classes));
    let flows: Vec<FlowRecord> = signatures
        .iter()
        .map(|s| {
            let hop = &plan.hops[s.hop as usize];
            let (from, to) = (&plan.nodes[hop.from], &plan.nodes[hop.to]);
            FlowRecord {
                from: from.id.clone(),
                to: to.id.clone(),
                from_plane: from.plane,
                to_plane: to.plane,
                to_kind: to.kind,
                classes: classes_of(plan, s.classes),
                jurisdictions: jurisdictions_of(plan, to.jurisdictions),
                flows: s.flows,
                tokens: s.tokens,
                bytes: bytes(s.tokens, bpt),
                sessions: s.sessions,
                misrouted: s.misrouted,
            }
        })
        .collect();
    let total_tokens = flows.iter().fold(0u64, |a, f| a.saturating_add(f.tokens));

    let nj = plan.jurisdictions.len();
    let pct = |h: &crate::hist::Hist| Percentiles {
        p5: h.percentile(5.0),
        p50: h.percentile(50.0),
        p95: h.percentile(95.0),
    };
    let mut cells = Vec::new();
    for (c, class) in plan.classes.iter().enumerate() {
        for (j, jur) in plan.jurisdictions.iter().enumerate() {
            let cell = &agg.cells[c * nj + j];
            cells.push(MatrixCell {
                class: class.id.clone(),
                jurisdiction: jur.clone(),
                flows: cell.flows,
                tokens: cell.tokens,
                bytes: bytes(cell.tokens, bpt),
                sessions: cell.sessions,
                tokens_per_session: pct(&cell.tokens_per_session),
                flows_per_session: pct(&cell.flows_per_session),
            });
        }
    }
    let matrix = ExposureMatrix {
        classes: plan.classes.iter().map(|c| c.id.clone()).collect(),
        jurisdictions: plan.jurisdictions.clone(),
        cells,
    };

    let share = |n: u64| if agg.cycles == 0 { 0.0 } else { round(n as f64 / agg.cycles as f64, 6) };
    let mut cycle_share = Vec::new();
    let planes_present: Vec<Plane> =
        Plane::ALL.into_iter().filter(|p| plan.nodes.iter().any(|n| n.plane == *p)).collect();
    for plane in planes_present {
        for (j, jur) in plan.jurisdictions.iter().enumerate() {
            let n = agg.cycles_entering[plane_row(plane) * nj + j];
            cycle_share.push(CycleShare {
                plane: plane.as_str().into(),
                jurisdiction: jur.clone(),
                cycles: n,
                share: share(n),
            });
        }
    }
    for (j, jur) in plan.jurisdictions.iter().enumerate() {
        let n = agg.cycles_entering[PLANES * nj + j];
        cycle_share.push(CycleShare {
            plane: "any".into(),
            jurisdiction: jur.clone(),
            cycles: n,
            share: share(n),
        });
    }

    let stat = |h: &crate::hist::Hist, sum: f64, n: u64| LatencyStat {
        mean: if n == 0 { 0.0 } else { round(sum / n as f64, 1) },
        p5: h.percentile(5.0) as f64 / 1000.0,
        p50: h.percentile(50.0) as f64 / 1000.0,
        p95: h.percentile(95.0) as f64 / 1000.0,
    };
    let latency = LatencyReport {
        cycle_ms: stat(&agg.cycle_ms, agg.cycle_ms_sum, agg.cycles),
        session_ms: stat(&agg.session_ms, agg.session_ms_sum, agg.sessions),
        assumed: d
            .components
            .iter()
            .filter(|c| latency::figures(c).assumed && plan_uses(plan, &c.id))
            .map(|c| c.id.clone())
            .collect(),
    };

    let sessions_per_day = agg.sessions as f64 / f64::from(days.max(1));
    let cost = cost(d, plan, &flows, agg, days, sessions_per_day);
    let router = router_report(plan, agg, days);

    Built {
        totals: Totals {
            sessions: agg.sessions,
            turns: agg.turns,
            cycles: agg.cycles,
            tool_calls: agg.tool_calls,
            flows: agg.flows,
            tokens: total_tokens,
            bytes: bytes(total_tokens, bpt),
            sessions_per_day: round(sessions_per_day, 3),
        },
        matrix,
        cycle_share,
        latency,
        cost,
        router,
        flows,
    }
}

fn plan_uses(plan: &Plan, id: &str) -> bool {
    plan.hops.iter().any(|h| plan.nodes[h.to].id == id || plan.nodes[h.from].id == id)
}

fn cost(
    d: &Deployment,
    plan: &Plan,
    flows: &[FlowRecord],
    agg: &Aggregator,
    days: u32,
    sessions_per_day: f64,
) -> CostReport {
    let months = f64::from(days.max(1)) / DAYS_PER_MONTH;
    let session_hours = agg.session_ms_sum / 3.6e6;
    let mut lines = Vec::new();
    let mut unpriced = Vec::new();
    for c in &d.components {
        if c.kind == ComponentKind::Users || !plan_uses(plan, &c.id) {
            continue;
        }
        if let Some(cost) = &c.cost {
            let power_kwh = cost.power_watts / 1000.0 * 24.0 * DAYS_PER_MONTH;
            let monthly = cost.hardware / f64::from(cost.amortisation_months.max(1))
                + power_kwh * cost.energy_per_kwh
                + cost.operations_per_month;
            lines.push(CostLine {
                component: c.id.clone(),
                basis: "self-hosted",
                currency: cost.currency.clone(),
                per_month: round(monthly, 2),
            });
            continue;
        }
        let Some(price) = &c.price else {
            unpriced.push(c.id.clone());
            continue;
        };
        if c.kind == ComponentKind::ModelEndpoint
            && (price.input_per_mtok.is_some() || price.output_per_mtok.is_some())
        {
            let input: u64 = flows.iter().filter(|f| f.to == c.id).map(|f| f.tokens).sum();
            // Output leaves the model on the first hop back only; later hops carry it on.
            let output: u64 = flows.iter().filter(|f| f.from == c.id).map(|f| f.tokens).sum();
            let total = input as f64 / 1e6 * price.input_per_mtok.unwrap_or(0.0)
                + output as f64 / 1e6 * price.output_per_mtok.unwrap_or(0.0);
            lines.push(CostLine {
                component: c.id.clone(),
                basis: "tokens",
                currency: price.currency.clone(),
                per_month: round(total / months, 2),
            });
        } else if let Some(per_hour) = price.per_hour {
            lines.push(CostLine {
                component: c.id.clone(),
                basis: "hours",
                currency: price.currency.clone(),
                per_month: round(per_hour * session_hours / months, 2),
            });
        } else {
            unpriced.push(c.id.clone());
        }
    }
    let mut per_month: BTreeMap<String, f64> = BTreeMap::new();
    for l in &lines {
        *per_month.entry(l.currency.clone()).or_default() += l.per_month;
    }
    let sessions_per_month = sessions_per_day * DAYS_PER_MONTH;
    let per_session = per_month
        .iter()
        .map(|(k, v)| {
            let s = if sessions_per_month > 0.0 { v / sessions_per_month } else { 0.0 };
            (k.clone(), round(s, 4))
        })
        .collect();
    let per_month = per_month.into_iter().map(|(k, v)| (k, round(v, 2))).collect();
    CostReport { per_session, per_month, lines, unpriced }
}

fn router_report(plan: &Plan, agg: &Aggregator, days: u32) -> Option<RouterReport> {
    let Inference::Routed(r) = &plan.inference else { return None };
    let days = f64::from(days.max(1));
    let classes = plan
        .classes
        .iter()
        .zip(&agg.misses)
        .filter(|(_, m)| m.requests > 0)
        .map(|(c, m)| {
            let per_day = |requests: u64, tokens: u64| Volume {
                requests: round(requests as f64 / days, 3),
                tokens: round(tokens as f64 / days, 1),
            };
            let per_year = |requests: u64, tokens: u64| Volume {
                requests: round(requests as f64 / days * DAYS_PER_YEAR, 1),
                tokens: round(tokens as f64 / days * DAYS_PER_YEAR, 0),
            };
            let (fn_n, fn_t) = (m.false_negative_requests, m.false_negative_tokens);
            let (fp_n, fp_t) = (m.false_positive_requests, m.false_positive_tokens);
            ClassMisses {
                class: c.id.clone(),
                requests: m.requests,
                to_less_sensitive: fn_n,
                to_more_sensitive: fp_n,
                leaked_tokens: fn_t,
                leaked_per_day: per_day(fn_n, fn_t),
                leaked_per_year: per_year(fn_n, fn_t),
                over_protected_tokens: fp_t,
                over_protected_per_day: per_day(fp_n, fp_t),
                over_protected_per_year: per_year(fp_n, fp_t),
            }
        })
        .collect();
    Some(RouterReport {
        false_negative_rate: r.false_negative_rate,
        false_positive_rate: r.false_positive_rate,
        routed_calls: agg.routed_calls,
        classes,
    })
}
