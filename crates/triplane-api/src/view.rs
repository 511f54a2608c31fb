//! Wire types of the app's views: what crosses IPC to the web front end, apart from the
//! domain types so the resolved model can change without breaking the UI silently.
//!
//! With the `specta` feature each type derives `specta::Type`, from which the app generates
//! its TypeScript bindings (`ui/src/ipc/bindings.ts`). Field names are camelCase, as
//! TypeScript reads them; enum values are the kebab-case words of the glossary, as in
//! `triplane show --json`, so the two faces say the same thing.

use serde::Serialize;
use triplane_model::fact::{Known, Source};
use triplane_model::{
    ChainEntity, ChainRole, Component, Deployment, Diagnostic, Exposure, ExposureStatus, Plane,
    Visibility,
};

use crate::{ApiError, ErrorCode};

/// An error as the app receives it: a code to branch on, a message to show, and the
/// positioned problems when a deployment file was at fault.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WireError {
    pub code: ErrorCode,
    pub message: String,
    pub diagnostics: Vec<DiagnosticView>,
}

impl From<ApiError> for WireError {
    fn from(e: ApiError) -> WireError {
        WireError {
            code: e.code,
            message: e.message,
            diagnostics: e.diagnostics.iter().map(DiagnosticView::from).collect(),
        }
    }
}

/// One positioned problem in a deployment file.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticView {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Field path such as `components.inference[0].site`; empty for the whole file.
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            path: d.path.clone(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

/// A resolved deployment as the plane view shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlaneView {
    pub name: String,
    pub description: Option<String>,
    /// The file it was read from, as given (`example:ID` for a bundled example).
    pub file: String,
    /// `sha256:` of the file's bytes.
    pub hash: String,
    pub components: Vec<ComponentView>,
    pub links: Vec<LinkView>,
}

impl From<&Deployment> for PlaneView {
    fn from(d: &Deployment) -> PlaneView {
        PlaneView {
            name: d.name.clone(),
            description: d.description.clone(),
            file: d.file.clone(),
            hash: d.hash.clone(),
            components: d.components.iter().map(ComponentView::from).collect(),
            links: d
                .links
                .iter()
                .map(|l| LinkView { from: l.from.clone(), to: l.to.clone() })
                .collect(),
        }
    }
}

/// A call from one component to another.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LinkView {
    pub from: String,
    pub to: String,
}

/// The lane a component sits in: the three planes, the connectivity between them, and users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Lane {
    Users,
    Orchestration,
    Inference,
    Connectivity,
    Execution,
}

impl From<Plane> for Lane {
    fn from(p: Plane) -> Lane {
        match p {
            Plane::Users => Lane::Users,
            Plane::Orchestration => Lane::Orchestration,
            Plane::Inference => Lane::Inference,
            Plane::Connectivity => Lane::Connectivity,
            Plane::Execution => Lane::Execution,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComponentView {
    pub id: String,
    pub name: String,
    pub plane: Lane,
    /// `model-endpoint`, `orchestrator`, `router`, `gateway`, `tunnel`, `sandbox`,
    /// `mcp-server`, `data-store` or `users`.
    pub kind: String,
    /// The catalog or project offering's name, if the component names one.
    pub offering: Option<String>,
    pub model: Option<String>,
    pub self_hosted: bool,
    pub site: Option<SiteView>,
    pub operator_chain: Vec<ChainEntityView>,
    pub jurisdictions: Vec<String>,
    pub exposure: Vec<ExposureView>,
    pub visibility: VisibilityView,
}

impl From<&Component> for ComponentView {
    fn from(c: &Component) -> ComponentView {
        ComponentView {
            id: c.id.clone(),
            name: c.name.clone(),
            plane: c.plane.into(),
            kind: c.kind.as_str().to_string(),
            offering: c.offering.as_ref().map(|o| o.name.clone()),
            model: c.model.clone(),
            self_hosted: c.self_hosted,
            site: c.site.as_ref().map(|s| SiteView {
                name: s.name.clone(),
                country: known(&s.country),
                region: s.region.clone(),
                operator: s.operator.clone(),
            }),
            operator_chain: c.operator_chain.iter().map(ChainEntityView::from).collect(),
            jurisdictions: c.jurisdictions.clone(),
            exposure: c.exposure.iter().map(ExposureView::from).collect(),
            visibility: match c.visibility.value {
                Known::Known(Visibility::BlackBox) => VisibilityView::BlackBox,
                Known::Known(Visibility::PartialLogs) => VisibilityView::PartialLogs,
                Known::Known(Visibility::FullReproducibility) => {
                    VisibilityView::FullReproducibility
                }
                Known::Unknown => VisibilityView::Unknown,
            },
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SiteView {
    pub name: String,
    /// ISO 3166-1 alpha-2 country; `null` when the research did not establish it.
    pub country: Option<String>,
    pub region: Option<String>,
    /// Id of the operator that runs the site.
    pub operator: String,
}

/// One legal entity in a component's operator chain.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChainEntityView {
    pub operator: String,
    pub name: String,
    /// `null` when the research did not establish it.
    pub country: Option<String>,
    pub role: ChainRoleView,
    /// The operator it controls (`parent`) or what it does (`subprocessor`).
    pub role_detail: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ChainRoleView {
    Operator,
    SiteOperator,
    Parent,
    Subprocessor,
}

impl From<&ChainEntity> for ChainEntityView {
    fn from(e: &ChainEntity) -> ChainEntityView {
        let (role, role_detail) = match &e.role {
            ChainRole::Operator => (ChainRoleView::Operator, None),
            ChainRole::SiteOperator => (ChainRoleView::SiteOperator, None),
            ChainRole::Parent { of } => (ChainRoleView::Parent, Some(of.clone())),
            ChainRole::Subprocessor { role } => (ChainRoleView::Subprocessor, Some(role.clone())),
        };
        ChainEntityView {
            operator: e.operator.clone(),
            name: e.name.clone(),
            country: known(&e.country),
            role,
            role_detail,
        }
    }
}

/// Whether a compelled-access law reaches a component, and why.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExposureView {
    pub law: String,
    pub law_name: String,
    pub jurisdiction: String,
    pub status: ExposureStatusView,
    pub reasons: Vec<ReasonView>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ExposureStatusView {
    Exposed,
    NotExposed,
    Unknown,
}

impl From<&Exposure> for ExposureView {
    fn from(e: &Exposure) -> ExposureView {
        ExposureView {
            law: e.law.clone(),
            law_name: e.law_name.clone(),
            jurisdiction: e.jurisdiction.clone(),
            status: match e.status {
                ExposureStatus::Exposed => ExposureStatusView::Exposed,
                ExposureStatus::NotExposed => ExposureStatusView::NotExposed,
                ExposureStatus::Unknown => ExposureStatusView::Unknown,
            },
            reasons: e
                .reasons
                .iter()
                .map(|r| ReasonView {
                    text: r.text.clone(),
                    sources: r.sources.iter().map(SourceView::from).collect(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReasonView {
    pub text: String,
    pub sources: Vec<SourceView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SourceView {
    pub title: String,
    pub url: String,
    /// The date the source was read, `YYYY-MM-DD`.
    pub seen: String,
}

impl From<&Source> for SourceView {
    fn from(s: &Source) -> SourceView {
        SourceView { title: s.title.clone(), url: s.url.clone(), seen: s.seen.clone() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum VisibilityView {
    BlackBox,
    PartialLogs,
    FullReproducibility,
    Unknown,
}

fn known(v: &Known<String>) -> Option<String> {
    v.known().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment;

    /// The view must say what `show --json` says for every component and law: the e2e test
    /// compares the DOM with the CLI, and this pins the mapping in between.
    #[test]
    fn exposure_view_matches_the_resolved_model_for_every_example() {
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/deployments");
        let mut sources = vec![format!("{fixture}/minimal.yaml")];
        sources.extend(deployment::examples().unwrap().iter().map(|e| format!("example:{}", e.id)));
        for source in &sources {
            let d = deployment::load(source).unwrap();
            let v = PlaneView::from(&d);
            let json = serde_json::to_value(&d).unwrap();
            assert_eq!(v.components.len(), d.components.len(), "{source}");
            for (cv, cj) in v.components.iter().zip(json["components"].as_array().unwrap()) {
                assert_eq!(cv.id, cj["id"], "{source}");
                let statuses: Vec<(String, String)> = cv
                    .exposure
                    .iter()
                    .map(|e| (e.law.clone(), serde_json::to_value(e.status).unwrap().to_string()))
                    .collect();
                let expected: Vec<(String, String)> = cj["exposure"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| (e["law"].as_str().unwrap().into(), e["status"].to_string()))
                    .collect();
                assert!(!expected.is_empty(), "{source}: `{}` has exposure findings", cv.id);
                assert_eq!(statuses, expected, "{source} component {}", cv.id);
            }
        }
    }

    #[test]
    fn an_invalid_file_crosses_with_its_positions() {
        let err = deployment::load_text("bad.yaml", "triplane: 1\nname: x\nbogus: 3\n")
            .expect_err("an unknown key is an error");
        let wire = WireError::from(err);
        assert_eq!(wire.code, ErrorCode::Invalid);
        assert!(
            wire.diagnostics.iter().any(|d| d.line == 3 && d.file == "bad.yaml"),
            "the unknown key on line 3 is positioned: {:?}",
            wire.diagnostics
        );
    }
}

/// A simulation run as the Simulation view shows it: the figures of `triplane simulate
/// --json` the view needs, and the exposure matrix drawn as an SVG heat map.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SimulationView {
    pub file: String,
    pub seed: u32,
    pub days: u32,
    /// The three planes and connectivity, in the order of the report.
    pub scorecard: Vec<PlaneScoreView>,
    pub overall: PlaneScoreView,
    pub totals: TotalsView,
    /// Per currency, in currency order; no exchange rate is applied.
    pub cost_per_month: Vec<CostView>,
    /// Components with no price, so the cost is a lower bound when this is not empty.
    pub unpriced: Vec<String>,
    pub violations: Vec<ViolationView>,
    /// The class × jurisdiction matrix of tokens, drawn by `triplane-report` (our own SVG,
    /// no remote content), without a title so the UI captions it in the user's language.
    pub heatmap_svg: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlaneScoreView {
    /// A plane, or `overall`.
    pub plane: String,
    pub grade: String,
    pub exposure: ExposureStatusView,
    pub exposed_to: Vec<String>,
    /// `full-reproducibility`, `partial-logs`, `black-box` or `unknown`.
    pub visibility: String,
    pub jurisdictions: Vec<String>,
}

/// Counts over the whole run. Numbers cross as `f64` (JavaScript numbers); counts stay exact
/// far beyond any simulated run.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TotalsView {
    pub sessions: f64,
    pub cycles: f64,
    pub flows: f64,
    pub tokens: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CostView {
    pub currency: String,
    pub amount: f64,
}

/// A policy rule broken during the run, with one hop that proves it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ViolationView {
    pub policy: String,
    pub rule: String,
    pub message: String,
    /// Flows breaking the rule over the whole run.
    pub flows: f64,
    /// `from → to`.
    pub hop: String,
    pub classes: Vec<String>,
    pub jurisdiction: String,
}

impl From<&triplane_sim::scorecard::PlaneScore> for PlaneScoreView {
    fn from(s: &triplane_sim::scorecard::PlaneScore) -> PlaneScoreView {
        PlaneScoreView {
            plane: s.plane.clone(),
            grade: s.grade.to_string(),
            exposure: match s.exposure {
                ExposureStatus::Exposed => ExposureStatusView::Exposed,
                ExposureStatus::NotExposed => ExposureStatusView::NotExposed,
                ExposureStatus::Unknown => ExposureStatusView::Unknown,
            },
            exposed_to: s.exposed_to.clone(),
            visibility: s.visibility.clone(),
            jurisdictions: s.jurisdictions.clone(),
        }
    }
}

impl From<&triplane_sim::SimReport> for SimulationView {
    fn from(r: &triplane_sim::SimReport) -> SimulationView {
        let heatmap_svg = triplane_report::exposure_heatmap_svg(
            &r.matrix,
            triplane_report::HeatmapValue::Tokens,
            "",
        );

        SimulationView {
            file: r.deployment.file.clone(),
            // The app only sends `u32` seeds; a wider one is the CLI's.
            seed: u32::try_from(r.seed).unwrap_or(u32::MAX),
            days: r.days,
            scorecard: r.scorecard.planes.iter().map(PlaneScoreView::from).collect(),
            overall: PlaneScoreView::from(&r.scorecard.overall),
            totals: TotalsView {
                sessions: r.totals.sessions as f64,
                cycles: r.totals.cycles as f64,
                flows: r.totals.flows as f64,
                tokens: r.totals.tokens as f64,
            },
            cost_per_month: r
                .cost
                .per_month
                .iter()
                .map(|(currency, amount)| CostView { currency: currency.clone(), amount: *amount })
                .collect(),
            unpriced: r.cost.unpriced.clone(),
            violations: r
                .violations
                .iter()
                .map(|v| ViolationView {
                    policy: v.policy.clone(),
                    rule: v.rule.clone(),
                    message: v.message.clone(),
                    flows: v.flows as f64,
                    hop: v.proof.hop.clone(),
                    classes: v.proof.classes.clone(),
                    jurisdiction: v.proof.jurisdiction.clone(),
                })
                .collect(),
            heatmap_svg,
        }
    }
}

/// The open deployment and one to three bundled examples simulated with the same seed, side by
/// side.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComparisonView {
    pub seed: u32,
    pub days: u32,
    pub variants: Vec<VariantView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VariantView {
    pub name: String,
    pub file: String,
    /// Per plane and `overall`, in plane-name order.
    pub grades: Vec<GradeView>,
    /// Violated rules, and the flows breaking them over the run.
    pub violations: f64,
    pub violating_flows: f64,
    pub violated_rules: Vec<String>,
    pub cost_per_month: Vec<CostView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GradeView {
    pub plane: String,
    pub grade: String,
}

impl From<&triplane_sim::compare::Comparison> for ComparisonView {
    fn from(c: &triplane_sim::compare::Comparison) -> ComparisonView {
        ComparisonView {
            // The app only sends `u32` seeds; a wider one is the CLI's.
            seed: u32::try_from(c.seed).unwrap_or(u32::MAX),
            days: c.days,
            variants: c
                .variants
                .iter()
                .map(|v| VariantView {
                    name: v.name.clone(),
                    file: v.file.clone(),
                    grades: v
                        .grades
                        .iter()
                        .map(|(plane, g)| GradeView { plane: plane.clone(), grade: g.to_string() })
                        .collect(),
                    violations: v.violations as f64,
                    violating_flows: v.violating_flows as f64,
                    violated_rules: v.violated_rules.clone(),
                    cost_per_month: v
                        .cost_per_month
                        .iter()
                        .map(|(currency, amount)| CostView {
                            currency: currency.clone(),
                            amount: *amount,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
