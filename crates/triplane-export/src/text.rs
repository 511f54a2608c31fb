//! Deterministic text writers for the formats a bundle holds: YAML through the model crate's
//! emitter (serde_yaml is archived, and a hand-rolled emitter over `serde_json::Value` keeps
//! key order and output stable), a small TOML writer for frp and rathole, and YAML read back
//! into `serde_json::Value` for linting configs Triplane did not write.

use serde_json::{Map, Value};
use triplane_model::yaml::{self, Node, NodeKind};

/// YAML text of `value`, after a `#` comment header.
pub fn yaml_doc(header: &str, value: &Value) -> String {
    let mut out = comment(header, "#");
    out.push_str(&yaml::emit(value));
    out
}

/// Several YAML documents in one file, `---` separated (Kubernetes manifests).
pub fn yaml_docs(header: &str, values: &[Value]) -> String {
    let mut out = comment(header, "#");
    for v in values {
        out.push_str("---\n");
        out.push_str(&yaml::emit(v));
    }
    out
}

/// `header` as comment lines with `prefix`.
pub fn comment(header: &str, prefix: &str) -> String {
    header
        .lines()
        .map(|l| if l.is_empty() { format!("{prefix}\n") } else { format!("{prefix} {l}\n") })
        .collect()
}

/// TOML text of a table: scalars first, then sub-tables, then arrays of tables, each at its
/// dotted path. Enough for frp and rathole; values are strings, integers and booleans.
pub fn toml_doc(header: &str, value: &Map<String, Value>) -> String {
    let mut out = comment(header, "#");
    toml_table(&mut out, "", value);
    out
}

fn toml_table(out: &mut String, path: &str, table: &Map<String, Value>) {
    for (k, v) in table {
        if !matches!(v, Value::Object(_)) && !is_table_array(v) {
            out.push_str(&format!("{} = {}\n", toml_key(k), toml_inline(v)));
        }
    }
    for (k, v) in table {
        let sub = if path.is_empty() { toml_key(k) } else { format!("{path}.{}", toml_key(k)) };
        match v {
            Value::Object(m) => {
                out.push_str(&format!("\n[{sub}]\n"));
                toml_table(out, &sub, m);
            }
            Value::Array(items) if is_table_array(v) => {
                for item in items {
                    out.push_str(&format!("\n[[{sub}]]\n"));
                    if let Value::Object(m) = item {
                        toml_table(out, &sub, m);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_table_array(v: &Value) -> bool {
    matches!(v, Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object))
}

fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        toml_string(k)
    }
}

// JSON string escapes are a subset of TOML basic-string escapes, so JSON quoting is valid TOML.
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn toml_inline(v: &Value) -> String {
    match v {
        Value::String(s) => toml_string(s),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(toml_inline).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

/// Reads YAML into JSON values with the YAML 1.2 core schema for plain scalars.
pub fn yaml_to_json(text: &str) -> Result<Value, yaml::YamlError> {
    Ok(node_to_json(&yaml::parse(text)?))
}

fn node_to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar { text, plain: true } => plain_scalar(text),
        NodeKind::Scalar { text, plain: false } => Value::String(text.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(node_to_json).collect()),
        NodeKind::Map(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                let key = match &k.kind {
                    NodeKind::Scalar { text, .. } => text.clone(),
                    _ => node_to_json(k).to_string(),
                };
                m.insert(key, node_to_json(v));
            }
            Value::Object(m)
        }
    }
}

fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            if let Ok(i) = text.parse::<i64>() {
                Value::from(i)
            } else if let Some(f) = text.parse::<f64>().ok().filter(|f| f.is_finite()) {
                Value::from(f)
            } else {
                Value::String(text.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn toml_puts_scalars_before_tables() {
        let v = json!({"client": {"services": {"web": {"token": "x", "local_addr": "127.0.0.1:80"}},
            "remote_addr": "a:1"}});
        let text = toml_doc("h", v.as_object().unwrap());
        assert_eq!(
            text,
            "# h\n\n[client]\nremote_addr = \"a:1\"\n\n[client.services]\n\n[client.services.web]\n\
             token = \"x\"\nlocal_addr = \"127.0.0.1:80\"\n"
        );
    }

    #[test]
    fn yaml_reads_core_schema_scalars() {
        let v = yaml_to_json("a: [1, \"2\", true, x]\nb: {c: null}\n").unwrap();
        assert_eq!(v, json!({"a": [1, "2", true, "x"], "b": {"c": null}}));
    }
}
