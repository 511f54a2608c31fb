//! Stress scenarios, re-run by name against the same seed, and what they change.
//!
//! | name | what it does to the model | packs it adds |
//! |---|---|---|
//! | `dpf-annulled` | the EU-US Data Privacy Framework no longer covers transfers: policies see `scenario.dpf_annulled`; exposure is unchanged (it never rested on the DPF) | `gdpr-strict` |
//! | `loses-secnumcloud:ID` | the offering or operator `ID` loses its SecNumCloud qualification | `secnumcloud` |
//! | `acquired-by-us:ID` | a US company acquires operator `ID`: every component with `ID` in its chain gains a US parent, US jurisdiction and exposure to every US compelled-access law | `gdpr-strict`, `no-us-inference` |
//!
//! The baseline is run with the same packs, so "what changed" compares like with like.

use serde::Serialize;
use serde_json::{json, Value};
use triplane_model::fact::Known;
use triplane_model::{ChainEntity, ChainRole, Deployment, ExposureStatus, Reason};

use crate::report::SimReport;
use crate::SimError;

#[derive(Clone, Debug, PartialEq)]
pub enum Scenario {
    DpfAnnulled,
    LosesSecNumCloud(String),
    AcquiredByUs(String),
}

pub const NAMES: &str =
    "dpf-annulled, loses-secnumcloud:OFFERING-OR-OPERATOR, acquired-by-us:OPERATOR";

impl Scenario {
    pub fn parse(name: &str) -> Result<Scenario, SimError> {
        let bad = || SimError::Options {
            message: format!("unknown scenario `{name}`; scenarios are: {NAMES}"),
        };
        match name.split_once(':') {
            None if name == "dpf-annulled" => Ok(Scenario::DpfAnnulled),
            Some(("loses-secnumcloud", id)) if !id.is_empty() => {
                Ok(Scenario::LosesSecNumCloud(id.into()))
            }
            Some(("acquired-by-us", id)) if !id.is_empty() => Ok(Scenario::AcquiredByUs(id.into())),
            _ => Err(bad()),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Scenario::DpfAnnulled => "dpf-annulled".into(),
            Scenario::LosesSecNumCloud(id) => format!("loses-secnumcloud:{id}"),
            Scenario::AcquiredByUs(id) => format!("acquired-by-us:{id}"),
        }
    }

    pub fn packs(&self) -> &'static [&'static str] {
        match self {
            Scenario::DpfAnnulled => &["gdpr-strict"],
            Scenario::LosesSecNumCloud(_) => &["secnumcloud"],
            Scenario::AcquiredByUs(_) => &["gdpr-strict", "no-us-inference"],
        }
    }

    /// What the policies see as `input.scenario`.
    pub fn policy_input(&self) -> Value {
        json!({
            "name": self.name(),
            "dpf_annulled": matches!(self, Scenario::DpfAnnulled),
        })
    }

    /// The deployment as the scenario would have it.
    pub fn apply(&self, d: &Deployment) -> Result<Deployment, SimError> {
        let mut d = d.clone();
        match self {
            Scenario::DpfAnnulled => {}
            Scenario::LosesSecNumCloud(id) => {
                let mut hit = false;
                for c in &mut d.components {
                    let by_offering = c.offering.as_ref().is_some_and(|o| &o.id == id);
                    let by_operator = c.operator_chain.iter().any(|e| &e.operator == id);
                    if !(by_offering || by_operator) {
                        continue;
                    }
                    hit = true;
                    if let Known::Known(certs) = &mut c.certifications {
                        certs.retain(|cert| !cert.to_lowercase().contains("secnumcloud"));
                    }
                }
                if !hit {
                    return Err(no_match(self, id));
                }
            }
            Scenario::AcquiredByUs(id) => {
                let mut hit = false;
                for c in &mut d.components {
                    let Some(pos) = c.operator_chain.iter().position(|e| &e.operator == id) else {
                        continue;
                    };
                    hit = true;
                    let name = c.operator_chain[pos].name.clone();
                    c.operator_chain.push(ChainEntity {
                        operator: "scenario-us-acquirer".into(),
                        name: "a US acquirer (scenario)".into(),
                        country: Known::Known("US".into()),
                        role: ChainRole::Parent { of: id.clone() },
                        sources: vec![],
                        confidence: None,
                    });
                    if !c.jurisdictions.iter().any(|j| j == "US") {
                        c.jurisdictions.push("US".into());
                        c.jurisdictions.sort();
                    }
                    for e in c.exposure.iter_mut().filter(|e| e.jurisdiction == "US") {
                        e.status = ExposureStatus::Exposed;
                        e.reasons.insert(
                            0,
                            Reason {
                                text: format!("scenario: a US company acquires `{name}`"),
                                sources: vec![],
                            },
                        );
                    }
                }
                if !hit {
                    return Err(no_match(self, id));
                }
            }
        }
        Ok(d)
    }
}

fn no_match(s: &Scenario, id: &str) -> SimError {
    SimError::Options {
        message: format!(
            "scenario `{}` matches no component: `{id}` is neither an offering nor an operator \
             in this deployment",
            s.name()
        ),
    }
}

/// What a scenario changed against the baseline run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Changes {
    pub grades: Vec<GradeChange>,
    pub violations: Vec<ViolationChange>,
    /// Matrix cells whose tokens changed, or whose jurisdiction appeared.
    pub cells: Vec<CellChange>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GradeChange {
    pub plane: String,
    pub before: char,
    pub after: char,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ViolationChange {
    pub policy: String,
    pub rule: String,
    pub flows_before: u64,
    pub flows_after: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CellChange {
    pub class: String,
    pub jurisdiction: String,
    pub tokens_before: u64,
    pub tokens_after: u64,
}

pub fn diff(before: &SimReport, after: &SimReport) -> Changes {
    let mut grades = Vec::new();
    let planes = after.scorecard.planes.iter().chain(std::iter::once(&after.scorecard.overall));
    for p in planes {
        let old = before
            .scorecard
            .planes
            .iter()
            .chain(std::iter::once(&before.scorecard.overall))
            .find(|b| b.plane == p.plane);
        if let Some(old) = old.filter(|o| o.grade != p.grade) {
            grades.push(GradeChange { plane: p.plane.clone(), before: old.grade, after: p.grade });
        }
    }

    let key = |v: &crate::policy::Violation| (v.policy.clone(), v.rule.clone());
    let mut rules: Vec<(String, String)> =
        before.violations.iter().chain(&after.violations).map(key).collect();
    rules.sort();
    rules.dedup();
    let count = |r: &SimReport, k: &(String, String)| {
        r.violations.iter().find(|v| key(v) == *k).map_or(0, |v| v.flows)
    };
    let violations = rules
        .into_iter()
        .filter_map(|k| {
            let (b, a) = (count(before, &k), count(after, &k));
            (b != a).then_some(ViolationChange {
                policy: k.0,
                rule: k.1,
                flows_before: b,
                flows_after: a,
            })
        })
        .collect();

    let cells = after
        .matrix
        .cells
        .iter()
        .filter_map(|c| {
            let b = before.matrix.cell(&c.class, &c.jurisdiction).map_or(0, |b| b.tokens);
            (b != c.tokens).then(|| CellChange {
                class: c.class.clone(),
                jurisdiction: c.jurisdiction.clone(),
                tokens_before: b,
                tokens_after: c.tokens,
            })
        })
        .collect();
    Changes { grades, violations, cells }
}
