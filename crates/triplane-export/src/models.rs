//! What the generators need to know about model components: whether a model counts as
//! sovereign, and how LiteLLM reaches it (provider prefix, base URL and key variables).

use serde_json::{json, Map, Value};
use triplane_model::{Component, ExposureStatus, ModelApi};

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

/// The provider comes from the offering's `api` in the catalog. A self-hosted model, a
/// component without an offering and an offering that states no API are called as
/// OpenAI-compatible at a base URL the deployer sets: the export never guesses a provider from
/// names (an `outscale-mistral` offering is not Mistral's own endpoint).
pub fn upstream(c: &Component) -> Upstream {
    let api = match c.offering.as_ref().and_then(|o| o.api) {
        Some(api) if !c.self_hosted => api,
        _ => ModelApi::OpenaiCompatible,
    };
    let model = model_name(c);
    let region = c.site.as_ref().and_then(|s| s.region.clone());
    let mut env = Vec::new();
    let mut p = Map::new();

    if api == ModelApi::Bedrock {
        p.insert("model".into(), json!(format!("bedrock/{model}")));
        if let Some(r) = region {
            p.insert("aws_region_name".into(), json!(r));
        }
        p.insert("aws_access_key_id".into(), json!("os.environ/AWS_ACCESS_KEY_ID"));
        p.insert("aws_secret_access_key".into(), json!("os.environ/AWS_SECRET_ACCESS_KEY"));
        env.push(("AWS_ACCESS_KEY_ID".into(), "AWS access key for Bedrock".into()));
        env.push(("AWS_SECRET_ACCESS_KEY".into(), "AWS secret key for Bedrock".into()));
    } else if api == ModelApi::VertexAi {
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
    } else if api == ModelApi::Anthropic {
        p.insert("model".into(), json!(format!("anthropic/{model}")));
        p.insert("api_key".into(), json!("os.environ/ANTHROPIC_API_KEY"));
        env.push(("ANTHROPIC_API_KEY".into(), "Anthropic API key".into()));
    } else if api == ModelApi::Mistral {
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

#[cfg(test)]
mod tests {
    use super::*;
    use triplane_model::{Catalog, Deployment};

    const HYBRID: &str = include_str!("../../../assets/examples/hybrid.yaml");

    /// The hybrid example with its frontier model on another catalog offering, at its site.
    fn hybrid_with(offering: &str) -> Deployment {
        let catalog = Catalog::bundled().unwrap();
        let site = &catalog.offerings[offering].sites[0];
        let text = HYBRID.replace(
            "offering: claude-api\n      site: anthropic-us",
            &format!("offering: {offering}\n      site: {site}"),
        );
        assert_ne!(text, HYBRID, "the hybrid example names claude-api at anthropic-us");
        triplane_model::load_bytes("hybrid.yaml", text.as_bytes(), &catalog).unwrap()
    }

    fn model_param(d: &Deployment) -> String {
        let c = d.components.iter().find(|c| c.id == "claude").unwrap();
        upstream(c).litellm_params["model"].as_str().unwrap().to_string()
    }

    #[test]
    fn the_provider_is_the_offerings_api() {
        assert_eq!(model_param(&hybrid_with("claude-api")), "anthropic/claude-sonnet-4-6");
        assert!(model_param(&hybrid_with("claude-bedrock-eu-central-1")).starts_with("bedrock/"));
        assert!(model_param(&hybrid_with("claude-vertex-eu")).starts_with("vertex_ai/"));
        assert!(model_param(&hybrid_with("mistral-la-plateforme-eu")).starts_with("mistral/"));
    }

    /// Matching ids sent `outscale-mistral` to Mistral's own API: a name is not an endpoint.
    #[test]
    fn an_offering_named_after_a_provider_is_not_called_as_that_provider() {
        let d = hybrid_with("outscale-mistral");
        let c = d.components.iter().find(|c| c.id == "claude").unwrap();
        let up = upstream(c);
        assert_eq!(up.litellm_params["api_base"], "os.environ/CLAUDE_API_BASE");
        assert!(up.litellm_params["model"].as_str().unwrap().starts_with("openai/"));
    }

    #[test]
    fn every_model_offering_but_outscale_states_its_api() {
        let catalog = Catalog::bundled().unwrap();
        let missing: Vec<&str> = catalog
            .offerings
            .values()
            .filter(|o| o.kind == triplane_model::ComponentKind::ModelEndpoint && o.api.is_none())
            .map(|o| o.id.as_str())
            .collect();
        // Outscale's API for Mistral models is not documented in the sources we hold.
        assert_eq!(missing, ["outscale-mistral"], "model offerings without `api`");
    }
}
