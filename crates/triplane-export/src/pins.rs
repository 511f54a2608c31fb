//! MCP tool pins: what a person approved, in a form a gateway can compare with a live server.
//!
//! A pin is `sha256:` and the hex SHA-256 of the RFC 8785 (JCS) canonical JSON of the tool's
//! pinned fields: `name`, `title`, `description`, `inputSchema`, `outputSchema` and
//! `annotations`, whichever are present. Hashing more than the description matters: a widened
//! `inputSchema` is an exfiltration channel (field case M03) that description-only hashes, as
//! mcp-scan uses, do not see. A rename is a removed tool plus an added one (M04): trust never
//! carries over by similarity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The fields of an MCP `Tool` a pin covers, in the order the MCP spec lists them.
pub const PIN_FIELDS: [&str; 6] =
    ["name", "title", "description", "inputSchema", "outputSchema", "annotations"];

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("tool #{index} has no string `name`")]
    NoName { index: usize },
    #[error("tool `{name}` appears twice in `tools/list`")]
    Duplicate { name: String },
    #[error("cannot canonicalize tool `{name}`: {message}")]
    Canonical { name: String, message: String },
}

/// The pinned subset of a tool: only [`PIN_FIELDS`], so `_meta` or `icons` changes (which
/// the model never reads) do not force a re-approval.
pub fn pinned_subset(tool: &Value) -> Value {
    let mut out = Map::new();
    for field in PIN_FIELDS {
        if let Some(v) = tool.get(field) {
            out.insert(field.to_string(), v.clone());
        }
    }
    Value::Object(out)
}

/// The pin of one tool.
pub fn pin(tool: &Value) -> Result<String, PinError> {
    let name = tool.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
    let bytes = serde_json_canonicalizer::to_vec(&pinned_subset(tool))
        .map_err(|e| PinError::Canonical { name, message: e.to_string() })?;
    Ok(format!("sha256:{}", hex::encode(Sha256::digest(bytes))))
}

/// One tool as approved: its pin and the pinned fields, kept so a later check can say which
/// field changed and a person can compare texts before re-approving.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolPin {
    pub pin: String,
    /// Whether the agent may call it; captured but unapproved tools are pinned too, so that
    /// their later change is reported rather than mistaken for a new tool.
    pub approved: bool,
    pub tool: Value,
}

/// Pins of a whole `tools` list, by tool name.
pub fn pin_all(
    tools: &[Value],
    approved: &[String],
) -> Result<BTreeMap<String, ToolPin>, PinError> {
    let mut out = BTreeMap::new();
    for (index, tool) in tools.iter().enumerate() {
        let name = tool.get("name").and_then(Value::as_str).ok_or(PinError::NoName { index })?;
        let entry = ToolPin {
            pin: pin(tool)?,
            approved: approved.is_empty() || approved.iter().any(|a| a == name),
            tool: pinned_subset(tool),
        };
        if out.insert(name.to_string(), entry).is_some() {
            return Err(PinError::Duplicate { name: name.to_string() });
        }
    }
    Ok(out)
}

/// How a live `tools/list` differs from the pins.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PinDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Tool name → the pinned fields that differ.
    pub changed: BTreeMap<String, Vec<String>>,
}

impl PinDiff {
    pub fn is_clean(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares live tools with the pins. Fails on a malformed live list rather than guessing.
pub fn diff(pins: &BTreeMap<String, ToolPin>, live: &[Value]) -> Result<PinDiff, PinError> {
    let live = pin_all(live, &[])?;
    let mut d = PinDiff::default();
    for (name, now) in &live {
        match pins.get(name) {
            None => d.added.push(name.clone()),
            Some(before) if before.pin != now.pin => {
                let fields = PIN_FIELDS
                    .iter()
                    .filter(|f| before.tool.get(**f) != now.tool.get(**f))
                    .map(|f| f.to_string())
                    .collect();
                d.changed.insert(name.clone(), fields);
            }
            Some(_) => {}
        }
    }
    d.removed = pins.keys().filter(|n| !live.contains_key(*n)).cloned().collect();
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/export/cases");

    fn read(name: &str) -> Value {
        let text = std::fs::read_to_string(format!("{CASES}/{name}")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn tools(name: &str) -> Vec<Value> {
        read(name)["result"]["tools"].as_array().unwrap().clone()
    }

    fn pins_of(list: &[Value]) -> BTreeMap<String, String> {
        pin_all(list, &[]).unwrap().into_iter().map(|(k, v)| (k, v.pin)).collect()
    }

    fn expected(case: &Value, key: &str) -> BTreeMap<String, String> {
        serde_json::from_value(case["pinning"][key].clone()).unwrap()
    }

    /// Each field case's `pins_before`/`pins_after` and diff are the assertions.
    fn check_case(id: &str) {
        let case = read(&format!("{id}.json"));
        let before = tools(case["files"]["before"].as_str().unwrap());
        let after = tools(case["files"]["after"].as_str().unwrap());
        assert_eq!(pins_of(&before), expected(&case, "pins_before"), "{id} pins before");
        assert_eq!(pins_of(&after), expected(&case, "pins_after"), "{id} pins after");

        let d = diff(&pin_all(&before, &[]).unwrap(), &after).unwrap();
        let want: Vec<String> = serde_json::from_value(case["diff"]["added"].clone()).unwrap();
        assert_eq!(d.added, want, "{id} added");
        let want: Vec<String> = serde_json::from_value(case["diff"]["removed"].clone()).unwrap();
        assert_eq!(d.removed, want, "{id} removed");
        let want: BTreeMap<String, Vec<String>> =
            serde_json::from_value(case["diff"]["changed_fields"].clone()).unwrap();
        assert_eq!(d.changed, want, "{id} changed fields");
        assert!(!d.is_clean(), "{id} is a change the gateway must refuse");
    }

    #[test]
    fn m01_description_rug_pull() {
        check_case("M01-mcp-description-rug-pull");
    }

    #[test]
    fn m03_input_schema_widened() {
        check_case("M03-mcp-input-schema-widened");
    }

    #[test]
    fn m04_silent_rename() {
        check_case("M04-mcp-silent-rename");
    }

    #[test]
    fn unchanged_list_is_clean_and_extra_fields_are_not_pinned() {
        let before = tools("M01-mcp-description-rug-pull.tools-list.before.json");
        let mut live = before.clone();
        live[0]["_meta"] = serde_json::json!({"build": 7});
        let d = diff(&pin_all(&before, &[]).unwrap(), &live).unwrap();
        assert!(d.is_clean(), "`_meta` is not a pinned field: {d:?}");
    }

    #[test]
    fn approval_list_marks_only_named_tools() {
        let before = tools("M01-mcp-description-rug-pull.tools-list.before.json");
        let pins = pin_all(&before, &["lire_document".to_string()]).unwrap();
        assert!(pins["lire_document"].approved);
        assert!(!pins["recherche_documents"].approved);
    }
}
