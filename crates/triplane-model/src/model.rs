//! The resolved model: a deployment file checked and joined with the catalog, each component
//! with its site, its operator chain, its jurisdictions, its exposure per compelled-access law
//! and its visibility. This is what the simulation, the export, the report and `show` read.
//!
//! These types serialize as the documented `triplane show --json` shape.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::fact::{Confidence, Known, Source};
use crate::spec::{
    CandidateSpec, ComponentKind, DataClassSpec, DeploymentFile, LatencySpec, McpSpec, ModelApi,
    Plane, PriceSpec, RoutingSpec, SelfHostedCostSpec, ServingSpec, SiteKind, Visibility,
    WorkloadSpec,
};
use crate::yaml::Positions;

#[derive(Clone, Debug, Serialize)]
pub struct Deployment {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The file it was read from, as given.
    pub file: String,
    /// `sha256:` of the file's bytes.
    pub hash: String,
    pub components: Vec<Component>,
    pub links: Vec<Link>,
    pub data_classes: Vec<DataClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingSpec>,
    pub policies: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadSpec>,
    pub candidates: Vec<CandidateSpec>,
    /// The file as read, for saving and exporting.
    #[serde(skip)]
    pub spec: DeploymentFile,
    /// Where each field of the file is, for positioned errors in later stages.
    #[serde(skip)]
    pub positions: Positions,
}

impl Deployment {
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    pub fn data_class(&self, id: &str) -> Option<&DataClass> {
        self.data_classes.iter().find(|c| c.id == id)
    }

    /// Components this one calls.
    pub fn callees<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Component> + 'a {
        self.links.iter().filter(move |l| l.from == id).filter_map(|l| self.component(&l.to))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataClass {
    pub id: String,
    pub name: String,
    pub rank: u8,
    pub personal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub builtin: bool,
}

impl DataClass {
    fn from_spec(spec: &DataClassSpec, builtin: bool) -> DataClass {
        DataClass {
            id: spec.id.clone(),
            name: spec.name.clone(),
            rank: spec.rank,
            personal: spec.personal,
            description: spec.description.clone(),
            builtin,
        }
    }
}

/// The six data classes every deployment has.
pub fn builtin_data_classes() -> Vec<DataClass> {
    let b = |id: &str, name: &str, rank, personal, description: &str| DataClass {
        id: id.into(),
        name: name.into(),
        rank,
        personal,
        description: Some(description.into()),
        builtin: true,
    };
    vec![
        b("public", "Public", 0, false, "published or publishable information"),
        b("internal", "Internal", 1, false, "ordinary internal working data"),
        b(
            "confidential",
            "Confidential",
            2,
            false,
            "business secrets, contracts, security details",
        ),
        b(
            "personal",
            "Personal (GDPR)",
            3,
            true,
            "data about an identified or identifiable person",
        ),
        b("special", "Special category (GDPR art. 9)", 4, true, "health, beliefs, biometrics…"),
        b(
            "restricted",
            "Restricted",
            5,
            false,
            "protected national information (e.g. Diffusion Restreinte)",
        ),
    ]
}

impl DataClassSpec {
    pub(crate) fn resolve(&self) -> DataClass {
        DataClass::from_spec(self, false)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub plane: Plane,
    pub kind: ComponentKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offering: Option<OfferingRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// True when the deployment's owner runs it on a site of its choosing.
    pub self_hosted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteRef>,
    /// Every legal entity that runs, controls or sees the data of this component.
    pub operator_chain: Vec<ChainEntity>,
    /// Countries of the chain and of the site; `EU` is added for EU/EEA members.
    pub jurisdictions: Vec<String>,
    pub exposure: Vec<Exposure>,
    pub visibility: VisibilityFinding,
    pub certifications: Known<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<Known<String>>,
    pub data_classes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<SelfHostedCostSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcp: Option<McpSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving: Option<ServingSpec>,
    /// A sandbox's container image, pinned by digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Component {
    pub fn exposure(&self, law: &str) -> Option<&Exposure> {
        self.exposure.iter().find(|e| e.law == law)
    }

    /// The worst exposure status over all compelled-access laws.
    pub fn overall_exposure(&self) -> ExposureStatus {
        self.exposure.iter().map(|e| e.status).max().unwrap_or(ExposureStatus::Unknown)
    }

    /// True when `jurisdiction` appears in the chain or the site.
    pub fn in_jurisdiction(&self, jurisdiction: &str) -> bool {
        self.jurisdictions.iter().any(|j| j == jurisdiction)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct OfferingRef {
    pub id: String,
    pub name: String,
    /// `catalog` or `project`.
    pub origin: &'static str,
    /// The API of a model endpoint offering, when the catalog states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteRef {
    pub id: String,
    pub name: String,
    pub kind: SiteKind,
    pub country: Known<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub operator: String,
}

/// Why an entity is in a component's chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChainRole {
    /// Runs the offering.
    Operator,
    /// Runs the site the component is on.
    SiteOperator,
    /// Controls `of`.
    Parent { of: String },
    /// Handles the data or controls the service for the offering.
    Subprocessor { role: String },
}

#[derive(Clone, Debug, Serialize)]
pub struct ChainEntity {
    pub operator: String,
    pub name: String,
    pub country: Known<String>,
    pub role: ChainRole,
    pub sources: Vec<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExposureStatus {
    NotExposed,
    Unknown,
    Exposed,
}

impl ExposureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExposureStatus::NotExposed => "not-exposed",
            ExposureStatus::Unknown => "unknown",
            ExposureStatus::Exposed => "exposed",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Exposure {
    pub law: String,
    pub law_name: String,
    pub jurisdiction: String,
    pub status: ExposureStatus,
    pub reasons: Vec<Reason>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// What the deployment's owner can audit, and on what basis that is said.
#[derive(Clone, Debug, Serialize)]
pub struct VisibilityFinding {
    pub value: Known<Visibility>,
    /// `own-choice` (set in the deployment file), `offering` (the catalog, with sources) or
    /// `unknown`.
    pub basis: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// EU member states plus the EEA's Iceland, Liechtenstein and Norway.
pub const EU_EEA: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

pub fn in_eu_eea(country: &str) -> bool {
    country == "EU" || EU_EEA.contains(&country)
}

/// The jurisdiction set of a chain and a site: each country, plus `EU` for EU/EEA members.
pub(crate) fn jurisdictions_of(countries: impl Iterator<Item = String>) -> Vec<String> {
    let mut set = BTreeSet::new();
    for c in countries {
        if in_eu_eea(&c) {
            set.insert("EU".to_string());
        }
        set.insert(c);
    }
    set.into_iter().collect()
}

/// Summary counts per plane, used by `show` and the app's lanes.
pub fn exposure_by_plane(d: &Deployment) -> BTreeMap<Plane, ExposureStatus> {
    let mut out = BTreeMap::new();
    for c in &d.components {
        let e = out.entry(c.plane).or_insert(ExposureStatus::NotExposed);
        *e = (*e).max(c.overall_exposure());
    }
    out
}
