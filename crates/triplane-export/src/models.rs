//! What the generators need to know about model components: whether a model counts as
//! sovereign, and how LiteLLM reaches it (provider prefix, base URL and key variables).

use serde_json::{json, Map, Value};
use triplane_model::{Component, ExposureStatus};

/// Whether a model may receive classified traffic.
///
/// Sovereign means: at least one compelled-access law was evaluated and none reaches the
/// component. `unknown` exposure counts as non-sovereign, because a model we cannot show to
/// be out of reach must never receive the traffic that goes sovereign by default.
pub fn is_sovereign(c: &Component) -> bool {
    !c.exposure.is_empty() && c.exposure.iter().all(|e| e.status == ExposureStatus::NotExposed)
}

/// `COMPONENT_ID` in upper snake case, for environment variable names.
pub fn env_name(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
        .collect()
}

/// The model name a component serves or is called with.
pub fn model_name(c: &Component) -> String {
    c.model
        .clone()
        .or_else(|| c.serving.as_ref().map(|s| s.weights.clone()))
        .unwrap_or_else(|| c.id.clone())
}

/// How LiteLLM calls a model component.
pub struct Upstream {
    pub litellm_params: Map<String, Value>,
    /// `(variable, what it holds)` for the README and the `.env.example`.
    pub env: Vec<(String, String)>,
    /// True for OpenAI-compatible endpoints the pre-call hook can call itself (the
    /// classifier), with the variables holding its base URL and key.
    pub openai_compatible: Option<(String, String)>,
}

/// The provider is read from the offering and operator ids, since the catalog has no
/// provider field.
// FIXME: a `provider` field on catalog offerings would replace this id matching.
pub fn upstream(c: &Component) -> Upstream {
    let offering = c.offering.as_ref().map(|o| o.id.to_lowercase()).unwrap_or_default();
    let operators: Vec<String> =
        c.operator_chain.iter().map(|e| e.operator.to_lowercase()).collect();
    let has = |word: &str| offering.contains(word) || operators.iter().any(|o| o.contains(word));
    let model = model_name(c);
    let region = c.site.as_ref().and_then(|s| s.region.clone());
    let mut env = Vec::new();
    let mut p = Map::new();

    if !c.self_hosted && has("bedrock") {
        p.insert("model".into(), json!(format!("bedrock/{model}")));
        if let Some(r) = region {
            p.insert("aws_region_name".into(), json!(r));
        }
        p.insert("aws_access_key_id".into(), json!("os.environ/AWS_ACCESS_KEY_ID"));
        p.insert("aws_secret_access_key".into(), json!("os.environ/AWS_SECRET_ACCESS_KEY"));
        env.push(("AWS_ACCESS_KEY_ID".into(), "AWS access key for Bedrock".into()));
        env.push(("AWS_SECRET_ACCESS_KEY".into(), "AWS secret key for Bedrock".into()));
    } else if !c.self_hosted && has("vertex") {
        p.insert("model".into(), json!(format!("vertex_ai/{model}")));
        if let Some(r) = region {
            p.insert("vertex_location".into(), json!(r));
        }
        p.insert("vertex_project".into(), json!("os.environ/VERTEX_PROJECT"));
        env.push(("VERTEX_PROJECT".into(), "Google Cloud project id".into()));
        env.push((
            "GOOGLE_APPLICATION_CREDENTIALS".into(),
            "path to the service-account file".into(),
        ));
    } else if !c.self_hosted && has("anthropic") {
        p.insert("model".into(), json!(format!("anthropic/{model}")));
        p.insert("api_key".into(), json!("os.environ/ANTHROPIC_API_KEY"));
        env.push(("ANTHROPIC_API_KEY".into(), "Anthropic API key".into()));
    } else if !c.self_hosted && has("mistral") {
        p.insert("model".into(), json!(format!("mistral/{model}")));
        p.insert("api_key".into(), json!("os.environ/MISTRAL_API_KEY"));
        env.push(("MISTRAL_API_KEY".into(), "Mistral API key".into()));
    } else {
        let base = format!("{}_API_BASE", env_name(&c.id));
        let key = format!("{}_API_KEY", env_name(&c.id));
        p.insert("model".into(), json!(format!("openai/{model}")));
        p.insert("api_base".into(), json!(format!("os.environ/{base}")));
        p.insert("api_key".into(), json!(format!("os.environ/{key}")));
        let default = c
            .serving
            .as_ref()
            .map(|s| format!(" (the bundled server: http://{}:{}/v1)", c.id, serving_port(c, s)))
            .unwrap_or_default();
        env.push((base.clone(), format!("OpenAI-compatible base URL of `{}`{default}", c.id)));
        env.push((key.clone(), format!("API key of `{}`", c.id)));
        return Upstream { litellm_params: p, env, openai_compatible: Some((base, key)) };
    }
    Upstream { litellm_params: p, env, openai_compatible: None }
}

/// The port a self-hosted model listens on: its own, or the engine's usual one.
pub fn serving_port(_c: &Component, s: &triplane_model::ServingSpec) -> u16 {
    s.port.unwrap_or(match s.engine {
        triplane_model::ServingEngine::Vllm => 8000,
        triplane_model::ServingEngine::LlamaCpp => 8080,
    })
}
