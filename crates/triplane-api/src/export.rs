//! Export use cases: write a bundle (folder or `.tar.gz`, optionally signed), verify one,
//! make a signing key pair, and capture or check MCP tool pins against a live server.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;
use triplane_export::bundle::{self, VerifyReport};
use triplane_export::pins::{self, PinDiff};
use triplane_export::sign::{self, KeyFiles, SigningKey};
use triplane_export::{ExportError, PinFile, PINS_PATH};

use crate::{deployment, ApiError, ErrorCode};

pub use triplane_export::bundle::Files;

/// What `export` wrote.
#[derive(Clone, Debug, Serialize)]
pub struct ExportSummary {
    pub out: String,
    pub archive: bool,
    pub signed: bool,
    pub deployment_hash: String,
    pub files: Vec<String>,
    pub millis: u128,
}

/// The bundle's files in memory, for previews (the app's Export view).
pub fn preview(file: &str) -> Result<Files, ApiError> {
    let d = deployment::load(file)?;
    triplane_export::export(&d, None).map_err(from_export)
}

/// Exports the deployment `file` to `out`: a new or empty folder, or with `archive` a new
/// `.tar.gz` file. `sign` names a minisign secret key.
pub fn export(
    file: &str,
    out: &Path,
    archive: bool,
    sign: Option<&Path>,
) -> Result<ExportSummary, ApiError> {
    let start = Instant::now();
    let d = deployment::load(file)?;
    let key =
        sign.map(SigningKey::from_file).transpose().map_err(|e| ApiError::usage(e.to_string()))?;
    let files = triplane_export::export(&d, key.as_ref()).map_err(from_export)?;
    if archive {
        bundle::write_archive(&files, out).map_err(from_export)?;
    } else {
        bundle::write_dir(&files, out).map_err(from_export)?;
    }
    Ok(ExportSummary {
        out: out.display().to_string(),
        archive,
        signed: key.is_some(),
        deployment_hash: d.hash.clone(),
        files: files.paths().map(String::from).collect(),
        millis: start.elapsed().as_millis(),
    })
}

/// Verifies a bundle folder or archive; a bundle that differs is a report, not an error.
pub fn verify(path: &Path, pubkey: Option<&Path>) -> Result<VerifyReport, ApiError> {
    let files = read_bundle(path)?;
    Ok(bundle::verify(&files, pubkey))
}

fn read_bundle(path: &Path) -> Result<Files, ApiError> {
    bundle::read(path).map_err(|e| match e {
        bundle::ReadError::Io { ref source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            ApiError::usage(format!("`{}` does not exist", path.display()))
        }
        bundle::ReadError::Io { .. } => ApiError::runtime(e.to_string()),
        _ => ApiError::invalid(e.to_string(), vec![]),
    })
}

/// The default folder for keys: the OS config directory, outside any project.
pub fn default_key_dir() -> Result<PathBuf, ApiError> {
    directories::ProjectDirs::from("", "", "triplane")
        .map(|p| p.config_dir().join("keys"))
        .ok_or_else(|| ApiError::runtime("no home directory to keep keys in; pass a folder"))
}

/// Writes a new signing key pair (never over an existing one).
pub fn keygen(dir: Option<&Path>) -> Result<KeyFiles, ApiError> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => default_key_dir()?,
    };
    sign::keygen(&dir).map_err(|e| match e {
        sign::SignError::Exists { .. } => ApiError::usage(e.to_string()),
        _ => ApiError::runtime(e.to_string()),
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::runtime(format!("cannot start the async runtime: {e}")))
}

/// A live server's `tools` (the `tools/list` result), to record in the deployment file.
pub fn pins_capture(url: &str) -> Result<Vec<Value>, ApiError> {
    runtime()?
        .block_on(triplane_export::mcp_client::list_tools(url))
        .map_err(|e| ApiError::runtime(e.to_string()))
}

/// What `pins check` found for one server.
#[derive(Clone, Debug, Serialize)]
pub struct PinCheck {
    pub server: String,
    pub url: String,
    #[serde(flatten)]
    pub diff: PinDiff,
}

impl PinCheck {
    pub fn ok(&self) -> bool {
        self.diff.is_clean()
    }
}

/// Compares a live server with the bundle's pins. `name` picks the server when the bundle
/// pins several; `server` overrides its URL (the pinned one by default).
pub fn pins_check(
    bundle_path: &Path,
    name: Option<&str>,
    server: Option<&str>,
) -> Result<PinCheck, ApiError> {
    let files = read_bundle(bundle_path)?;
    // The pins are only as good as the bundle: refuse pins that do not match the manifest.
    let report = bundle::verify(&files, None);
    if !report.ok() || report.changed.iter().chain(&report.missing).any(|p| p == PINS_PATH) {
        return Err(ApiError::invalid(
            format!(
                "`{}` fails verification; run `triplane verify` for details",
                bundle_path.display()
            ),
            vec![],
        ));
    }
    let bytes = files
        .get(PINS_PATH)
        .ok_or_else(|| ApiError::invalid(format!("the bundle has no `{PINS_PATH}`"), vec![]))?;
    let pin_file: PinFile = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::invalid(format!("`{PINS_PATH}` is malformed: {e}"), vec![]))?;

    let (id, pinned) = match name {
        Some(n) => pin_file
            .servers
            .get_key_value(n)
            .ok_or_else(|| ApiError::usage(format!("the bundle pins no server `{n}`")))?,
        None if pin_file.servers.len() == 1 => pin_file.servers.iter().next().expect("one server"),
        None => {
            let names: Vec<&str> = pin_file.servers.keys().map(String::as_str).collect();
            return Err(ApiError::usage(format!(
                "the bundle pins several servers; pass --name ({})",
                names.join(", ")
            )));
        }
    };
    if pinned.tools.is_empty() {
        return Err(ApiError::invalid(
            format!("server `{id}` has no captured tools to check; run `triplane pins capture` and re-export"),
            vec![],
        ));
    }
    let url = server.unwrap_or(&pinned.url).to_string();
    let live = runtime()?
        .block_on(triplane_export::mcp_client::list_tools(&url))
        .map_err(|e| ApiError::runtime(e.to_string()))?;
    let diff = pins::diff(&pinned.tools, &live)
        .map_err(|e| ApiError::new(ErrorCode::Invalid, e.to_string()))?;
    Ok(PinCheck { server: id.clone(), url, diff })
}

fn from_export(e: ExportError) -> ApiError {
    match &e {
        ExportError::Lint { findings, .. } => {
            let lines: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
            ApiError::invalid(format!("{e}:\n{}", lines.join("\n")), vec![])
        }
        ExportError::Unsupported { .. } | ExportError::Pins { .. } => {
            ApiError::invalid(e.to_string(), vec![])
        }
        ExportError::TargetNotEmpty { .. } | ExportError::PathEscape { .. } => {
            ApiError::usage(e.to_string())
        }
        ExportError::Sign(_) => ApiError::usage(e.to_string()),
        ExportError::Io { .. } | ExportError::Internal(_) => ApiError::runtime(e.to_string()),
    }
}
