//! Embeds every `assets/catalog/*.yaml` file, so the binaries carry the catalog.

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalog");
    let doc = "`(file name, text)` of every catalog file, sorted by name.";
    triplane_embed::embed_dir(&dir, "yaml", "CATALOG_FILES", doc, "catalog_files.rs");
}
