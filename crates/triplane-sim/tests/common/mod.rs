//! Helpers shared by the simulation's tests: loading fixtures and bundled examples against
//! the bundled catalog, and rewriting a deployment's workload.
#![allow(dead_code)]

use triplane_model::{Catalog, Deployment, DistSpec, TokensSpec, WorkloadSpec};

pub fn catalog() -> Catalog {
    Catalog::bundled().expect("the bundled catalog loads")
}

pub fn load_text(name: &str, text: &str) -> Deployment {
    match triplane_model::load_bytes(name, text.as_bytes(), &catalog()) {
        Ok(d) => d,
        Err(triplane_model::LoadError::Invalid { diagnostics, .. }) => {
            let lines: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
            panic!("{name} is invalid:\n{}", lines.join("\n"))
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn fixture(name: &str) -> Deployment {
    load_text(&format!("{name}.yaml"), &fixture_text(name))
}

pub fn example_text(name: &str) -> String {
    let path = format!("{}/../../assets/examples/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn example(name: &str) -> Deployment {
    load_text(&format!("example:{name}"), &example_text(name))
}

/// A workload of constants: `turns` turns of `tools` tool calls, one class for prompts and
/// one for tool results.
pub fn constant_workload(
    turns: f64,
    tools: f64,
    prompt_class: &str,
    result_class: &str,
) -> WorkloadSpec {
    WorkloadSpec {
        sessions_per_day: DistSpec::Constant(1.0),
        turns_per_session: DistSpec::Constant(turns),
        tool_calls_per_turn: DistSpec::Constant(tools),
        tokens: TokensSpec {
            prompt: DistSpec::Constant(100.0),
            completion: DistSpec::Constant(50.0),
            tool_call: DistSpec::Constant(20.0),
            tool_result: DistSpec::Constant(400.0),
        },
        prompt_classes: [(prompt_class.to_string(), 1.0)].into_iter().collect(),
        tool_result_classes: [(result_class.to_string(), 1.0)].into_iter().collect(),
        bytes_per_token: Some(4.0),
    }
}
