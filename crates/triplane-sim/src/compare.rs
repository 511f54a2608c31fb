//! Variants side by side: the figures an architect compares between deployments, taken from
//! their reports (same seed and days for each, so differences come from the deployments).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::{LatencyStat, SimReport};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Comparison {
    pub seed: u64,
    pub days: u32,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Variant {
    pub name: String,
    pub file: String,
    /// Grade per plane and `overall`.
    pub grades: BTreeMap<String, char>,
    /// Jurisdictions per plane.
    pub jurisdictions: BTreeMap<String, Vec<String>>,
    /// Share of cycles entering each jurisdiction on any plane.
    pub cycles_entering: BTreeMap<String, f64>,
    /// Tokens of personal-data classes entering each jurisdiction.
    pub personal_tokens: BTreeMap<String, u64>,
    pub violations: usize,
    pub violating_flows: u64,
    pub violated_rules: Vec<String>,
    pub cycle_ms: LatencyStat,
    pub session_ms: LatencyStat,
    pub cost_per_session: BTreeMap<String, f64>,
    pub cost_per_month: BTreeMap<String, f64>,
}

pub fn compare(reports: &[SimReport], personal_classes: &[Vec<String>]) -> Comparison {
    let variants = reports
        .iter()
        .zip(personal_classes)
        .map(|(r, personal)| {
            let mut grades: BTreeMap<String, char> =
                r.scorecard.planes.iter().map(|p| (p.plane.clone(), p.grade)).collect();
            grades.insert("overall".into(), r.scorecard.overall.grade);
            let jurisdictions = r
                .scorecard
                .planes
                .iter()
                .map(|p| (p.plane.clone(), p.jurisdictions.clone()))
                .collect();
            let cycles_entering = r
                .cycle_share
                .iter()
                .filter(|s| s.plane == "any")
                .map(|s| (s.jurisdiction.clone(), s.share))
                .collect();
            let mut personal_tokens = BTreeMap::new();
            for c in r.matrix.cells.iter().filter(|c| personal.contains(&c.class)) {
                *personal_tokens.entry(c.jurisdiction.clone()).or_insert(0) += c.tokens;
            }
            Variant {
                name: r.deployment.name.clone(),
                file: r.deployment.file.clone(),
                grades,
                jurisdictions,
                cycles_entering,
                personal_tokens,
                violations: r.violations.len(),
                violating_flows: r.violations.iter().map(|v| v.flows).sum(),
                violated_rules: r
                    .violations
                    .iter()
                    .map(|v| format!("{}/{}", v.policy, v.rule))
                    .collect(),
                cycle_ms: r.latency.cycle_ms,
                session_ms: r.latency.session_ms,
                cost_per_session: r.cost.per_session.clone(),
                cost_per_month: r.cost.per_month.clone(),
            }
        })
        .collect();
    Comparison {
        seed: reports.first().map_or(0, |r| r.seed),
        days: reports.first().map_or(0, |r| r.days),
        variants,
    }
}
