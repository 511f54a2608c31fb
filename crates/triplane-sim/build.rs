//! Embeds every `assets/policies/*.rego` pack, so the binaries evaluate the built-in policies
//! offline from any directory.

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/policies");
    let doc = "`(file name, text)` of every built-in policy pack, sorted by name.";
    triplane_embed::embed_dir(&dir, "rego", "POLICY_FILES", doc, "policy_files.rs");
}
