//! Wire types of the deployment file (`triplane: 1`) and of the catalog files. These types
//! *are* the file format, so they carry serde derives; every struct refuses unknown keys.
//! `docs/deployment-file.md` documents each field; keep the two in step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fact::{Fact, Source};

/// The planes of an agent deployment, plus the connectivity parts between them and the users
/// at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plane {
    Inference,
    Orchestration,
    Execution,
    Connectivity,
    Users,
}

impl Plane {
    pub const ALL: [Plane; 5] = [
        Plane::Users,
        Plane::Orchestration,
        Plane::Inference,
        Plane::Connectivity,
        Plane::Execution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Plane::Inference => "inference",
            Plane::Orchestration => "orchestration",
            Plane::Execution => "execution",
            Plane::Connectivity => "connectivity",
            Plane::Users => "users",
        }
    }
}

/// The API a model endpoint offering speaks, as the router export needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelApi {
    /// Anthropic's Messages API (`api.anthropic.com`, or the same API resold elsewhere).
    Anthropic,
    /// Amazon Bedrock's runtime API, with AWS credentials and a region.
    Bedrock,
    /// Google Vertex AI, with a Google Cloud project and a location.
    VertexAi,
    /// Mistral's own API (`api.mistral.ai`).
    Mistral,
    /// An OpenAI-compatible chat completions API at a base URL.
    OpenaiCompatible,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    ModelEndpoint,
    Orchestrator,
    Router,
    Gateway,
    Tunnel,
    Sandbox,
    McpServer,
    DataStore,
    Users,
}

impl ComponentKind {
    /// The plane a component of this kind belongs to.
    pub fn plane(self) -> Plane {
        match self {
            ComponentKind::ModelEndpoint => Plane::Inference,
            ComponentKind::Orchestrator | ComponentKind::Router => Plane::Orchestration,
            ComponentKind::Sandbox | ComponentKind::McpServer | ComponentKind::DataStore => {
                Plane::Execution
            }
            ComponentKind::Gateway | ComponentKind::Tunnel => Plane::Connectivity,
            ComponentKind::Users => Plane::Users,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::ModelEndpoint => "model-endpoint",
            ComponentKind::Orchestrator => "orchestrator",
            ComponentKind::Router => "router",
            ComponentKind::Gateway => "gateway",
            ComponentKind::Tunnel => "tunnel",
            ComponentKind::Sandbox => "sandbox",
            ComponentKind::McpServer => "mcp-server",
            ComponentKind::DataStore => "data-store",
            ComponentKind::Users => "users",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    BlackBox,
    PartialLogs,
    FullReproducibility,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::BlackBox => "black-box",
            Visibility::PartialLogs => "partial-logs",
            Visibility::FullReproducibility => "full-reproducibility",
        }
    }
}

/// A legal entity that runs a site or an offering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorSpec {
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2 country of incorporation.
    pub country: Fact<String>,
    /// The operator that controls this one (`null` when none, `unknown` when not established).
    #[serde(default = "no_parent")]
    pub parent: Fact<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn no_parent() -> Fact<Option<String>> {
    Fact::own(None)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    CloudRegion,
    OnPremises,
    Colocation,
    Edge,
    Global,
}

/// Where a component runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    pub id: String,
    pub name: String,
    pub kind: SiteKind,
    /// Who runs the site (the cloud provider's local entity, or the customer for on-premises).
    pub operator: String,
    /// ISO 3166-1 alpha-2 country; `unknown` for a global or undisclosed location.
    pub country: Fact<String>,
    /// The provider's own region code (`eu-central-1`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An entity an offering relies on that sees the data in the clear or controls the service:
/// an edge network in front of a tunnel, a sandbox's control plane, a hosting provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubprocessorSpec {
    pub operator: String,
    pub role: String,
    /// Where that subprocessor handles the data, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// Published prices, per million tokens for model endpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceSpec {
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_mtok: Option<f64>,
    /// For services billed by time (sandboxes, gateways).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_hour: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Typical latency figures when no benchmark run exists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySpec {
    /// Time to first token, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<f64>,
    /// Output tokens per second once streaming.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens_per_s: Option<f64>,
    /// Fixed processing time per call for non-model components, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Something you can deploy or buy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferingSpec {
    pub id: String,
    pub name: String,
    pub kind: ComponentKind,
    /// Who runs it. For self-hosted software, the vendor; the site's operator runs it.
    pub operator: String,
    /// True when the customer runs it on a site of its choosing: exposure then follows the
    /// component's site operator, not the vendor.
    #[serde(default, skip_serializing_if = "is_false")]
    pub self_hosted: bool,
    /// Sites it is offered in; the component picks one (or the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<String>,
    #[serde(default = "no_subprocessors")]
    pub subprocessors: Fact<Vec<SubprocessorSpec>>,
    #[serde(default = "no_certifications")]
    pub certifications: Fact<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Fact<Visibility>>,
    /// How long prompts and outputs are kept, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Fact<String>>,
    /// Model name for model endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// How clients call a model endpoint; the router export picks its LiteLLM provider from
    /// it. Absent means an OpenAI-compatible API at a URL the deployer sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn no_subprocessors() -> Fact<Vec<SubprocessorSpec>> {
    Fact::unknown()
}

fn no_certifications() -> Fact<Vec<String>> {
    Fact::unknown()
}

// ----- deployment file -----

pub const FORMAT_VERSION: u32 = 1;

/// A deployment file, as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    pub triplane: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Project-local operators, sites and offerings, for what the catalog lacks (the
    /// customer's own datacenter, an internal MCP server).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<OperatorSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<SiteSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offerings: Vec<OfferingSpec>,
    /// Data classes added to the built-in six.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClassSpec>,
    pub components: ComponentsSpec,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingSpec>,
    /// Policy packs to evaluate (`gdpr-strict`, `secnumcloud`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CandidateSpec>,
}

/// Components grouped by plane.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentsSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<ComponentSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orchestration: Vec<ComponentSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inference: Vec<ComponentSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectivity: Vec<ComponentSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub execution: Vec<ComponentSpec>,
}

impl ComponentsSpec {
    /// Every component with its plane and its path in the file.
    pub fn iter(&self) -> impl Iterator<Item = (Plane, String, &ComponentSpec)> {
        let lanes = [
            (Plane::Users, &self.users),
            (Plane::Orchestration, &self.orchestration),
            (Plane::Inference, &self.inference),
            (Plane::Connectivity, &self.connectivity),
            (Plane::Execution, &self.execution),
        ];
        lanes.into_iter().flat_map(|(plane, list)| {
            list.iter()
                .enumerate()
                .map(move |(i, c)| (plane, format!("components.{}[{i}]", plane.as_str()), c))
        })
    }

    pub fn lane_mut(&mut self, plane: Plane) -> &mut Vec<ComponentSpec> {
        match plane {
            Plane::Users => &mut self.users,
            Plane::Orchestration => &mut self.orchestration,
            Plane::Inference => &mut self.inference,
            Plane::Connectivity => &mut self.connectivity,
            Plane::Execution => &mut self.execution,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: ComponentKind,
    /// A catalog or project-local offering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offering: Option<String>,
    /// Where it runs; required for self-hosted offerings and inline components.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Who runs it, for inline components without an offering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Data classes this component is approved to handle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<String>,
    /// The deployment's own choice of what it logs and keeps, overriding the offering's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySpec>,
    /// The deployment's own price figures (a negotiated rate, or list prices the catalog
    /// does not carry), overriding the offering's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp: Option<McpSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<ServingSpec>,
    /// For a `sandbox`: the container its tools run in, pinned by digest
    /// (`REPOSITORY@sha256:<64 hex>`); without it the export writes a placeholder to replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<SelfHostedCostSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An MCP server's connection, the tools approved for the agent, and optionally the
/// `tools/list` captured when they were approved (the pins are computed from it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpSpec {
    /// Where the gateway reaches it (`http://10.0.4.2:8080/mcp`).
    pub url: String,
    #[serde(default = "default_transport")]
    pub transport: String,
    /// Tool names the agent may call; empty means every tool in `tools`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approved: Vec<String>,
    /// `tools` of a captured `tools/list` result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<serde_json::Value>>,
    /// `host:port` the server itself must reach (its database, its API).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<String>,
    /// Class mix of this server's tool results, overriding the workload's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_classes: Option<BTreeMap<String, f64>>,
}

fn default_transport() -> String {
    "streamable-http".into()
}

/// How a self-hosted model is served.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServingSpec {
    pub engine: ServingEngine,
    /// Model repository id or path to weights.
    pub weights: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantization: Option<String>,
    pub context_length: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_memory_utilization: Option<f64>,
    /// The serving container image, pinned by digest (`REPOSITORY@sha256:<64 hex>`); without
    /// it the export uses the engine's upstream image by tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// Why `image` is not a digest-pinned container image reference, if it is not one. A tag can
/// be moved to other bytes after review; a digest cannot.
pub fn image_digest_problem(image: &str) -> Option<String> {
    let Some((repository, digest)) = image.split_once("@sha256:") else {
        return Some(format!(
            "`{image}` is not pinned by digest; write `REPOSITORY@sha256:<64 hex>`"
        ));
    };
    let repository_ok = !repository.is_empty()
        && repository
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "./_-:".contains(c));
    if !repository_ok {
        return Some(format!(
            "`{repository}` is not an image repository (lowercase letters, digits, `./_-:`)"
        ));
    }
    let digest_ok = digest.len() == 64
        && digest.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if !digest_ok {
        return Some(format!("the digest of `{image}` is not 64 lowercase hex digits"));
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServingEngine {
    Vllm,
    LlamaCpp,
}

/// What owning the hardware costs, for self-hosted components.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfHostedCostSpec {
    pub currency: String,
    pub hardware: f64,
    pub amortisation_months: u32,
    #[serde(default)]
    pub power_watts: f64,
    #[serde(default)]
    pub energy_per_kwh: f64,
    #[serde(default)]
    pub operations_per_month: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataClassSpec {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Higher is more sensitive; the built-ins run from 0 (public) to 5 (restricted).
    pub rank: u8,
    /// Whether GDPR treats it as personal data.
    #[serde(default, skip_serializing_if = "is_false")]
    pub personal: bool,
}

/// A call relation: `from` sends requests to `to` (responses come back on the same link).
/// Calls form a graph without cycles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSpec {
    /// The router component.
    pub router: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classifier: Option<ClassifierSpec>,
    pub routes: Vec<RouteSpec>,
    /// The route for unclassified or uncertain requests.
    pub default: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierSpec {
    /// The model component that labels requests.
    pub component: String,
    /// Share of sensitive requests labelled as a less sensitive class (0 to 1).
    pub false_negative_rate: f64,
    /// Share of non-sensitive requests labelled as more sensitive (0 to 1).
    pub false_positive_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    pub id: String,
    pub classes: Vec<String>,
    pub models: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<String>,
}

/// A number drawn per session or per step: a constant, or a distribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DistSpec {
    Constant(f64),
    Dist(DistParams),
}

// Written by hand rather than `#[serde(untagged)]`: untagged buffers the input, which loses
// the positions and the "unknown field" hints inside the mapping form.
impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, or a mapping with `dist` and its parameters")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<DistSpec, E> {
                Ok(DistSpec::Constant(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DistSpec, E> {
                Ok(DistSpec::Constant(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DistSpec, E> {
                Ok(DistSpec::Constant(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
                DistParams::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(DistSpec::Dist)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistParams {
    pub dist: DistKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistKind {
    Constant,
    Uniform,
    Normal,
    Lognormal,
    Poisson,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    pub sessions_per_day: DistSpec,
    pub turns_per_session: DistSpec,
    pub tool_calls_per_turn: DistSpec,
    pub tokens: TokensSpec,
    /// Share of each data class in user prompts (sums to 1).
    pub prompt_classes: BTreeMap<String, f64>,
    /// Share of each data class in tool results (sums to 1).
    pub tool_result_classes: BTreeMap<String, f64>,
    /// Bytes per token for converting sizes, 4 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_token: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokensSpec {
    pub prompt: DistSpec,
    pub completion: DistSpec,
    pub tool_call: DistSpec,
    pub tool_result: DistSpec,
}

/// A model endpoint that benchmark runs attach to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateSpec {
    pub id: String,
    pub component: String,
    pub api: CandidateApi,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    pub model: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CandidateApi {
    Openai,
    Anthropic,
    Ollama,
}

// ----- catalog files -----

/// What a law or framework does to a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LawEffect {
    /// Lets authorities compel access to data (US CLOUD Act, FISA 702, EO 12333).
    CompelledAccess,
    /// Duties on whoever processes data (GDPR, NIS2, DORA, AI Act, CRA).
    Obligation,
    /// A qualification or certification a service may hold (SecNumCloud, HDS, C5).
    Qualification,
}

/// How a compelled-access law reaches a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LawReach {
    /// Through any entity of the operator chain incorporated in the law's jurisdiction.
    OperatorChain,
    /// Through data travelling outside the deployment's home area (EU/EEA).
    Transit,
    /// Not applicable (obligations and qualifications).
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LawSpec {
    pub id: String,
    pub name: String,
    pub effect: LawEffect,
    /// The legal order: `US`, `EU`, `FR`, …
    pub jurisdiction: String,
    pub reach: LawReach,
    pub summary: String,
    pub sources: Vec<Source>,
    pub confidence: crate::fact::Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
