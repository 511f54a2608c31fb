//! The bundle on disk: `manifest.json` and its signature, a folder written through a
//! temporary sibling and renamed into place, or a deterministic `.tar.gz`; and reading a
//! bundle back for `verify` without ever writing anything.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component as PathPart, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sign::{self, SigningKey};
use crate::ExportError;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.minisig";
pub const MANIFEST_FORMAT: u32 = 1;

/// Bundles are a few hundred kilobytes; anything far larger is not one of ours.
const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;

/// One file of a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// The files of a bundle by relative path (`/`-separated), in sorted order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    pub entries: BTreeMap<String, Entry>,
}

impl Files {
    pub fn text(&mut self, path: &str, text: String) {
        self.entries
            .insert(path.to_string(), Entry { bytes: text.into_bytes(), executable: false });
    }

    pub fn script(&mut self, path: &str, text: String) {
        self.entries.insert(path.to_string(), Entry { bytes: text.into_bytes(), executable: true });
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.entries.get(path).map(|e| e.bytes.as_slice())
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub triplane_version: String,
    pub deployment: DeploymentRef,
    /// Path → `sha256:` of its bytes; every file but the manifest and its signature.
    pub files: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentRef {
    pub name: String,
    pub hash: String,
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// `sha256:` of `bytes`, as `manifest.json` lists each file.
pub fn sha256_of(bytes: &[u8]) -> String {
    sha256(bytes)
}

/// The trusted comment of a bundle signature: the deployment hash, and no timestamp, so the
/// same inputs and key give the same bytes.
pub fn trusted_comment(deployment_hash: &str) -> String {
    format!("triplane bundle of deployment {deployment_hash}")
}

/// Adds `manifest.json` and, with a key, `manifest.json.minisig`.
pub fn seal(
    mut files: Files,
    name: &str,
    hash: &str,
    key: Option<&SigningKey>,
) -> Result<Files, ExportError> {
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        triplane_version: env!("CARGO_PKG_VERSION").to_string(),
        deployment: DeploymentRef { name: name.to_string(), hash: hash.to_string() },
        files: files.entries.iter().map(|(p, e)| (p.clone(), sha256(&e.bytes))).collect(),
    };
    let mut text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| ExportError::Internal(e.to_string()))?;
    text.push('\n');
    if let Some(k) = key {
        let sig = k.sign(text.as_bytes(), &trusted_comment(hash))?;
        files.text(SIGNATURE, sig);
    }
    files.text(MANIFEST, text);
    Ok(files)
}

/// A path inside a bundle: relative, plain names only.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path).components().all(|c| matches!(c, PathPart::Normal(_)))
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io { path: path.display().to_string(), source }
}

/// Refuses a target that exists and is not an empty folder.
fn check_target(out: &Path, archive: bool) -> Result<(), ExportError> {
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(out)(e)),
        Ok(meta) if !archive && meta.is_dir() => {
            let mut rd = std::fs::read_dir(out).map_err(io_err(out))?;
            if rd.next().is_some() {
                Err(ExportError::TargetNotEmpty { path: out.display().to_string() })
            } else {
                Ok(())
            }
        }
        Ok(_) => Err(ExportError::TargetNotEmpty { path: out.display().to_string() }),
    }
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes the bundle as a folder: into a temporary sibling first, renamed into place at the
/// end, so an interrupted export leaves no half-written bundle.
pub fn write_dir(files: &Files, out: &Path) -> Result<(), ExportError> {
    check_target(out, false)?;
    let parent = parent_of(out);
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".triplane-export-")
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    for (path, entry) in &files.entries {
        if !safe_relative(path) {
            return Err(ExportError::PathEscape { path: path.clone() });
        }
        let dest = tmp.path().join(path);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::write(&dest, &entry.bytes).map_err(io_err(&dest))?;
        set_mode(&dest, if entry.executable { 0o755 } else { 0o644 })?;
    }
    set_tree_dir_modes(tmp.path())?;
    let tmp_path = tmp.keep();
    // rename(2) replaces an empty directory; a non-empty one was refused above.
    std::fs::rename(&tmp_path, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp_path);
        io_err(out)(e)
    })
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), ExportError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io_err(path))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), ExportError> {
    Ok(())
}

fn set_tree_dir_modes(dir: &Path) -> Result<(), ExportError> {
    set_mode(dir, 0o755)?;
    for e in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let e = e.map_err(io_err(dir))?;
        if e.file_type().map_err(io_err(dir))?.is_dir() {
            set_tree_dir_modes(&e.path())?;
        }
    }
    Ok(())
}

/// Writes the bundle as a `.tar.gz` with sorted entries and fixed metadata (mtime 0, uid and
/// gid 0, mode 0644 or 0755), through a temporary file renamed into place.
pub fn write_archive(files: &Files, out: &Path) -> Result<(), ExportError> {
    check_target(out, true)?;
    let bytes = archive_bytes(files)?;
    let parent = parent_of(out);
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".triplane-export-")
        .tempfile_in(&parent)
        .map_err(io_err(&parent))?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(io_err(out))?;
    set_mode(tmp.path(), 0o644)?;
    tmp.persist_noclobber(out).map_err(|e| io_err(out)(e.error))?;
    Ok(())
}

pub fn archive_bytes(files: &Files) -> Result<Vec<u8>, ExportError> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, entry) in &files.entries {
        if !safe_relative(path) {
            return Err(ExportError::PathEscape { path: path.clone() });
        }
        let mut header = tar::Header::new_ustar();
        header.set_size(entry.bytes.len() as u64);
        header.set_mode(if entry.executable { 0o755 } else { 0o644 });
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        let io = |e: std::io::Error| {
            ExportError::Internal(format!("cannot add `{path}` to the archive: {e}"))
        };
        tar.append_data(&mut header, path, entry.bytes.as_slice()).map_err(io)?;
    }
    let gz = tar.into_inner().map_err(|e| ExportError::Internal(e.to_string()))?;
    gz.finish().map_err(|e| ExportError::Internal(e.to_string()))
}

/// Why a bundle could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{path}`: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("`{path}` in the bundle is a {kind}; bundles hold regular files only")]
    NotAFile { path: String, kind: String },
    #[error("`{path}` in the bundle escapes it (absolute, `..` or not a plain name)")]
    Escape { path: String },
    #[error("the bundle is larger than {MAX_BUNDLE_BYTES} bytes")]
    TooLarge,
}

/// Reads a bundle folder or `.tar.gz` into memory. Never writes: a hostile archive (`..`,
/// absolute paths, links) is refused before anything could land on disk.
pub fn read(path: &Path) -> Result<Files, ReadError> {
    let io = |source| ReadError::Io { path: path.display().to_string(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let mut files = Files::default();
        let mut total = 0;
        read_dir_into(path, "", &mut files, &mut total)?;
        Ok(files)
    } else {
        let f = std::fs::File::open(path).map_err(io)?;
        read_archive(f)
    }
}

fn read_dir_into(
    root: &Path,
    prefix: &str,
    files: &mut Files,
    total: &mut u64,
) -> Result<(), ReadError> {
    let dir = root.join(prefix);
    let io = |source| ReadError::Io { path: dir.display().to_string(), source };
    let mut entries: Vec<_> =
        std::fs::read_dir(&dir).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let ft = e.file_type().map_err(io)?;
        if ft.is_symlink() {
            return Err(ReadError::NotAFile { path: rel, kind: "symbolic link".into() });
        } else if ft.is_dir() {
            read_dir_into(root, &rel, files, total)?;
        } else if ft.is_file() {
            let bytes = std::fs::read(e.path())
                .map_err(|source| ReadError::Io { path: rel.clone(), source })?;
            *total += bytes.len() as u64;
            if *total > MAX_BUNDLE_BYTES {
                return Err(ReadError::TooLarge);
            }
            let executable = is_executable(&e.path());
            files.entries.insert(rel, Entry { bytes, executable });
        } else {
            return Err(ReadError::NotAFile { path: rel, kind: "special file".into() });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    false
}

fn read_archive(f: impl Read) -> Result<Files, ReadError> {
    let io = |source| ReadError::Io { path: "archive".into(), source };
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f.take(MAX_BUNDLE_BYTES * 4)));
    let mut files = Files::default();
    let mut total = 0u64;
    for entry in ar.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = raw.strip_prefix("./").unwrap_or(&raw).trim_end_matches('/').to_string();
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            if !path.is_empty() && !safe_relative(&path) {
                return Err(ReadError::Escape { path: raw });
            }
            continue;
        }
        if !safe_relative(&path) {
            return Err(ReadError::Escape { path: raw });
        }
        if !kind.is_file() {
            let kind = if kind.is_symlink() {
                "symbolic link"
            } else if kind.is_hard_link() {
                "hard link"
            } else {
                "special entry"
            };
            return Err(ReadError::NotAFile { path, kind: kind.into() });
        }
        total += entry.size();
        if total > MAX_BUNDLE_BYTES {
            return Err(ReadError::TooLarge);
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(io)?;
        let executable = entry.header().mode().is_ok_and(|m| m & 0o111 != 0);
        files.entries.insert(path, Entry { bytes, executable });
    }
    Ok(files)
}

/// The state of the bundle's signature.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum SignatureStatus {
    /// Checked with the given public key.
    Verified {
        trusted_comment: String,
    },
    /// A signature is present but no public key was given.
    NotChecked,
    /// No `manifest.json.minisig`.
    Unsigned,
    Invalid {
        reason: String,
    },
}

/// What `verify` found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerifyReport {
    pub deployment: Option<DeploymentRef>,
    pub triplane_version: Option<String>,
    /// Files whose bytes differ from the manifest.
    pub changed: Vec<String>,
    /// Files the manifest lists that are not there.
    pub missing: Vec<String>,
    /// Files that are there but not in the manifest.
    pub added: Vec<String>,
    pub signature: SignatureStatus,
    /// A manifest that cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_error: Option<String>,
}

impl VerifyReport {
    /// True when the bundle is exactly what was exported (and signed, if a key was given).
    pub fn ok(&self) -> bool {
        self.manifest_error.is_none()
            && self.changed.is_empty()
            && self.missing.is_empty()
            && self.added.is_empty()
            && !matches!(self.signature, SignatureStatus::Invalid { .. })
    }
}

/// Checks a bundle read into memory against its manifest and, given a public key, its
/// signature. A public key given for an unsigned bundle is a failure.
pub fn verify(files: &Files, pubkey: Option<&Path>) -> VerifyReport {
    let mut report = VerifyReport {
        deployment: None,
        triplane_version: None,
        changed: vec![],
        missing: vec![],
        added: vec![],
        signature: SignatureStatus::Unsigned,
        manifest_error: None,
    };
    let Some(manifest_bytes) = files.get(MANIFEST) else {
        report.manifest_error = Some(format!("no `{MANIFEST}`"));
        return report;
    };
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            report.manifest_error = Some(format!("`{MANIFEST}` is not a Triplane manifest: {e}"));
            return report;
        }
    };

    for (path, hash) in &manifest.files {
        match files.get(path) {
            None => report.missing.push(path.clone()),
            Some(bytes) if sha256(bytes) != *hash => report.changed.push(path.clone()),
            Some(_) => {}
        }
    }
    report.added = files
        .paths()
        .filter(|p| *p != MANIFEST && *p != SIGNATURE && !manifest.files.contains_key(*p))
        .map(String::from)
        .collect();

    report.signature = match (files.get(SIGNATURE), pubkey) {
        (None, None) => SignatureStatus::Unsigned,
        (None, Some(_)) => SignatureStatus::Invalid {
            reason: format!("no `{SIGNATURE}` but a public key was given"),
        },
        (Some(_), None) => SignatureStatus::NotChecked,
        (Some(sig), Some(pk)) => {
            match sign::verify(pk, &String::from_utf8_lossy(sig), manifest_bytes) {
                Ok(comment) if comment == trusted_comment(&manifest.deployment.hash) => {
                    SignatureStatus::Verified { trusted_comment: comment }
                }
                Ok(comment) => SignatureStatus::Invalid {
                    reason: format!(
                        "the trusted comment `{comment}` does not name the manifest's deployment"
                    ),
                },
                Err(reason) => SignatureStatus::Invalid { reason },
            }
        }
    };
    report.deployment = Some(manifest.deployment);
    report.triplane_version = Some(manifest.triplane_version);
    report
}
