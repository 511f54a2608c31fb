//! Every bundled example exports, and every exported file is pinned by a snapshot: a change
//! to any generator shows up as a reviewed diff.

use std::path::Path;

use triplane_export::generate;
use triplane_model::Catalog;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/examples");

fn load(name: &str) -> triplane_model::Deployment {
    let catalog = Catalog::bundled().expect("the bundled catalog is valid");
    triplane_model::load_path(&Path::new(EXAMPLES).join(format!("{name}.yaml")), &catalog)
        .unwrap_or_else(|e| panic!("example {name}: {e:?}"))
}

fn snapshot_all(name: &str) {
    let d = load(name);
    let files = generate(&d).unwrap_or_else(|e| panic!("example {name} must export: {e}"));
    insta::assert_snapshot!(format!("{name}__tree"), files.paths().collect::<Vec<_>>().join("\n"));
    for (path, entry) in &files.entries {
        let text = String::from_utf8(entry.bytes.clone()).expect("bundle files are UTF-8 text");
        insta::assert_snapshot!(format!("{name}__{}", path.replace('/', "__")), text);
    }
}

#[test]
fn frontier_only() {
    snapshot_all("frontier-only");
}

#[test]
fn self_hosted_sandbox() {
    snapshot_all("self-hosted-sandbox");
}

#[test]
fn mcp_tunnel() {
    snapshot_all("mcp-tunnel");
}

#[test]
fn bedrock_eu() {
    snapshot_all("bedrock-eu");
}

#[test]
fn sovereign() {
    snapshot_all("sovereign");
}

#[test]
fn hybrid() {
    snapshot_all("hybrid");
}

#[test]
fn managed_agents_self_hosted() {
    snapshot_all("managed-agents-self-hosted");
}
