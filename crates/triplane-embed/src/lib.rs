//! Used by build scripts to embed `assets/` folders (catalog, examples, policy packs) into
//! the crates that read them, so the binaries work offline from any directory.
//!
//! [`embed_dir`] writes a Rust file declaring `pub const NAME: &[(&str, &str)]`, the file name
//! and text of every file with the given extension, sorted by name, and tells cargo to rerun
//! when the folder or any of its files change.

use std::path::{Path, PathBuf};

/// Embeds every `*.{extension}` file of `dir` as `const_name` into `$OUT_DIR/{out_file}`.
///
/// # Panics
/// When `OUT_DIR` is unset (called outside a build script) or a file cannot be read: a
/// build script has no better way to report either.
pub fn embed_dir(dir: &Path, extension: &str, const_name: &str, doc: &str, out_file: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == extension));
    files.sort();

    let mut out = format!("/// {doc}\npub const {const_name}: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().expect("a file has a name").to_string_lossy();
        let abs = path.canonicalize().expect("an embedded file exists");
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", abs.display().to_string()));
    }
    out.push_str("];\n");

    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("called from a build script"));
    std::fs::write(dest.join(out_file), out).expect("OUT_DIR is writable");
}
