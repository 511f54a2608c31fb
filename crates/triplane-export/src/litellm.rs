//! The router: a LiteLLM proxy `config.yaml`, its pre-call hook, and the lint that guards
//! both.
//!
//! One model group per route, and a route is either wholly sovereign or wholly not: a group
//! that mixes the two leaks classified traffic the day a tag, default or fallback rule of the
//! router behaves differently than documented (field cases L02, L03). The request's data
//! class picks the group in our own hook, not in LiteLLM's tag routing, whose semantics
//! changed between releases; unclassified or uncertain requests go to the default route,
//! which must be sovereign. Fallbacks never lower the ceiling (L04).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Map, Value};
use triplane_model::{Component, ComponentKind, Deployment};

use crate::models::{self, is_sovereign};
use crate::ExportError;

/// Top-level keys the LiteLLM proxy reads; anything else is silently ignored by it.
const TOP_LEVEL: [&str; 8] = [
    "model_list",
    "router_settings",
    "litellm_settings",
    "general_settings",
    "environment_variables",
    "guardrails",
    "mcp_servers",
    "callback_settings",
];

const ROUTING_STRATEGIES: [&str; 8] = [
    "simple-shuffle",
    "lar1",
    "least-busy",
    "latency-based-routing",
    "cost-based-routing",
    "usage-based-routing-v2",
    "usage-based-routing",
    "provider-budget-routing",
];

const SECRET_KEYS: [&str; 7] = [
    "master_key",
    "api_key",
    "aws_access_key_id",
    "aws_secret_access_key",
    "authentication_token",
    "vertex_credentials",
    "database_url",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a LiteLLM config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.path {
            Some(p) => write!(f, "{sev}: `{p}`: {}", self.message),
            None => write!(f, "{sev}: {}", self.message),
        }
    }
}

/// Lints a LiteLLM proxy config. `sovereign` tells, for one `model_list` item, whether it is
/// a sovereign deployment (`None` when it cannot tell, which counts as non-sovereign).
pub fn lint(config: &Value, sovereign: &dyn Fn(&Value) -> Option<bool>) -> Vec<Finding> {
    let mut out = Vec::new();
    let err = |path: Option<String>, message: String| Finding {
        severity: Severity::Error,
        path,
        message,
    };
    let warn = |path: Option<String>, message: String| Finding {
        severity: Severity::Warning,
        path,
        message,
    };
    let Some(top) = config.as_object() else {
        return vec![err(None, "a LiteLLM config is a mapping".into())];
    };

    for key in top.keys().filter(|k| !TOP_LEVEL.contains(&k.as_str())) {
        out.push(err(
            Some(key.clone()),
            format!("unknown top-level key `{key}`; LiteLLM ignores it silently"),
        ));
    }

    // L01: master_key is read from general_settings (or the environment) only.
    let mut master_keys = 0;
    for section in ["litellm_settings", "router_settings", "environment_variables"] {
        if top.get(section).and_then(|s| s.get("master_key")).is_some() {
            master_keys += 1;
            out.push(err(
                Some(format!("{section}.master_key")),
                "master_key is only read from general_settings.master_key or LITELLM_MASTER_KEY; \
                 here it is ignored and the proxy may run without authentication"
                    .into(),
            ));
        }
    }
    if top.get("general_settings").and_then(|s| s.get("master_key")).is_none() && master_keys == 0 {
        out.push(err(
            Some("general_settings.master_key".into()),
            "no master_key; set `general_settings.master_key: os.environ/LITELLM_MASTER_KEY`"
                .into(),
        ));
    }
    literal_secrets(config, "", &mut out);

    let items = top.get("model_list").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut groups: BTreeMap<String, Vec<Option<bool>>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let name = item.get("model_name").and_then(Value::as_str).unwrap_or("");
        if item.pointer("/litellm_params/model").and_then(Value::as_str).is_none() {
            out.push(err(
                Some(format!("model_list[{i}].litellm_params.model")),
                "missing `model`; the proxy exits at start with `KeyError: 'model'`".into(),
            ));
        }
        groups.entry(name.to_string()).or_default().push(sovereign(item));
    }

    // L02: one group must never hold both a sovereign and a non-sovereign deployment.
    let group_sovereign = |g: &str| -> Option<bool> {
        let members = groups.get(g)?;
        Some(members.iter().all(|s| *s == Some(true)))
    };
    for (g, members) in &groups {
        let sov = members.iter().filter(|s| **s == Some(true)).count();
        if sov > 0 && sov < members.len() {
            out.push(err(
                None,
                format!(
                "model group '{g}' mixes a sovereign deployment and a non-sovereign deployment; a \
                 router default/fallback/tag regression can leak classified traffic. Split into \
                 separate model names (e.g. {g}-souverain, {g}-frontiere) and let Triplane's \
                 classification router choose the model name."
            ),
            ));
        }
    }

    let router = top.get("router_settings").cloned().unwrap_or(Value::Null);
    let tag_filtering = router.get("enable_tag_filtering").and_then(Value::as_bool) == Some(true);
    let strategy = router.get("routing_strategy").and_then(Value::as_str);
    if let Some(s) = strategy.filter(|s| !ROUTING_STRATEGIES.contains(s)) {
        out.push(err(
            Some("router_settings.routing_strategy".into()),
            format!("unknown routing_strategy `{s}`; the proxy refuses to start"),
        ));
    }
    // L03: tag filtering reported as silently inactive in these combinations.
    if tag_filtering && groups.keys().any(|g| g.contains('*')) {
        out.push(warn(
            Some("model_list[*].model_name".into()),
            "wildcard model_name combined with tag filtering; tag routing not guaranteed".into(),
        ));
    }
    if tag_filtering && strategy.is_some_and(|s| s.starts_with("usage-based-routing")) {
        out.push(warn(
            Some("router_settings.routing_strategy".into()),
            "tag filtering reported ineffective with usage-based-routing; use simple-shuffle or \
             separate model names"
                .into(),
        ));
    }

    // Fallbacks never go from a sovereign group to a non-sovereign one.
    let mut fallback_sources = BTreeSet::new();
    for section in ["router_settings", "litellm_settings"] {
        for kind in ["fallbacks", "context_window_fallbacks", "content_policy_fallbacks"] {
            let list = top.get(section).and_then(|s| s.get(kind)).and_then(Value::as_array);
            for entry in list.into_iter().flatten().filter_map(Value::as_object) {
                for (from, targets) in entry {
                    fallback_sources.insert(from.clone());
                    for to in targets.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        if !groups.contains_key(to) {
                            out.push(err(
                                Some(format!("{section}.{kind}")),
                                format!("fallback target `{to}` of `{from}` is not a model group"),
                            ));
                        } else if group_sovereign(from) == Some(true)
                            && group_sovereign(to) != Some(true)
                        {
                            out.push(err(
                                Some(format!("{section}.{kind}")),
                                format!(
                                    "fallback from sovereign group `{from}` to non-sovereign group \
                                     `{to}` lowers the data-class ceiling"
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }

    // L04: an alias does not inherit the fallbacks of the group it names.
    if let Some(aliases) = router.get("model_group_alias").and_then(Value::as_object) {
        for (alias, target) in aliases {
            let target = target.as_str().or_else(|| target.get("model").and_then(Value::as_str));
            if let Some(t) = target {
                if fallback_sources.contains(t) && !fallback_sources.contains(alias) {
                    out.push(warn(
                        Some(format!("router_settings.model_group_alias.{alias}")),
                        format!("alias '{alias}' has no fallbacks entry of its own; fallbacks on '{t}' may not apply"),
                    ));
                }
            }
        }
    }
    out
}

fn literal_secrets(v: &Value, path: &str, out: &mut Vec<Finding>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                let literal = child.as_str().is_some_and(|s| !s.starts_with("os.environ/"));
                if SECRET_KEYS.contains(&k.as_str()) && literal {
                    let var = if k == "master_key" {
                        "LITELLM_MASTER_KEY".to_string()
                    } else {
                        models::env_name(k)
                    };
                    out.push(Finding {
                        severity: Severity::Error,
                        path: Some(p.clone()),
                        message: format!("literal secret in config; use os.environ/{var}"),
                    });
                }
                literal_secrets(child, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                literal_secrets(item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Sovereignty of a `model_list` item Triplane did not write, from its provider and base
/// URL: a self-hosted OpenAI-compatible server on an internal host counts as sovereign, a
/// hosted provider API as not; anything else is unknown.
pub fn heuristic_sovereignty(item: &Value) -> Option<bool> {
    let model = item.pointer("/litellm_params/model").and_then(Value::as_str).unwrap_or("");
    let provider = model.split('/').next().unwrap_or("");
    if ["anthropic", "bedrock", "vertex_ai", "azure", "gemini", "cohere", "groq"]
        .contains(&provider)
    {
        return Some(false);
    }
    let base = item.pointer("/litellm_params/api_base").and_then(Value::as_str)?;
    let host = base.split("://").nth(1)?.split(['/', ':']).next()?;
    let internal = host.ends_with(".internal")
        || host.ends_with(".local")
        || host.ends_with(".lan")
        || host == "localhost"
        || host.starts_with("10.")
        || host.starts_with("192.168.")
        || host.starts_with("127.");
    internal.then_some(true)
}

/// The files of the router folder.
pub struct RouterFiles {
    pub config: Value,
    pub hook: String,
    pub env: Vec<(String, String)>,
    /// `group name → sovereign`, for the README.
    pub groups: Vec<(String, bool, Vec<String>)>,
    pub public_name: String,
}

/// Builds the LiteLLM config and hook for the deployment's routing.
pub fn generate(
    d: &Deployment,
    mcp_servers: Option<Value>,
) -> Result<Option<RouterFiles>, ExportError> {
    let Some(routing) = &d.routing else {
        if let Some(r) = d.components.iter().find(|c| c.kind == ComponentKind::Router) {
            return Err(ExportError::Unsupported {
                component: r.id.clone(),
                reason: "a router needs a `routing` section to export".into(),
            });
        }
        return Ok(None);
    };
    let invalid =
        |reason: String| ExportError::Unsupported { component: routing.router.clone(), reason };
    let model = |id: &str| d.component(id).ok_or_else(|| invalid(format!("unknown model `{id}`")));
    let public_name = routing.router.clone();

    let mut model_list = Vec::new();
    let mut env: Vec<(String, String)> = vec![(
        "LITELLM_MASTER_KEY".into(),
        "the proxy's master key (`sk-` and 32+ random characters)".into(),
    )];
    let mut groups = Vec::new();
    let mut fallbacks = Vec::new();
    let mut sovereign_ids = BTreeMap::new();
    let mut class_group: BTreeMap<String, (String, String)> = BTreeMap::new();

    for route in &routing.routes {
        let group = format!("{public_name}-{}", route.id);
        let members: Vec<&Component> =
            route.models.iter().map(|m| model(m)).collect::<Result<_, _>>()?;
        let sov: Vec<bool> = members.iter().map(|c| is_sovereign(c)).collect();
        if sov.iter().any(|s| *s) && !sov.iter().all(|s| *s) {
            return Err(invalid(format!(
                "route `{}` mixes sovereign and non-sovereign models; split it into two routes",
                route.id
            )));
        }
        let route_sovereign = sov.first().copied().unwrap_or(false);
        for c in &members {
            push_deployment(&mut model_list, &mut env, &mut sovereign_ids, &group, &route.id, c);
        }
        groups.push((group.clone(), route_sovereign, route.classes.clone()));

        if !route.fallbacks.is_empty() {
            let fb_group = format!("{group}-fallback");
            for id in &route.fallbacks {
                let c = model(id)?;
                if route_sovereign && !is_sovereign(c) {
                    return Err(invalid(format!(
                        "route `{}` is sovereign but its fallback `{id}` is not; a fallback never \
                         lowers the data-class ceiling",
                        route.id
                    )));
                }
                push_deployment(
                    &mut model_list,
                    &mut env,
                    &mut sovereign_ids,
                    &fb_group,
                    &format!("{}-fallback", route.id),
                    c,
                );
            }
            fallbacks.push(json!({ group.clone(): [fb_group.clone()] }));
            groups.push((fb_group, route_sovereign, vec![]));
        }
        for class in &route.classes {
            if let Some((other, _)) =
                class_group.insert(class.clone(), (route.id.clone(), group.clone()))
            {
                return Err(invalid(format!(
                    "data class `{class}` is in routes `{other}` and `{}`",
                    route.id
                )));
            }
        }
    }

    let default_route = routing
        .routes
        .iter()
        .find(|r| r.id == routing.default)
        .ok_or_else(|| invalid("no default route".into()))?;
    let default_group = format!("{public_name}-{}", default_route.id);
    if !groups.iter().any(|(g, sov, _)| *g == default_group && *sov) {
        return Err(invalid(format!(
            "the default route `{}` is not sovereign; unclassified and uncertain requests must go \
             to a sovereign model",
            default_route.id
        )));
    }

    let classifier = match &routing.classifier {
        None => None,
        Some(cl) => {
            let c = model(&cl.component)?;
            if !is_sovereign(c) {
                return Err(invalid(format!(
                    "the classifier `{}` is not sovereign, and it reads every unclassified prompt",
                    c.id
                )));
            }
            let up = models::upstream(c);
            let Some((base, key)) = up.openai_compatible else {
                return Err(invalid(format!(
                    "the classifier `{}` must be an OpenAI-compatible endpoint",
                    c.id
                )));
            };
            for e in up.env {
                if !env.iter().any(|(n, _)| *n == e.0) {
                    env.push(e);
                }
            }
            Some(json!({"model": models::model_name(c), "api_base_env": base, "api_key_env": key}))
        }
    };

    let mut router_settings = Map::new();
    router_settings.insert("routing_strategy".into(), json!("simple-shuffle"));
    router_settings.insert("num_retries".into(), json!(1));
    if !fallbacks.is_empty() {
        router_settings.insert("fallbacks".into(), Value::Array(fallbacks));
    }
    let mut config = Map::new();
    config.insert("model_list".into(), Value::Array(model_list));
    config.insert("router_settings".into(), Value::Object(router_settings));
    config.insert(
        "litellm_settings".into(),
        json!({
            "callbacks": "triplane_hook.proxy_handler_instance",
            "drop_params": true,
            "turn_off_message_logging": true,
        }),
    );
    config
        .insert("general_settings".into(), json!({"master_key": "os.environ/LITELLM_MASTER_KEY"}));
    if let Some(m) = mcp_servers {
        config.insert("mcp_servers".into(), m);
    }
    let config = Value::Object(config);

    let findings = lint(&config, &|item| {
        let id = item.pointer("/model_info/id").and_then(Value::as_str)?;
        sovereign_ids.get(id).copied()
    });
    if !findings.is_empty() {
        return Err(ExportError::Lint { file: "router/config.yaml".into(), findings });
    }

    let ranks: BTreeMap<String, u8> =
        d.data_classes.iter().map(|c| (c.id.clone(), c.rank)).collect();
    let table = json!({
        "public_name": public_name,
        "default_group": default_group,
        "groups": groups.iter().map(|(g, _, _)| g.clone()).collect::<Vec<_>>(),
        "class_group": class_group.iter().map(|(c, (_, g))| (c.clone(), json!(g))).collect::<Map<_, _>>(),
        "class_rank": ranks,
        "classifier": classifier,
    });
    let hook = hook_source(&serde_json::to_string_pretty(&table).unwrap_or_default());
    Ok(Some(RouterFiles { config, hook, env, groups, public_name }))
}

fn push_deployment(
    list: &mut Vec<Value>,
    env: &mut Vec<(String, String)>,
    sovereign_ids: &mut BTreeMap<String, bool>,
    group: &str,
    route: &str,
    c: &Component,
) {
    let up = models::upstream(c);
    let id = format!("{route}.{}", c.id);
    sovereign_ids.insert(id.clone(), is_sovereign(c));
    for e in up.env {
        if !env.iter().any(|(n, _)| *n == e.0) {
            env.push(e);
        }
    }
    list.push(json!({
        "model_name": group,
        "litellm_params": Value::Object(up.litellm_params),
        "model_info": {"id": id},
    }));
}

/// The pre-call hook: Python that LiteLLM imports from the config's folder. The route table
/// is data at the top; the logic below it is the same for every bundle.
fn hook_source(table: &str) -> String {
    let mut out = String::from(
        "# Triplane pre-call hook for the LiteLLM proxy: the data class of a request picks its\n\
         # model group. Generated by Triplane; edit the deployment file, not this file.\n\
         #\n\
         # The class comes from the `x-triplane-data-class` header or `metadata.data_class` in\n\
         # the body (several classes: comma-separated, the most sensitive wins). Without one,\n\
         # the deployment's classifier model is asked; a label it cannot give exactly, a timeout\n\
         # or an error sends the request to the default (sovereign) group. The model the client\n\
         # named is always replaced, so a client cannot pick a weaker group by name.\n\
         import json\nimport logging\nimport os\n\nimport httpx\nfrom litellm.integrations.custom_logger import CustomLogger\n\n\
         ROUTES = json.loads(r'''\n",
    );
    out.push_str(table);
    out.push_str("\n''')\n");
    out.push_str(HOOK_BODY);
    out
}

const HOOK_BODY: &str = r#"
HEADER = "x-triplane-data-class"
LOG = logging.getLogger("triplane.router")


def _classes_from_request(data):
    request = data.get("proxy_server_request") or {}
    headers = {str(k).lower(): v for k, v in (request.get("headers") or {}).items()}
    raw = headers.get(HEADER)
    if not raw:
        for key in ("metadata", "litellm_metadata"):
            meta = data.get(key) or {}
            if isinstance(meta, dict) and meta.get("data_class"):
                raw = meta["data_class"]
                break
    if not raw:
        body = request.get("body") or {}
        meta = body.get("metadata") if isinstance(body, dict) else None
        if isinstance(meta, dict) and meta.get("data_class"):
            raw = meta["data_class"]
    if isinstance(raw, list):
        raw = ",".join(str(x) for x in raw)
    return [c.strip().lower() for c in str(raw).split(",") if c.strip()] if raw else []


def _group_for(classes):
    """The group of the most sensitive known class; None if any class is unknown."""
    ranked = []
    for c in classes:
        if c not in ROUTES["class_rank"]:
            return None
        ranked.append((ROUTES["class_rank"][c], c))
    if not ranked:
        return None
    _, top = max(ranked)
    return ROUTES["class_group"].get(top, ROUTES["default_group"])


def _prompt_text(data):
    parts = []
    for m in data.get("messages") or []:
        content = m.get("content") if isinstance(m, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(p.get("text", "") for p in content if isinstance(p, dict))
    return "\n".join(parts)


async def _classify(data):
    cl = ROUTES.get("classifier")
    if not cl:
        return []
    base = os.environ.get(cl["api_base_env"], "").rstrip("/")
    if not base:
        return []
    labels = ", ".join(sorted(ROUTES["class_rank"]))
    body = {
        "model": cl["model"],
        "temperature": 0,
        "max_tokens": 8,
        "messages": [
            {"role": "system", "content": "Label the data class of the user's text. Answer with exactly one of: " + labels + ". Answer with the label only."},
            {"role": "user", "content": _prompt_text(data)},
        ],
    }
    headers = {"Authorization": "Bearer " + os.environ.get(cl["api_key_env"], "")}
    try:
        async with httpx.AsyncClient(timeout=10.0) as client:
            r = await client.post(base + "/chat/completions", json=body, headers=headers)
            r.raise_for_status()
            label = r.json()["choices"][0]["message"]["content"]
    except Exception as e:  # any failure is "uncertain": the default group takes it
        LOG.warning("triplane: classifier failed (%s); default group", type(e).__name__)
        return []
    label = str(label).strip().strip(".").lower()
    return [label] if label in ROUTES["class_rank"] else []


class TriplaneRouting(CustomLogger):
    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        if "model" not in data:
            return data
        classes = _classes_from_request(data)
        source = "client"
        if not classes:
            classes = await _classify(data)
            source = "classifier"
        group = _group_for(classes) or ROUTES["default_group"]
        data["model"] = group
        meta = data.setdefault("metadata", {})
        if isinstance(meta, dict):
            meta["triplane_group"] = group
            meta["triplane_class_source"] = source
        LOG.info("triplane: classes=%s source=%s group=%s", ",".join(classes) or "-", source, group)
        return data


proxy_handler_instance = TriplaneRouting()
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::yaml_to_json;

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/export/cases");

    /// Lints field case `id` and compares with its sidecar's `expected.triplane_lint`.
    fn check_case(id: &str) {
        let sidecar: Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{CASES}/{id}.json")).unwrap())
                .unwrap();
        let file = sidecar["config_file"].as_str().unwrap();
        let config =
            yaml_to_json(&std::fs::read_to_string(format!("{CASES}/{file}")).unwrap()).unwrap();
        let got = lint(&config, &heuristic_sovereignty);
        let want: Vec<Finding> = sidecar["expected"]["triplane_lint"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| Finding {
                severity: if f["severity"] == "error" {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                path: f["path"].as_str().map(String::from),
                message: f["message"].as_str().unwrap().to_string(),
            })
            .collect();
        assert_eq!(got, want, "{id}: lint findings must be exactly the field case's");
    }

    #[test]
    fn l01_master_key_wrong_section() {
        check_case("L01-master-key-wrong-section");
    }

    #[test]
    fn l02_default_tag_captures_sensitive() {
        check_case("L02-default-tag-captures-sensitive");
    }

    #[test]
    fn l03_tag_filtering_silently_inactive() {
        check_case("L03-tag-filtering-silently-inactive");
    }

    #[test]
    fn l04_alias_bypasses_fallbacks() {
        check_case("L04-alias-bypasses-fallbacks");
    }

    #[test]
    fn l04_correct_export_is_clean() {
        let sidecar: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{CASES}/L04-alias-bypasses-fallbacks.json")).unwrap(),
        )
        .unwrap();
        let mut config = yaml_to_json(
            &std::fs::read_to_string(format!("{CASES}/L04-alias-bypasses-fallbacks.yaml")).unwrap(),
        )
        .unwrap();
        config["router_settings"]["fallbacks"] =
            sidecar["expected"]["correct_export"]["router_settings"]["fallbacks"].clone();
        assert_eq!(lint(&config, &heuristic_sovereignty), vec![], "the sidecar's correct export");
    }

    #[test]
    fn fallback_from_sovereign_to_frontier_is_an_error() {
        let config = json!({
            "model_list": [
                {"model_name": "s", "litellm_params": {"model": "openai/m", "api_base": "http://10.0.0.1/v1"}},
                {"model_name": "f", "litellm_params": {"model": "anthropic/c"}},
            ],
            "router_settings": {"fallbacks": [{"s": ["f"]}]},
            "general_settings": {"master_key": "os.environ/LITELLM_MASTER_KEY"},
        });
        let got = lint(&config, &heuristic_sovereignty);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].message.contains("lowers the data-class ceiling"), "{}", got[0]);
    }
}
