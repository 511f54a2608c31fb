//! Deployment files on disk as the app opens and saves them, their history, and the app's
//! autosaves of unsaved work.
//!
//! A face never names a path to write: [`Files`] hands out a numbered handle for each file the
//! user picked (in a native dialog, or on the command line), and saves go to a handle. A save
//! writes the text it is given byte for byte (so a hand-written file keeps its comments),
//! atomically (a temporary file in the same folder, then a rename), and refuses, writing
//! nothing, when the file was deleted, changed on disk or made read-only since it was opened.
//! Every save is a revision of the project that follows the file in the store; a store that
//! refuses (locked, newer) does not undo the save, it is reported beside it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use triplane_model::hash_bytes;
use triplane_store::Store;

use crate::view::PlaneView;
use crate::{deployment, projects, ApiError, ErrorCode};

/// A deployment file the user opened or saved, as the app receives it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OpenedFile {
    /// What later saves of this file name; only the app that handed it out knows its path.
    pub handle: u32,
    /// The file's name, for titles.
    pub name: String,
    /// The absolute path, for display.
    pub path: String,
    /// The text as it is on disk.
    pub text: String,
    pub view: PlaneView,
    /// The project that keeps this file's revisions, when the store could record it.
    pub project_id: Option<u32>,
    /// Why the history could not be read or written (locked or newer database); the file
    /// itself was read or written all the same.
    pub history_error: Option<String>,
}

/// The outcome of a save that wrote the file.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub file: OpenedFile,
    /// The revision this save recorded; `None` when the text equals the latest revision, or
    /// when the store refused (see `file.historyError`).
    pub revision_id: Option<u32>,
}

/// Where a deployment the app holds came from: the key of its autosave.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Origin {
    File {
        handle: u32,
    },
    Project {
        id: u32,
    },
    Example {
        id: String,
    },
    /// A new deployment not saved yet (`deployment::new_deployment`); saving it is a Save as.
    New,
}

/// Unsaved work the app kept after a crash or a close without saving.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AutosaveView {
    /// The autosave's key, to resume or discard it.
    pub source: String,
    pub name: String,
    /// Unix milliseconds.
    pub saved: f64,
    /// Lines in the kept text.
    pub lines: u32,
}

/// Unsaved work taken back: the text, resolved, and where it came from (a fresh handle for a
/// file, so Save writes where the work was opened from).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResumedWork {
    pub name: String,
    pub text: String,
    pub view: PlaneView,
    pub origin: Origin,
    /// For a file: its path, for display.
    pub path: Option<String>,
    /// The project that keeps this deployment's revisions, if known.
    pub project_id: Option<u32>,
}

/// The files the app has handed out handles for, and the store their history goes to.
#[derive(Debug)]
pub struct Files {
    db: Option<PathBuf>,
    next: AtomicU32,
    slots: Mutex<Vec<Slot>>,
}

#[derive(Debug, Clone)]
struct Slot {
    handle: u32,
    path: PathBuf,
    /// `sha256:` of the bytes on disk when the file was last read or written by us; `None`
    /// when it did not exist (a resumed autosave of a deleted file).
    disk: Option<String>,
}

impl Files {
    /// `db` is the store file (the OS data directory's when `None`).
    pub fn new(db: Option<PathBuf>) -> Files {
        Files { db, next: AtomicU32::new(1), slots: Mutex::new(Vec::new()) }
    }

    /// Reads and resolves the file at `path` (picked by the user), and records its text as a
    /// revision when it differs from the latest one (an edit made outside Triplane).
    pub fn open(&self, path: &Path) -> Result<OpenedFile, ApiError> {
        let path = absolute(path)?;
        let (text, d) = read_text(&path)?;
        let name = display(&path);

        let handle = self.remember(&path, Some(hash_bytes(text.as_bytes())));
        let (project_id, _, history_error) =
            match self.record(&path, &text, "opened", "opened; changed outside Triplane") {
                Ok((p, r)) => (Some(p), r, None),
                Err(e) => (None, None, Some(e.message)),
            };
        Ok(OpenedFile {
            handle,
            name: file_name(&path),
            path: name,
            text,
            view: PlaneView::from(&d),
            project_id,
            history_error,
        })
    }

    /// The file named on the app's command line, opened, when it is a path (`example:ID` is
    /// opened as an example instead).
    pub fn open_launch(&self, launch: Option<&str>) -> Result<Option<OpenedFile>, ApiError> {
        match launch {
            Some(p) if !p.starts_with("example:") => Ok(Some(self.open(Path::new(p))?)),
            _ => Ok(None),
        }
    }

    /// Writes `text` over the file behind `handle`, if that file is still the one we read.
    pub fn save(
        &self,
        handle: u32,
        text: &str,
        message: Option<&str>,
    ) -> Result<SavedFile, ApiError> {
        let slot = self.slot(handle)?;
        check_unchanged(&slot)?;
        self.write_and_record(&slot.path, text, message, Some(handle))
    }

    /// Writes `text` to `path` (picked by the user in a save dialog, who confirmed replacing
    /// it), and hands out a handle for later saves. `held` is where the work came from (an
    /// example, a new deployment): its autosave goes once the text is on disk, as the file's
    /// own does.
    pub fn save_as(
        &self,
        path: &Path,
        text: &str,
        message: Option<&str>,
        held: Option<&Origin>,
    ) -> Result<SavedFile, ApiError> {
        let path = absolute(path)?;
        let saved = self.write_and_record(&path, text, message, None)?;
        if let (Some(origin), None) = (held, &saved.file.history_error) {
            // As for the file's own autosave: a failure leaves a stale offer, never lost work.
            let _ = self.discard_origin(origin);
        }
        Ok(saved)
    }

    fn write_and_record(
        &self,
        path: &Path,
        text: &str,
        message: Option<&str>,
        handle: Option<u32>,
    ) -> Result<SavedFile, ApiError> {
        let name = display(path);
        // What the app writes, the CLI must read: a text that does not resolve is not written.
        let d = deployment::load_text(&name, text)?;
        write_atomic(path, text.as_bytes())?;

        let sha = hash_bytes(text.as_bytes());
        let handle = match handle {
            Some(h) => {
                self.set_disk(h, Some(sha));
                h
            }
            None => self.remember(path, Some(sha)),
        };
        let message = message.unwrap_or("saved");
        let (project_id, revision_id, history_error) =
            match self.record(path, text, message, message) {
                Ok((p, r)) => (Some(p), r, None),
                Err(e) => (None, None, Some(e.message)),
            };
        if history_error.is_none() {
            // The work is on disk now; a failure to drop its autosave only leaves a stale
            // offer, which the start screen shows with its time.
            let _ = self.store().and_then(|s| Ok(s.delete_autosave(&file_source(path))?));
        }
        Ok(SavedFile {
            file: OpenedFile {
                handle,
                name: file_name(path),
                path: name,
                text: text.to_owned(),
                view: PlaneView::from(&d),
                project_id,
                history_error,
            },
            revision_id,
        })
    }

    /// Appends `text` as a revision of the file's project unless it equals the latest one;
    /// `first` is the message of a project's first revision, `later` of the others.
    fn record(
        &self,
        path: &Path,
        text: &str,
        first: &str,
        later: &str,
    ) -> Result<(u32, Option<u32>), ApiError> {
        let store = self.store()?;
        let key = display(path);
        let project = store.project_for_file(&key, &key)?;
        let latest = store.list_revisions(project.id)?.pop();
        let revision = match latest {
            Some(r) if r.sha256 == hex_sha(text) => None,
            Some(_) => Some(store.save_revision(project.id, text, Some(later))?),
            None => Some(store.save_revision(project.id, text, Some(first))?),
        };
        let revision = revision.map(|r| projects::wire_id(r.id)).transpose()?;
        Ok((projects::wire_id(project.id)?, revision))
    }

    /// Keeps unsaved work of `origin` in the store, replacing its previous autosave.
    pub fn autosave(&self, origin: &Origin, name: &str, text: &str) -> Result<(), ApiError> {
        let source = self.source(origin)?;
        self.store()?.put_autosave(&source, name, text)?;
        Ok(())
    }

    /// Unsaved work kept by earlier sessions, the most recent first.
    pub fn autosaves(&self) -> Result<Vec<AutosaveView>, ApiError> {
        Ok(self
            .store()?
            .list_autosaves()?
            .into_iter()
            .map(|a| AutosaveView {
                lines: u32::try_from(a.text.lines().count()).unwrap_or(u32::MAX),
                source: a.source,
                name: a.name,
                saved: a.saved as f64,
            })
            .collect())
    }

    /// Drops the autosave of `origin` (its work was saved, or the user closed it unsaved).
    pub fn discard_origin(&self, origin: &Origin) -> Result<(), ApiError> {
        let source = self.source(origin)?;
        self.discard(&source)
    }

    /// Drops the autosave with key `source`.
    pub fn discard(&self, source: &str) -> Result<(), ApiError> {
        self.store()?.delete_autosave(source)?;
        Ok(())
    }

    /// Takes back the autosave `source`: its text resolved, and where Save should write it.
    /// The autosave stays until the work is saved or discarded.
    pub fn resume(&self, source: &str) -> Result<ResumedWork, ApiError> {
        let store = self.store()?;
        let kept = store
            .list_autosaves()?
            .into_iter()
            .find(|a| a.source == source)
            .ok_or_else(|| ApiError::usage(format!("no autosave `{source}`")))?;
        let d = deployment::load_text(&kept.name, &kept.text)?;

        let (origin, path, project_id) = if let Some(file) = source.strip_prefix("file:") {
            let path = PathBuf::from(file);
            let disk = std::fs::read(&path).ok().map(|b| hash_bytes(&b));
            let handle = self.remember(&path, disk);
            let project = store.find_project_for_file(file)?;
            let project_id = project.map(|p| projects::wire_id(p.id)).transpose()?;
            (Origin::File { handle }, Some(file.to_owned()), project_id)
        } else if let Some(id) = source.strip_prefix("project:") {
            let id: u32 = id
                .parse()
                .map_err(|_| ApiError::runtime(format!("autosave key `{source}` is malformed")))?;
            (Origin::Project { id }, None, Some(id))
        } else if let Some(id) = source.strip_prefix("example:") {
            (Origin::Example { id: id.to_owned() }, None, None)
        } else if source == NEW_SOURCE {
            (Origin::New, None, None)
        } else {
            return Err(ApiError::runtime(format!("autosave key `{source}` is malformed")));
        };
        Ok(ResumedWork {
            name: kept.name,
            text: kept.text,
            view: PlaneView::from(&d),
            origin,
            path,
            project_id,
        })
    }

    fn source(&self, origin: &Origin) -> Result<String, ApiError> {
        Ok(match origin {
            Origin::File { handle } => file_source(&self.slot(*handle)?.path),
            Origin::Project { id } => format!("project:{id}"),
            Origin::Example { id } => {
                deployment::example_text(id)?;
                format!("example:{id}")
            }
            Origin::New => NEW_SOURCE.to_owned(),
        })
    }

    fn store(&self) -> Result<Store, ApiError> {
        projects::open_store(self.db.as_deref())
    }

    fn remember(&self, path: &Path, disk: Option<String>) -> u32 {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slots.iter_mut().find(|s| s.path == path) {
            s.disk = disk;
            return s.handle;
        }
        let handle = self.next.fetch_add(1, Ordering::Relaxed);
        slots.push(Slot { handle, path: path.to_path_buf(), disk });
        handle
    }

    fn set_disk(&self, handle: u32, disk: Option<String>) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slots.iter_mut().find(|s| s.handle == handle) {
            s.disk = disk;
        }
    }

    fn slot(&self, handle: u32) -> Result<Slot, ApiError> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.iter().find(|s| s.handle == handle).cloned().ok_or_else(|| {
            ApiError::usage(format!("no open file with handle `{handle}`; hint: open it again"))
        })
    }
}

/// The autosave key of a new deployment: one at a time, like the app holds.
const NEW_SOURCE: &str = "new";

fn file_source(path: &Path) -> String {
    format!("file:{}", display(path))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| display(path))
}

fn hex_sha(text: &str) -> String {
    hash_bytes(text.as_bytes()).trim_start_matches("sha256:").to_owned()
}

/// The path made absolute, following a symbolic link to the file it names so a save replaces
/// the file and not the link.
fn absolute(path: &Path) -> Result<PathBuf, ApiError> {
    let abs = std::path::absolute(path)
        .map_err(|e| ApiError::usage(format!("`{}` is not a usable path: {e}", path.display())))?;
    Ok(std::fs::canonicalize(&abs).unwrap_or(abs))
}

/// The file's text; a file too large, not UTF-8 or not a deployment is a positioned problem
/// from the model's loader, like any invalid file.
fn read_text(path: &Path) -> Result<(String, triplane_model::Deployment), ApiError> {
    let name = display(path);
    let meta = std::fs::metadata(path).map_err(|e| io_error(&name, "read", &e))?;
    if meta.is_dir() {
        return Err(ApiError::usage(format!("`{name}` is a folder, not a deployment file")));
    }
    if meta.len() > triplane_model::MAX_FILE_BYTES as u64 {
        // The model's loader refuses it from its size alone, with the limit in the message.
        let refusal = triplane_model::load_path(path, deployment::catalog()?).err();
        return Err(refusal.map_or_else(
            || ApiError::invalid(format!("`{name}` is too large"), vec![]),
            ApiError::from,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(&name, "read", &e))?;
    let d = triplane_model::load_bytes(&name, &bytes, deployment::catalog()?)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ApiError::runtime(format!("`{name}` is not UTF-8")))?;
    Ok((text, d))
}

/// Refuses a save over a file that is gone, read-only or no longer what we read.
fn check_unchanged(slot: &Slot) -> Result<(), ApiError> {
    let name = display(&slot.path);
    let kept = "nothing was written and your work is kept in the app; hint: use Save as";
    let meta = match std::fs::metadata(&slot.path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ApiError::runtime(format!(
                "`{name}` was deleted or moved after it was opened; {kept}"
            )));
        }
        Err(e) => return Err(io_error(&name, "check", &e)),
    };
    if meta.permissions().readonly() {
        return Err(ApiError::runtime(format!("`{name}` is read-only; {kept}")));
    }
    let now = std::fs::read(&slot.path).map_err(|e| io_error(&name, "read", &e))?;
    if slot.disk.as_deref() != Some(hash_bytes(&now).as_str()) {
        return Err(ApiError::runtime(format!(
            "`{name}` changed on disk after it was opened (another program wrote it); {kept}"
        )));
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash or a full disk leaves either the old file or the new one, never half of each. A
/// read-only target is refused (a rename would replace it regardless of its mode).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let name = display(path);
    let existing = match std::fs::metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(&name, "check", &e)),
    };
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(ApiError::usage(format!("`{name}` is a folder; nothing was written")));
        }
        if m.permissions().readonly() {
            return Err(ApiError::runtime(format!(
                "`{name}` is read-only; nothing was written and your work is kept in the app; \
                 hint: use Save as"
            )));
        }
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = dir.join(format!(".{}.triplane-{}.tmp", file_name(path), std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Some(m) = &existing {
            std::fs::set_permissions(&temp, m.permissions())?;
        }
        std::fs::rename(&temp, path)?;
        // The rename is durable once the folder's entry is; a folder that cannot be synced
        // (some network file systems) still has the new file.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        let what = if e.kind() == std::io::ErrorKind::PermissionDenied {
            format!(
                "cannot write `{name}`: permission denied in `{}`; nothing was written and your \
                 work is kept in the app; hint: use Save as",
                dir.display()
            )
        } else {
            format!(
                "cannot write `{name}`: {e}; nothing was written and your work is kept in the app"
            )
        };
        return Err(ApiError::runtime(what));
    }
    Ok(())
}

fn io_error(name: &str, verb: &str, e: &std::io::Error) -> ApiError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ApiError::usage(format!("`{name}` does not exist")),
        std::io::ErrorKind::PermissionDenied => {
            ApiError::runtime(format!("cannot {verb} `{name}`: permission denied"))
        }
        _ => ApiError::new(ErrorCode::Runtime, format!("cannot {verb} `{name}`: {e}")),
    }
}

/// One line of a diff between two texts.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DiffLine {
    pub tag: DiffTag,
    /// Line number in the older text (none for an added line).
    pub old: Option<u32>,
    /// Line number in the newer text (none for a removed line).
    pub new: Option<u32>,
    /// The line without its line break.
    pub text: String,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum DiffTag {
    Same,
    Added,
    Removed,
}

/// A line diff: groups of changed lines with up to three lines of context around each.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DiffView {
    pub hunks: Vec<Vec<DiffLine>>,
    pub added: u32,
    pub removed: u32,
}

/// The line diff from `old` to `new` (Myers, by `similar`).
pub fn diff(old: &str, new: &str) -> DiffView {
    let diff = TextDiff::from_lines(old, new);
    let mut out = DiffView { hunks: Vec::new(), added: 0, removed: 0 };
    for group in diff.grouped_ops(3) {
        let mut hunk = Vec::new();
        for op in group {
            for change in diff.iter_changes(&op) {
                let tag = match change.tag() {
                    ChangeTag::Equal => DiffTag::Same,
                    ChangeTag::Insert => {
                        out.added += 1;
                        DiffTag::Added
                    }
                    ChangeTag::Delete => {
                        out.removed += 1;
                        DiffTag::Removed
                    }
                };
                let number = |i: Option<usize>| i.and_then(|i| u32::try_from(i + 1).ok());
                hunk.push(DiffLine {
                    tag,
                    old: number(change.old_index()),
                    new: number(change.new_index()),
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                });
            }
        }
        out.hunks.push(hunk);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = include_str!("../../../tests/fixtures/deployments/minimal.yaml");

    struct Env {
        dir: tempfile::TempDir,
        files: Files,
    }

    fn env() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::new(Some(dir.path().join("t.db")));
        Env { dir, files }
    }

    impl Env {
        fn write(&self, name: &str, text: &str) -> PathBuf {
            let p = self.dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        }
    }

    fn edited() -> String {
        TEXT.replace("name: Minimal on-premises agent", "name: Minimal agent # renamed")
    }

    #[test]
    fn a_save_writes_the_text_as_is_and_records_a_revision() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        assert_eq!(opened.text, TEXT);
        let project = opened.project_id.expect("the store recorded the file");

        let saved = e.files.save(opened.handle, &edited(), None).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            edited(),
            "comments and all, byte for byte"
        );
        assert!(saved.revision_id.is_some());
        let listed = projects::revisions(e.files.db.as_deref(), project).unwrap();
        assert_eq!(listed.len(), 2, "opened, then saved: {listed:?}");
        assert_eq!(listed[0].message.as_deref(), Some("saved"));
        assert_eq!(listed[1].message.as_deref(), Some("opened"));

        let again = e.files.save(opened.handle, &edited(), None).unwrap();
        assert_eq!(again.revision_id, None, "saving the same text twice adds no revision");
        assert!(!std::fs::read_dir(e.dir.path()).unwrap().any(|f| f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp")));
    }

    #[test]
    fn an_edit_made_outside_is_a_revision_when_the_file_is_opened_again() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let first = e.files.open(&path).unwrap();
        std::fs::write(&path, edited()).unwrap();
        let second = e.files.open(&path).unwrap();
        assert_eq!(first.project_id, second.project_id, "one project per file");
        let listed =
            projects::revisions(e.files.db.as_deref(), second.project_id.unwrap()).unwrap();
        assert_eq!(listed[0].message.as_deref(), Some("opened; changed outside Triplane"));
    }

    #[test]
    fn a_file_deleted_while_open_is_not_recreated_by_save() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let err = e.files.save(opened.handle, &edited(), None).unwrap_err();
        assert!(err.message.contains("was deleted or moved"), "{}", err.message);
        assert!(err.message.contains("Save as"), "the message says what to do: {}", err.message);
        assert!(!path.exists(), "nothing was written");
    }

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        std::fs::write(&path, format!("{TEXT}# someone else\n")).unwrap();
        let err = e.files.save(opened.handle, &edited(), None).unwrap_err();
        assert!(err.message.contains("changed on disk"), "{}", err.message);
        assert!(std::fs::read_to_string(&path).unwrap().ends_with("# someone else\n"));
    }

    #[test]
    fn a_read_only_target_is_refused_even_for_root() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).unwrap();

        let err = e.files.save(opened.handle, &edited(), None).unwrap_err();
        assert!(err.message.contains("is read-only"), "{}", err.message);
        let err = e.files.save_as(&path, &edited(), None, None).unwrap_err();
        assert!(err.message.contains("is read-only"), "save as refuses too: {}", err.message);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), TEXT, "untouched");
    }

    #[test]
    fn an_invalid_text_is_not_written() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        let err = e.files.save(opened.handle, "triplane: 1\nnope: 1\n", None).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), TEXT);
    }

    #[test]
    fn malformed_and_foreign_files_are_positioned_problems() {
        let e = env();
        let malformed = e.write("m.yaml", "triplane: 1\nname: [unclosed\n");
        let err = e.files.open(&malformed).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(err.diagnostics[0].file.ends_with("m.yaml"));

        let foreign = e.write("k8s.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
        let err = e.files.open(&foreign).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{}", err.message);
        assert!(!err.diagnostics.is_empty());

        let binary = e.dir.path().join("b.yaml");
        std::fs::write(&binary, b"triplane: 1\nname: \xff\xfe\n").unwrap();
        let err = e.files.open(&binary).unwrap_err();
        assert_eq!((err.code, err.diagnostics[0].line), (ErrorCode::Invalid, 2));

        let missing = e.files.open(&e.dir.path().join("none.yaml")).unwrap_err();
        assert_eq!(missing.code, ErrorCode::Usage);
        assert!(missing.message.contains("does not exist"));
    }

    #[test]
    fn a_locked_database_does_not_stop_the_save() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        let holder = rusqlite::Connection::open(e.files.db.as_ref().unwrap()).unwrap();
        holder.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;").unwrap();

        let saved = e.files.save(opened.handle, &edited(), None).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited(), "the file is written");
        let why = saved.file.history_error.expect("the history could not be written");
        assert!(why.contains("locked"), "{why}");
    }

    #[test]
    fn autosaves_resume_to_the_same_file_and_go_once_saved() {
        let e = env();
        let path = e.write("d.yaml", TEXT);
        let opened = e.files.open(&path).unwrap();
        let origin = Origin::File { handle: opened.handle };
        e.files.autosave(&origin, "d.yaml", &edited()).unwrap();

        // A new session (after a crash) knows no handle yet.
        let later = Files::new(e.files.db.clone());
        let offers = later.autosaves().unwrap();
        assert_eq!(offers.len(), 1);
        let back = later.resume(&offers[0].source).unwrap();
        assert_eq!(back.text, edited());
        let Origin::File { handle } = back.origin else { panic!("a file origin: {back:?}") };
        later.save(handle, &back.text, None).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited());
        assert!(later.autosaves().unwrap().is_empty(), "the save dropped the autosave");
    }

    #[test]
    fn a_new_deployment_is_autosaved_resumed_and_dropped_once_saved_as() {
        let e = env();
        let text = crate::deployment::NEW_DEPLOYMENT_TEXT;
        e.files.autosave(&Origin::New, crate::deployment::NEW_DEPLOYMENT_NAME, text).unwrap();

        let later = Files::new(e.files.db.clone());
        let offers = later.autosaves().unwrap();
        assert_eq!(offers.len(), 1, "the unsaved new deployment is offered back");
        let back = later.resume(&offers[0].source).unwrap();
        assert_eq!((back.origin.clone(), back.path.clone()), (Origin::New, None));
        assert_eq!(back.text, text);

        let path = e.dir.path().join("mine.yaml");
        later.save_as(&path, &back.text, None, Some(&back.origin)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert!(later.autosaves().unwrap().is_empty(), "saved as a file, it is not offered again");
    }

    #[test]
    fn the_diff_numbers_lines_on_both_sides() {
        let d = diff("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!((d.added, d.removed), (2, 1));
        let lines = &d.hunks[0];
        assert!(lines.contains(&DiffLine {
            tag: DiffTag::Removed,
            old: Some(2),
            new: None,
            text: "b".into()
        }));
        assert!(lines.contains(&DiffLine {
            tag: DiffTag::Added,
            old: None,
            new: Some(4),
            text: "d".into()
        }));
    }
}
