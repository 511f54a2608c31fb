//! The deployment model: the file format (`triplane: 1`), its positioned validation, the
//! sourced catalog, and the resolved model with each component's operator chain, exposure
//! to compelled-access laws and visibility.
//!
//! Nothing here does network I/O or knows about windows; reading a file from disk is the only
//! I/O, in [`load_path`].

pub mod catalog;
mod diag;
pub mod fact;
pub mod model;
mod resolve;
pub mod spec;
pub mod yaml;

use std::path::Path;

use sha2::{Digest, Sha256};

pub use catalog::Catalog;
pub use diag::Diagnostic;
pub use model::*;
pub use resolve::mean_of;
pub use spec::*;

/// Files above this size are refused before parsing.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// Why a deployment could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read `{path}`: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("`{file}` is invalid ({} problem{})", .diagnostics.len(), if .diagnostics.len() == 1 { "" } else { "s" })]
    Invalid { file: String, diagnostics: Vec<Diagnostic> },
}

impl LoadError {
    pub fn not_found(&self) -> bool {
        matches!(self, LoadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// `sha256:` and the hex digest of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Reads, checks and resolves a deployment file from disk.
pub fn load_path(path: &Path, catalog: &Catalog) -> Result<Deployment, LoadError> {
    let name = path.display().to_string();
    let meta =
        std::fs::metadata(path).map_err(|source| LoadError::Io { path: name.clone(), source })?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(&name, meta.len()));
    }
    let bytes =
        std::fs::read(path).map_err(|source| LoadError::Io { path: name.clone(), source })?;
    load_bytes(&name, &bytes, catalog)
}

/// Checks and resolves a deployment file held in memory; `name` is used in messages.
pub fn load_bytes(name: &str, bytes: &[u8], catalog: &Catalog) -> Result<Deployment, LoadError> {
    let (spec, positions) = parse_bytes(name, bytes)?;
    resolve::resolve(name, hash_bytes(bytes), spec, positions, catalog)
        .map_err(|diagnostics| LoadError::Invalid { file: name.to_string(), diagnostics })
}

/// Parses a deployment file without resolving it against the catalog.
pub fn parse_bytes(
    name: &str,
    bytes: &[u8],
) -> Result<(DeploymentFile, yaml::Positions), LoadError> {
    let invalid =
        |d: Diagnostic| LoadError::Invalid { file: name.to_string(), diagnostics: vec![d] };
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let column = (before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1))
            as u32
            + 1;
        invalid(
            Diagnostic::new(
                name,
                yaml::Pos { line, column },
                "",
                format!("the file is not UTF-8 text (invalid byte at offset {})", e.valid_up_to()),
            )
            .with_hint("save it as UTF-8"),
        )
    })?;
    let node = yaml::parse(text).map_err(|e| invalid(Diagnostic::from_yaml(name, e)))?;
    if !matches!(node.kind, yaml::NodeKind::Map(_)) {
        return Err(invalid(Diagnostic::new(
            name,
            node.pos,
            "",
            "a deployment file is a mapping with `triplane: 1` at the top",
        )));
    }
    yaml::from_node::<DeploymentFile>(&node).map_err(|e| invalid(Diagnostic::from_yaml(name, e)))
}

fn too_large(name: &str, len: u64) -> LoadError {
    let d = Diagnostic::new(
        name,
        yaml::Pos { line: 1, column: 1 },
        "",
        format!("the file is {len} bytes, above the {MAX_FILE_BYTES}-byte limit"),
    )
    .with_hint("a deployment file is a few kilobytes; is this the right file?");
    LoadError::Invalid { file: name.to_string(), diagnostics: vec![d] }
}

/// Writes a deployment file as YAML. Comments are not kept: the YAML libraries available
/// parse comments away, so a hand-written file saved by Triplane loses them.
pub fn save(file: &DeploymentFile) -> String {
    // FIXME: comments are lost on save; no maintained Rust YAML library round-trips them.
    let value = serde_json::to_value(file).expect("deployment files serialize to JSON");
    yaml::emit(&value)
}
