//! Embeds the bundled example deployments (`assets/examples/*.yaml`), so the CLI and the app
//! offer them offline from any directory.

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples");
    let doc = "`(file name, text)` of every bundled example, sorted by name.";
    triplane_embed::embed_dir(&dir, "yaml", "EXAMPLE_FILES", doc, "example_files.rs");
}
