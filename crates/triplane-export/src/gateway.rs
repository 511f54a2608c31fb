//! The MCP gateway: an agentgateway config that lets only approved tools through, the pin
//! file, and the start/reload hook that refuses a server whose tools changed since approval.
//! When the router is LiteLLM, the same allow-list is also written as its `mcp_servers`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use triplane_model::{ComponentKind, Deployment};

use crate::pins::{self, ToolPin};
use crate::ExportError;

/// Version of the `pins.json` format.
pub const PINS_FORMAT: u32 = 1;

/// `gateway/pins.json`: per MCP server, where it was approved and what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinFile {
    pub format: u32,
    /// The deployment the pins come from.
    pub deployment: String,
    pub servers: BTreeMap<String, ServerPins>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerPins {
    pub url: String,
    pub transport: String,
    pub tools: BTreeMap<String, ToolPin>,
}

pub struct GatewayFiles {
    pub agentgateway: Value,
    pub pins: PinFile,
    /// `mcp_servers` for a LiteLLM router.
    pub litellm_mcp_servers: Value,
    /// `(server id, approved tools, tools captured)`, for the README.
    pub servers: Vec<(String, Vec<String>, bool)>,
}

/// LiteLLM derives tool prefixes from server names; keep them to `[a-z0-9_]`.
pub fn litellm_server_name(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect()
}

pub fn generate(d: &Deployment) -> Result<Option<GatewayFiles>, ExportError> {
    let servers: Vec<_> = d
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::McpServer)
        .filter_map(|c| c.mcp.as_ref().map(|m| (c, m)))
        .collect();
    if servers.is_empty() {
        return Ok(None);
    }

    let mut targets = Vec::new();
    let mut rules = Vec::new();
    let mut pin_servers = BTreeMap::new();
    let mut litellm = Map::new();
    let mut summary = Vec::new();
    for (c, mcp) in &servers {
        let captured = mcp.tools.clone().unwrap_or_default();
        let tool_pins = pins::pin_all(&captured, &mcp.approved)
            .map_err(|e| ExportError::Pins { component: c.id.clone(), source: e })?;
        // Approved names must exist in the capture: approving a tool nobody has seen is
        // approving whatever the server later puts under that name.
        if mcp.tools.is_some() {
            if let Some(missing) = mcp.approved.iter().find(|a| !tool_pins.contains_key(*a)) {
                return Err(ExportError::Unsupported {
                    component: c.id.clone(),
                    reason: format!("approved tool `{missing}` is not in the captured `tools`"),
                });
            }
        }
        let approved: Vec<String> = if mcp.tools.is_some() {
            tool_pins.iter().filter(|(_, p)| p.approved).map(|(n, _)| n.clone()).collect()
        } else {
            mcp.approved.clone()
        };

        targets.push(json!({"name": c.id, "mcp": {"host": mcp.url}}));
        for tool in &approved {
            rules.push(json!(format!(
                "mcp.tool.target == {} && mcp.tool.name == {}",
                serde_json::to_string(&c.id).unwrap_or_default(),
                serde_json::to_string(tool).unwrap_or_default()
            )));
        }
        litellm.insert(
            litellm_server_name(&c.id),
            json!({"url": mcp.url, "transport": "http", "allowed_tools": approved}),
        );
        pin_servers.insert(
            c.id.clone(),
            ServerPins { url: mcp.url.clone(), transport: mcp.transport.clone(), tools: tool_pins },
        );
        summary.push((c.id.clone(), approved, mcp.tools.is_some()));
    }

    // A rule list that is empty would be read as "no authorization policy"; a rule that is
    // always false keeps the gateway closed when nothing is approved.
    if rules.is_empty() {
        rules.push(json!("false"));
    }
    let agentgateway = json!({
        "binds": [{
            "port": 3000,
            "listeners": [{
                "routes": [{
                    "policies": {"mcpAuthorization": {"rules": rules}},
                    "backends": [{"mcp": {"targets": targets}}],
                }],
            }],
        }],
    });
    let pins = PinFile { format: PINS_FORMAT, deployment: d.hash.clone(), servers: pin_servers };
    Ok(Some(GatewayFiles {
        agentgateway,
        pins,
        litellm_mcp_servers: Value::Object(litellm),
        servers: summary,
    }))
}

/// The start and reload hook: verifies the bundle, then checks every server's live tools
/// against the pins; any difference keeps the gateway down.
pub fn hook_script(servers: &[String]) -> String {
    let mut out = String::from(
        "#!/bin/sh\n\
         # Gateway start/reload hook, generated by Triplane. Run it before starting or reloading\n\
         # the gateway; a non-zero exit means: do not start. It checks that the bundle is intact\n\
         # (and signed, when TRIPLANE_PUBKEY names the public key), then that every MCP server\n\
         # still lists exactly the tools that were approved.\n\
         # Override a server's address with TRIPLANE_MCP_URL_<SERVER> (upper case, `_` for `-`).\n\
         set -eu\n\
         bundle=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"\n\
         triplane=\"${TRIPLANE:-triplane}\"\n\
         if [ -n \"${TRIPLANE_PUBKEY:-}\" ]; then\n\
         \x20 \"$triplane\" verify \"$bundle\" --pubkey \"$TRIPLANE_PUBKEY\"\n\
         else\n\
         \x20 \"$triplane\" verify \"$bundle\"\n\
         fi\n",
    );
    for s in servers {
        let var = format!("TRIPLANE_MCP_URL_{}", crate::models::env_name(s));
        out.push_str(&format!(
            "\"$triplane\" pins check \"$bundle\" --name {s} ${{{var}:+--server \"${var}\"}}\n"
        ));
    }
    out
}

/// Structural checks of the agentgateway config. No agentgateway binary or package can be
/// installed offline, and its JSON schema is not among the sources this project holds, so
/// these tests check what the reference describes of the format: the top-level properties,
/// each MCP target's shape, and that the CEL rules allow exactly the approved tools.
#[cfg(test)]
mod tests {
    use serde_json::Value;
    use triplane_model::Catalog;

    /// agentgateway's top-level config properties (its `schema/config.json`, per
    /// shared/reference/export-targets.md §3.1).
    const TOP_LEVEL: [&str; 14] = [
        "config",
        "binds",
        "frontendPolicies",
        "policies",
        "workloads",
        "services",
        "backends",
        "routeGroups",
        "gateways",
        "routes",
        "tcpRoutes",
        "llm",
        "mcp",
        "ui",
    ];
    const TRANSPORTS: [&str; 4] = ["stdio", "mcp", "sse", "openapi"];

    fn config(example: &str) -> (triplane_model::Deployment, Value) {
        let text = std::fs::read_to_string(format!(
            "{}/../../assets/examples/{example}.yaml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let d = triplane_model::load_bytes(example, text.as_bytes(), &Catalog::bundled().unwrap())
            .unwrap();
        let g = super::generate(&d).unwrap().expect("the example has an MCP gateway");
        (d, g.agentgateway)
    }

    #[test]
    fn agentgateway_config_has_the_documented_shape_and_only_approved_tools() {
        for example in ["hybrid", "mcp-tunnel", "sovereign"] {
            let (d, cfg) = config(example);
            for key in cfg.as_object().unwrap().keys() {
                assert!(TOP_LEVEL.contains(&key.as_str()), "{example}: unknown top-level `{key}`");
            }
            let mut rules = Vec::new();
            let mut targets = Vec::new();
            for bind in cfg["binds"].as_array().unwrap() {
                assert!(bind["port"].as_u64().is_some(), "{example}: a bind has a port");
                for listener in bind["listeners"].as_array().unwrap() {
                    for route in listener["routes"].as_array().unwrap() {
                        let r = &route["policies"]["mcpAuthorization"]["rules"];
                        rules.extend(r.as_array().unwrap().iter().map(|r| r.as_str().unwrap()));
                        for backend in route["backends"].as_array().unwrap() {
                            targets.extend(backend["mcp"]["targets"].as_array().unwrap().clone());
                        }
                    }
                }
            }
            for t in &targets {
                let o = t.as_object().unwrap();
                assert!(o["name"].is_string(), "{example}: a target has a name: {t}");
                let transports = o.keys().filter(|k| TRANSPORTS.contains(&k.as_str())).count();
                assert_eq!(transports, 1, "{example}: exactly one transport per target: {t}");
            }

            // One rule per approved tool of each MCP server the gateway reaches, and no other.
            let mut want = Vec::new();
            for t in &targets {
                let server = t["name"].as_str().unwrap();
                let c = d.components.iter().find(|c| c.id == server).unwrap();
                for tool in &c.mcp.as_ref().unwrap().approved {
                    want.push(format!(
                        "mcp.tool.target == \"{server}\" && mcp.tool.name == \"{tool}\""
                    ));
                }
            }
            want.sort();
            let mut got: Vec<String> = rules.iter().map(|r| r.to_string()).collect();
            got.sort();
            assert_eq!(got, want, "{example}: the CEL rules are the approved tools");
        }
    }
}
