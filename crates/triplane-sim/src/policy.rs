//! Policies as data: Rego packs (`assets/policies/*.rego`, embedded at build time) evaluated
//! by regorus over the aggregated flow records and the components.
//!
//! A pack `NAME.rego` declares `package triplane.NAME` (dashes as underscores) and a set
//! `violations` of objects `{rule, message, flow}` where `flow` indexes `input.flows`. The
//! input is one record per distinct hop/classes signature with its count, so evaluation cost
//! follows the number of signatures (hundreds), never the number of flows (millions). Each
//! violation reported here names its rule, the flow record with the highest count as proof,
//! and how many flows break the rule. The input shape is documented in `docs/simulation.md`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};
use triplane_model::fact::Known;
use triplane_model::{Deployment, SiteKind};

use crate::report::FlowRecord;
use crate::SimError;

include!(concat!(env!("OUT_DIR"), "/policy_files.rs"));

/// A compiled set of packs, by id (file stem).
pub struct PolicySet {
    packs: Vec<Pack>,
}

struct Pack {
    id: String,
    file: String,
    text: String,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.packs.iter().map(|p| &p.id)).finish()
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Violation {
    pub policy: String,
    pub rule: String,
    pub message: String,
    /// One flow that breaks the rule: the record with the most flows.
    pub proof: Proof,
    /// Flows breaking the rule, over the whole run.
    pub flows: u64,
    pub tokens: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Proof {
    pub hop: String,
    pub from: String,
    pub to: String,
    pub component: String,
    pub classes: Vec<String>,
    pub jurisdiction: String,
}

impl PolicySet {
    /// The built-in packs.
    pub fn builtin() -> Result<PolicySet, SimError> {
        PolicySet::compile(
            POLICY_FILES
                .iter()
                .map(|(name, text)| (format!("assets/policies/{name}"), text.to_string())),
        )
    }

    /// Compiles packs given as `(file, text)`; the file name's stem is the pack's id.
    pub fn compile(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<PolicySet, SimError> {
        let mut packs = Vec::new();
        for (file, text) in files {
            let id = std::path::Path::new(&file)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Compile alone first, so an error names this pack and its line.
            let mut engine = regorus::Engine::new();
            engine.add_policy(file.clone(), text.clone()).map_err(|e| compile_error(&file, &e))?;
            let package = format!("data.triplane.{}.violations", id.replace('-', "_"));
            let declares = engine
                .get_packages()
                .map_err(|e| compile_error(&file, &e))?
                .iter()
                .any(|p| format!("{p}.violations") == package);
            if !declares {
                return Err(SimError::PolicyCompile {
                    file,
                    line: 1,
                    message: format!(
                        "the pack must declare `package triplane.{}`",
                        id.replace('-', "_")
                    ),
                });
            }
            packs.push(Pack { id, file, text });
        }
        Ok(PolicySet { packs })
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.packs.iter().map(|p| p.id.as_str())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.packs.iter().any(|p| p.id == id)
    }

    /// Evaluates the packs `ids` over the flow records and the deployment's components.
    pub fn evaluate(
        &self,
        ids: &[String],
        d: &Deployment,
        flows: &[FlowRecord],
        scenario: &Value,
    ) -> Result<Vec<Violation>, SimError> {
        let input = input(d, flows, scenario);
        let input = regorus::Value::from_json_str(&input.to_string())
            .map_err(|e| SimError::PolicyEval { file: "input".into(), message: e.to_string() })?;
        let mut out = Vec::new();
        for id in ids {
            let Some(pack) = self.packs.iter().find(|p| &p.id == id) else { continue };
            let mut engine = regorus::Engine::new();
            engine
                .add_policy(pack.file.clone(), pack.text.clone())
                .map_err(|e| compile_error(&pack.file, &e))?;
            engine.set_input(input.clone());
            let rule = format!("data.triplane.{}.violations", id.replace('-', "_"));
            let value = engine.eval_rule(rule).map_err(|e| SimError::PolicyEval {
                file: pack.file.clone(),
                message: e.to_string(),
            })?;
            let json = value.to_json_str().map_err(|e| SimError::PolicyEval {
                file: pack.file.clone(),
                message: e.to_string(),
            })?;
            let found: Value = serde_json::from_str(&json).map_err(|e| SimError::PolicyEval {
                file: pack.file.clone(),
                message: e.to_string(),
            })?;
            out.extend(group(&pack.id, &pack.file, &found, flows)?);
        }
        Ok(out)
    }
}

fn compile_error(file: &str, e: &impl std::fmt::Display) -> SimError {
    let message = e.to_string();
    // regorus reports `file:line:col: error: …`; keep its line, say the rest plainly.
    let line = message
        .split(':')
        .skip_while(|s| !file.ends_with(s.trim()))
        .nth(1)
        .and_then(|s| s.trim().parse().ok())
        .or_else(|| message.lines().find_map(|l| l.split(':').nth(1)?.trim().parse().ok()))
        .unwrap_or(1);
    SimError::PolicyCompile { file: file.into(), line, message: message.trim().to_string() }
}

/// Groups a pack's violation objects by rule; the count is over distinct flow records.
fn group(
    policy: &str,
    file: &str,
    found: &Value,
    flows: &[FlowRecord],
) -> Result<Vec<Violation>, SimError> {
    let items: Vec<&Value> = match found {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) if o.is_empty() => vec![],
        Value::Null => vec![],
        other => {
            return Err(SimError::PolicyEval {
                file: file.into(),
                message: format!("`violations` must be a set of objects, found {other}"),
            })
        }
    };
    let mut by_rule: BTreeMap<String, (String, BTreeMap<usize, String>)> = BTreeMap::new();
    for item in items {
        let rule = item["rule"].as_str().unwrap_or("unnamed").to_string();
        let message = item["message"].as_str().unwrap_or("").to_string();
        let Some(i) = item["flow"].as_u64().map(|i| i as usize).filter(|&i| i < flows.len()) else {
            return Err(SimError::PolicyEval {
                file: file.into(),
                message: format!("violation of `{rule}` has no valid `flow` index: {item}"),
            });
        };
        let jurisdiction = item["jurisdiction"].as_str().unwrap_or("").to_string();
        let entry = by_rule.entry(rule).or_insert_with(|| (message.clone(), BTreeMap::new()));
        entry.1.entry(i).or_insert(jurisdiction);
    }
    Ok(by_rule
        .into_iter()
        .map(|(rule, (message, hits))| {
            let count: u64 = hits.keys().map(|&i| flows[i].flows).sum();
            let tokens: u64 = hits.keys().map(|&i| flows[i].tokens).sum();
            // The heaviest record proves the rule; ties go to the first, for determinism.
            let (&i, jurisdiction) = hits
                .iter()
                .max_by(|a, b| flows[*a.0].flows.cmp(&flows[*b.0].flows).then(b.0.cmp(a.0)))
                .expect("a rule appears only with at least one hit");
            let f = &flows[i];
            Violation {
                policy: policy.into(),
                rule,
                message,
                proof: Proof {
                    hop: format!("{} → {}", f.from, f.to),
                    from: f.from.clone(),
                    to: f.to.clone(),
                    component: f.to.clone(),
                    classes: f.classes.clone(),
                    jurisdiction: jurisdiction.clone(),
                },
                flows: count,
                tokens,
            }
        })
        .collect())
}

/// The policy input (documented in docs/simulation.md).
pub fn input(d: &Deployment, flows: &[FlowRecord], scenario: &Value) -> Value {
    let components: serde_json::Map<String, Value> = d
        .components
        .iter()
        .map(|c| {
            let exposure: Vec<Value> = c
                .exposure
                .iter()
                .map(|e| json!({"law": e.law, "name": e.law_name, "jurisdiction": e.jurisdiction, "status": e.status}))
                .collect();
            let (certifications, certifications_known) = match &c.certifications {
                Known::Known(v) => (v.clone(), true),
                Known::Unknown => (vec![], false),
            };
            let on_premises = c.site.as_ref().is_some_and(|s| s.kind == SiteKind::OnPremises);
            let visibility = match &c.visibility.value {
                Known::Known(v) => v.as_str(),
                Known::Unknown => "unknown",
            };
            let value = json!({
                "id": c.id,
                "name": c.name,
                "plane": c.plane,
                "kind": c.kind,
                "self_hosted": c.self_hosted,
                "offering": c.offering.as_ref().map(|o| o.id.clone()),
                "site": c.site.as_ref().map(|s| json!({"id": s.id, "kind": s.kind, "country": s.country.known()})),
                "own_site": c.self_hosted && on_premises,
                "operators": c.operator_chain.iter().map(|e| e.operator.clone()).collect::<Vec<_>>(),
                "jurisdictions": c.jurisdictions,
                "exposure": exposure,
                "certifications": certifications,
                "certifications_known": certifications_known,
                "visibility": visibility,
            });
            (c.id.clone(), value)
        })
        .collect();
    let classes: serde_json::Map<String, Value> = d
        .data_classes
        .iter()
        .map(|c| (c.id.clone(), json!({"rank": c.rank, "personal": c.personal})))
        .collect();
    json!({
        "components": components,
        "classes": classes,
        "flows": flows,
        "scenario": scenario,
    })
}
