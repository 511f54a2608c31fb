//! Export use cases: write a bundle (folder or `.tar.gz`, optionally signed), verify one,
//! make a signing key pair, and capture or check MCP tool pins against a live server; and the
//! same for the app's Export view, whose wire types live here (`BundlePreview`,
//! `ExportDone`, `VerifyView`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;
use triplane_export::bundle::{self, SignatureStatus, VerifyReport};
use triplane_export::pins::{self, PinDiff};
use triplane_export::sign::{self, KeyFiles, SigningKey};
use triplane_export::{ExportError, PinFile, PINS_PATH};

use triplane_model::Deployment;

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
    export_deployment(&d, out, archive, sign, start)
}

fn export_deployment(
    d: &Deployment,
    out: &Path,
    archive: bool,
    sign: Option<&Path>,
    start: Instant,
) -> Result<ExportSummary, ApiError> {
    let key =
        sign.map(SigningKey::from_file).transpose().map_err(|e| ApiError::usage(e.to_string()))?;
    let files = triplane_export::export(d, key.as_ref()).map_err(from_export)?;
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

// ---- The app's Export view ----------------------------------------------------------------

/// One file of a bundle as the Export view previews it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BundleFileView {
    /// The path inside the bundle, `/`-separated.
    pub path: String,
    /// The component folder whose README covers this file (`router`, `sandbox/ID`, …); empty
    /// for the bundle's top-level files.
    pub folder: String,
    pub bytes: u32,
    /// `sha256:` of the bytes, as `manifest.json` lists it.
    pub sha256: String,
    pub executable: bool,
    /// The content; bundles are text (a byte that is not UTF-8 would show as U+FFFD).
    pub text: String,
}

/// The bundle of the open deployment, unsigned, as it would be written.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BundlePreview {
    pub name: String,
    pub deployment_hash: String,
    /// In path order.
    pub files: Vec<BundleFileView>,
}

/// What the app's export wrote.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    pub out: String,
    pub archive: bool,
    pub signed: bool,
    pub deployment_hash: String,
    pub files: u32,
    /// The public key beside the secret key (same name, `.pub`) the bundle was verified with,
    /// when there is one.
    pub public_key: Option<String>,
    /// The written bundle read back from disk and verified as `triplane verify` does.
    pub verify: VerifyView,
}

/// `triplane verify` of a written bundle, for the Export view.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VerifyView {
    pub ok: bool,
    pub files: u32,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub added: Vec<String>,
    /// `verified`, `not-checked`, `unsigned` or `invalid`, as `triplane verify --json` says.
    pub signature: String,
    /// The trusted comment of a verified signature, or why it is invalid.
    pub signature_detail: Option<String>,
    pub manifest_error: Option<String>,
}

/// The deployment the app has open: `text` when it holds the YAML (a picked file, an edit, a
/// project), else `file` must be `example:ID`. No path the web side names is read here.
fn load_open(file: &str, text: Option<&str>) -> Result<Deployment, ApiError> {
    match text {
        Some(text) => deployment::load_text(file, text),
        None if file.starts_with("example:") => deployment::load(file),
        None => Err(ApiError::usage(format!(
            "`{file}` is not a bundled example; send the deployment text to export it"
        ))),
    }
}

/// The folder whose README covers `path`: its deepest ancestor folder holding a `README.md`.
fn readme_folder(files: &Files, path: &str) -> String {
    let mut dir = path;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if files.get(&format!("{parent}/README.md")).is_some() {
            return parent.to_string();
        }
        dir = parent;
    }
    String::new()
}

/// The unsigned bundle of the open deployment, every file with its text, for the preview.
pub fn preview_view(file: &str, text: Option<&str>) -> Result<BundlePreview, ApiError> {
    let d = load_open(file, text)?;
    let files = triplane_export::export(&d, None).map_err(from_export)?;
    let views = files
        .entries
        .iter()
        .map(|(path, e)| BundleFileView {
            path: path.clone(),
            folder: readme_folder(&files, path),
            bytes: u32::try_from(e.bytes.len()).unwrap_or(u32::MAX),
            sha256: bundle::sha256_of(&e.bytes),
            executable: e.executable,
            text: String::from_utf8_lossy(&e.bytes).into_owned(),
        })
        .collect();
    Ok(BundlePreview { name: d.name.clone(), deployment_hash: d.hash.clone(), files: views })
}

/// The secret key `keygen` writes by default, when it exists: the view offers it first.
pub fn default_secret_key() -> Option<String> {
    let key = default_key_dir().ok()?.join("triplane.key");
    key.is_file().then(|| key.display().to_string())
}

/// Exports the open deployment to `out` (a new or empty folder, or a new `.tar.gz` with
/// `archive`), signed with the secret key at `key` when given, then reads it back and verifies
/// it (with the public key beside the secret key, when there is one). The key is read here and
/// never returned, logged or written anywhere but into the signature it makes. Verification
/// is part of the write so the web side never names a path to read back.
pub fn export_open(
    file: &str,
    text: Option<&str>,
    out: &str,
    archive: bool,
    key: Option<&str>,
) -> Result<ExportDone, ApiError> {
    let out = out.trim();
    if out.is_empty() {
        return Err(ApiError::usage("choose where to write the bundle"));
    }
    let out = Path::new(out);
    if !out.is_absolute() {
        return Err(ApiError::usage(format!(
            "`{}` is not an absolute path; the app has no working folder to resolve it from",
            out.display()
        )));
    }
    let key = key.map(str::trim).filter(|k| !k.is_empty()).map(Path::new);
    let d = load_open(file, text)?;
    let s = export_deployment(&d, out, archive, key, Instant::now())?;
    let public_key = key.map(|k| k.with_extension("pub")).filter(|p| p.is_file());
    let verify = verify_view(out, public_key.as_deref())?;
    Ok(ExportDone {
        out: s.out,
        archive,
        signed: s.signed,
        deployment_hash: s.deployment_hash,
        files: u32::try_from(s.files.len()).unwrap_or(u32::MAX),
        public_key: public_key.map(|p| p.display().to_string()),
        verify,
    })
}

/// Verifies a written bundle (folder or archive) as `triplane verify` does.
fn verify_view(path: &Path, pubkey: Option<&Path>) -> Result<VerifyView, ApiError> {
    let files = read_bundle(path)?;
    let r = bundle::verify(&files, pubkey);
    let (signature, signature_detail) = match &r.signature {
        SignatureStatus::Verified { trusted_comment } => {
            ("verified", Some(trusted_comment.clone()))
        }
        SignatureStatus::NotChecked => ("not-checked", None),
        SignatureStatus::Unsigned => ("unsigned", None),
        SignatureStatus::Invalid { reason } => ("invalid", Some(reason.clone())),
    };
    Ok(VerifyView {
        ok: r.ok(),
        files: u32::try_from(files.entries.len()).unwrap_or(u32::MAX),
        changed: r.changed.clone(),
        missing: r.missing.clone(),
        added: r.added.clone(),
        signature: signature.to_string(),
        signature_detail,
        manifest_error: r.manifest_error.clone(),
    })
}

#[cfg(test)]
mod app_tests {
    use super::*;

    #[test]
    fn preview_groups_files_under_the_folder_whose_readme_covers_them() {
        let p = preview_view("example:hybrid", None).unwrap();
        let folder = |path: &str| p.files.iter().find(|f| f.path == path).unwrap().folder.clone();
        assert_eq!(folder("router/config.yaml"), "router");
        assert_eq!(folder("sandbox/sandbox/kubernetes/manifests.yaml"), "sandbox/sandbox");
        assert_eq!(folder("manifest.json"), "", "top-level files have no folder");
    }

    #[test]
    fn preview_hashes_are_the_manifest_hashes() {
        let p = preview_view("example:hybrid", None).unwrap();
        let manifest = &p.files.iter().find(|f| f.path == "manifest.json").unwrap().text;
        let m: serde_json::Value = serde_json::from_str(manifest).unwrap();
        for f in p.files.iter().filter(|f| f.path != "manifest.json") {
            assert_eq!(m["files"][&f.path], f.sha256.as_str(), "hash of `{}`", f.path);
        }
    }

    #[test]
    fn export_of_edited_text_uses_the_text_and_refuses_a_non_empty_target() {
        let tmp = tempfile::tempdir().unwrap();
        let text =
            deployment::example_text("sovereign").unwrap().replacen("name:", "name: Edited —", 1);
        let out = tmp.path().join("b");
        let done =
            export_open("edited.yaml", Some(&text), out.to_str().unwrap(), false, None).unwrap();
        assert!(done.verify.ok, "a fresh export verifies: {:?}", done.verify);
        assert_eq!(done.verify.signature, "unsigned");
        let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
        assert!(readme.contains("Edited —"), "the edited name is exported: {readme}");

        let e = export_open("edited.yaml", Some(&text), out.to_str().unwrap(), false, None)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Usage);
        assert!(e.message.contains("not empty"), "{}", e.message);
    }

    #[test]
    fn a_relative_target_is_refused() {
        let e = export_open("example:hybrid", None, "bundle", false, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::Usage);
    }
}

// ---- Recording pins into a deployment file -----------------------------------------------

/// What `pins capture --deployment` recorded.
#[derive(Clone, Debug, Serialize)]
pub struct PinsRecorded {
    pub file: String,
    pub server: String,
    /// The field the tools were written to (`components.execution[0].mcp.tools`).
    pub field: String,
    pub tools: Vec<String>,
    /// Whether the file held other tools before (a re-approval).
    pub replaced: bool,
}

/// Captures the `tools/list` of the live server at `url` and records it as the `mcp.tools` of
/// component `server` in the deployment file at `path`, through a temporary file renamed
/// over it. Refuses, naming the field, when the component is not that server: another
/// `mcp.url`, not an MCP server, or approved tools the server does not list. The rest of the
/// file is kept as data; its comments are not (see `triplane_model::save`).
pub fn pins_record(url: &str, path: &Path, server: &str) -> Result<PinsRecorded, ApiError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ApiError::usage(format!("`{name}` does not exist")),
        _ => ApiError::runtime(format!("cannot read `{name}`: {e}")),
    })?;
    // The file must be valid before it is touched, so a failure below is never ours.
    triplane_model::load_bytes(&name, &bytes, deployment::catalog()?)?;
    let (mut spec, positions) = triplane_model::parse_bytes(&name, &bytes)?;

    let (plane, index) = triplane_model::Plane::ALL
        .iter()
        .find_map(|&p| {
            let i = spec.components.lane_mut(p).iter().position(|c| c.id == server)?;
            Some((p, i))
        })
        .ok_or_else(|| ApiError::usage(format!("`{name}` has no component `{server}`")))?;
    let field = format!("components.{}[{index}]", plane.as_str());
    let problem = |path: String, message: String| {
        let d = triplane_model::Diagnostic::new(&name, positions.get(&path), &path, message);
        ApiError::invalid(format!("`{name}`: pins of `{server}` not recorded"), vec![d])
    };

    let component = &spec.components.lane_mut(plane)[index];
    if component.kind != triplane_model::ComponentKind::McpServer {
        return Err(problem(
            format!("{field}.kind"),
            format!("`{server}` is not an `mcp-server`; only MCP servers have tools to pin"),
        ));
    }
    let Some(mcp) = &component.mcp else {
        return Err(problem(format!("{field}.mcp"), format!("`{server}` has no `mcp` block")));
    };
    if mcp.url.trim_end_matches('/') != url.trim_end_matches('/') {
        return Err(problem(
            format!("{field}.mcp.url"),
            format!("`{server}` is at `{}`, not `{url}`; capture from its own URL", mcp.url),
        ));
    }

    let tools = pins_capture(url)?;
    let pinned = pins::pin_all(&tools, &[])
        .map_err(|e| ApiError::invalid(format!("`{url}` lists malformed tools: {e}"), vec![]))?;
    if let Some((i, missing)) =
        mcp.approved.iter().enumerate().find(|(_, a)| !pinned.contains_key(a.as_str()))
    {
        return Err(problem(
            format!("{field}.mcp.approved[{i}]"),
            format!("approved tool `{missing}` is not among the tools `{url}` lists now"),
        ));
    }

    let mcp = spec.components.lane_mut(plane)[index].mcp.as_mut().expect("checked above");
    let replaced = mcp.tools.as_ref().is_some_and(|t| !t.is_empty());
    mcp.tools = Some(tools);
    let text = triplane_model::save(&spec);
    // What is written must load back: refuse to leave a file Triplane itself cannot read.
    triplane_model::load_bytes(&name, text.as_bytes(), deployment::catalog()?)?;
    write_atomically(path, text.as_bytes())?;

    Ok(PinsRecorded {
        file: name,
        server: server.to_string(),
        field: format!("{field}.mcp.tools"),
        tools: pinned.into_keys().collect(),
        replaced,
    })
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, keeping the
/// file's permissions: a reader sees the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let err =
        |e: std::io::Error| ApiError::runtime(format!("cannot write `{}`: {e}", path.display()));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = std::fs::metadata(path).map_err(err)?.permissions();
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.triplane-{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, permissions)?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}
