//! The app's Simulation view over [`crate::simulation`]: which deployment to simulate (a
//! bundled example, a project's revision in the store, or text the app holds), one run at a
//! time off the UI thread with progress and a cancel handle, and the representative session
//! drawn as a sequence diagram beside the report.
//!
//! Nothing here computes a figure: the report is [`triplane_sim::simulate_controlled`]'s and
//! the session is [`triplane_sim::session::representative`]'s, the same two that
//! `triplane simulate --json` and `triplane simulate --trace-session --json` print.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use triplane_model::Deployment;
use triplane_sim::session::{self, SessionTrace};
use triplane_sim::{Control, Options, PolicySet, Progress};
use triplane_store::Store;

use crate::view::SimulationView;
use crate::{deployment, ApiError, ErrorCode};

/// What the Simulation view asks for.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SimulationRequest {
    /// The open deployment's name as the plane view gives it: `example:ID`, `project:NAME`,
    /// or a file name when `text` is sent.
    pub file: String,
    /// The deployment text the app holds (a picked file, an edit); it wins over `file`.
    pub text: Option<String>,
    /// For `project:NAME`: the `sha256:` hash of the revision shown, so the run simulates
    /// exactly the text on screen even when a newer revision was saved since. Without it, the
    /// latest revision.
    pub hash: Option<String>,
    pub seed: u32,
    /// 1 to 3660.
    pub days: u32,
}

/// How far the run has got.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SimulationProgress {
    /// 0 to 1, never decreasing.
    pub fraction: f64,
    pub sessions: f64,
}

/// The report and its representative session.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SimulationOutcome {
    pub report: SimulationView,
    pub session: SessionView,
}

/// The representative session (`docs/simulation.md`), as `simulate --trace-session --json`
/// gives it, and drawn.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub day: u32,
    /// Position among the day's sessions, from 1.
    pub session: f64,
    pub sessions_in_day: f64,
    pub turns: u32,
    pub cycles: u32,
    pub components: Vec<SessionComponentView>,
    pub hops: Vec<SessionHopView>,
    /// The planes present, in lane order, with their band colour, for the legend.
    pub lanes: Vec<LaneView>,
    /// The sequence diagram drawn by `triplane-report` (our own SVG, no remote content).
    pub svg: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionComponentView {
    pub id: String,
    pub plane: String,
    pub jurisdictions: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionHopView {
    pub step: u32,
    pub turn: u32,
    pub cycle: u32,
    pub from: String,
    pub to: String,
    pub classes: Vec<String>,
    pub jurisdictions: Vec<String>,
    pub tokens: f64,
    pub bytes: f64,
    pub misrouted: bool,
    /// The arrow's label in the diagram.
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LaneView {
    pub plane: String,
    /// `#rrggbb`.
    pub colour: String,
}

impl From<&SessionTrace> for SessionView {
    fn from(t: &SessionTrace) -> SessionView {
        let mut lanes: Vec<LaneView> = Vec::new();
        for c in &t.components {
            if !lanes.iter().any(|l| l.plane == c.plane.as_str()) {
                lanes.push(LaneView {
                    plane: c.plane.as_str().to_owned(),
                    colour: triplane_report::session::lane_colour(c.plane).to_owned(),
                });
            }
        }
        SessionView {
            day: t.day,
            session: t.session as f64,
            sessions_in_day: t.sessions_in_day as f64,
            turns: t.turns,
            cycles: t.cycles,
            components: t
                .components
                .iter()
                .map(|c| SessionComponentView {
                    id: c.id.clone(),
                    plane: c.plane.as_str().to_owned(),
                    jurisdictions: c.jurisdictions.clone(),
                })
                .collect(),
            hops: t
                .hops
                .iter()
                .map(|h| SessionHopView {
                    step: h.step,
                    turn: h.turn,
                    cycle: h.cycle,
                    from: h.from.clone(),
                    to: h.to.clone(),
                    classes: h.classes.clone(),
                    jurisdictions: h.jurisdictions.clone(),
                    tokens: h.tokens as f64,
                    bytes: h.bytes as f64,
                    misrouted: h.misrouted,
                    label: triplane_report::session::hop_label(h),
                })
                .collect(),
            lanes,
            svg: triplane_report::session::session_diagram_svg(t),
        }
    }
}

/// The simulation the app is running, if any: one at a time.
#[derive(Debug, Default)]
pub struct SimulationControl {
    current: Mutex<Option<Arc<AtomicBool>>>,
}

/// Clears [`SimulationControl`] when the run ends, however it ends.
struct Running<'a>(&'a SimulationControl);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *self.0.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl SimulationControl {
    fn begin(&self) -> Result<(Running<'_>, Arc<AtomicBool>), ApiError> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.is_some() {
            return Err(ApiError::usage(
                "a simulation is already running; hint: cancel it or wait for it to end",
            ));
        }
        let flag = Arc::new(AtomicBool::new(false));
        *current = Some(flag.clone());
        Ok((Running(self), flag))
    }

    /// Cancels the running simulation; nothing of it is kept. False when none runs.
    pub fn cancel(&self) -> bool {
        match &*self.current.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

/// Loads what `request` names. Only `example:ID` and `project:NAME` are looked up; any other
/// name needs its text, so no path the web side names is ever read.
pub fn load(db: Option<&Path>, request: &SimulationRequest) -> Result<Deployment, ApiError> {
    let file = request.file.as_str();
    if let Some(text) = &request.text {
        return deployment::load_text(file, text);
    }
    if file.starts_with("example:") {
        return deployment::load(file);
    }
    if let Some(name) = file.strip_prefix("project:") {
        let text = project_text(db, name, request.hash.as_deref())?;
        return deployment::load_text(file, &text);
    }
    Err(ApiError::usage(format!(
        "`{file}` is not a bundled example or a project; send the deployment text to simulate it"
    )))
}

/// The text of project `name`'s revision whose hash is `hash` (the latest such), or of its
/// latest revision.
fn project_text(db: Option<&Path>, name: &str, hash: Option<&str>) -> Result<String, ApiError> {
    let store = match db {
        Some(p) => Store::open(p)?,
        None => Store::open(triplane_store::default_path()?)?,
    };
    let project = store
        .list_projects()?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| ApiError::usage(format!("no project named `{name}`")))?;
    let revisions = store.list_revisions(project.id)?;
    let wanted = hash.map(|h| h.strip_prefix("sha256:").unwrap_or(h));
    let revision = match wanted {
        Some(h) => revisions.iter().rev().find(|r| r.sha256 == h).ok_or_else(|| {
            ApiError::usage(format!(
                "the project `{name}` has no revision with hash `{h}`; open it again"
            ))
        })?,
        None => revisions.last().ok_or_else(|| {
            ApiError::usage(format!("the project `{name}` has no saved revision"))
        })?,
    };
    Ok(store.revision(revision.id)?.text)
}

/// Simulates what `request` names and traces its representative session, both cancellable
/// through `cancel`; `progress` follows the simulation (the session's two passes over one
/// day come after it and are short).
pub fn run_blocking(
    db: Option<&Path>,
    request: &SimulationRequest,
    cancel: &AtomicBool,
    mut progress: impl FnMut(SimulationProgress),
) -> Result<SimulationOutcome, ApiError> {
    let d = load(db, request)?;
    let options =
        Options { seed: u64::from(request.seed), days: request.days, ..Options::default() };
    let policies = PolicySet::builtin()?;
    let mut forward = |p: Progress| {
        progress(SimulationProgress { fraction: p.fraction, sessions: p.sessions as f64 })
    };
    let report = triplane_sim::simulate_controlled(
        &d,
        &options,
        &policies,
        &mut Control::new(cancel, &mut forward),
    )?;
    let trace = session::representative(&d, &options, cancel)?;
    Ok(SimulationOutcome {
        report: SimulationView::from(&report),
        session: SessionView::from(&trace),
    })
}

/// [`run_blocking`] on a blocking thread, one run at a time: [`SimulationControl::cancel`]
/// stops it within milliseconds with an error whose code is `cancelled`.
pub async fn run(
    db: Option<&Path>,
    request: SimulationRequest,
    control: &SimulationControl,
    progress: impl FnMut(SimulationProgress) + Send + 'static,
) -> Result<SimulationOutcome, ApiError> {
    let (_running, cancel) = control.begin()?;
    let db = db.map(Path::to_path_buf);
    tokio::task::spawn_blocking(move || run_blocking(db.as_deref(), &request, &cancel, progress))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Runtime, format!("the simulation stopped: {e}")))?
}

/// Loads `path` (or `example:NAME`) and traces its representative session, for
/// `triplane simulate --trace-session`.
pub fn trace_session(path: &str, options: &Options) -> Result<SessionTrace, ApiError> {
    let d = deployment::load(path)?;
    Ok(session::representative(&d, options, &AtomicBool::new(false))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(file: &str, text: Option<&str>, hash: Option<&str>) -> SimulationRequest {
        SimulationRequest {
            file: file.into(),
            text: text.map(Into::into),
            hash: hash.map(Into::into),
            seed: 42,
            days: 1,
        }
    }

    #[test]
    fn an_example_runs_with_its_session_and_reports_progress_to_the_end() {
        let mut last = 0.0;
        let out = run_blocking(
            None,
            &request("example:hybrid", None, None),
            &AtomicBool::new(false),
            |p| {
                assert!(p.fraction >= last, "progress never goes back");
                last = p.fraction;
            },
        )
        .unwrap();
        assert_eq!(last, 1.0, "the last progress is the end");

        let cli = crate::simulation::simulate("example:hybrid", &Options::default()).unwrap();
        assert_eq!(out.report.totals.flows, cli.totals.flows as f64, "the CLI's figures");
        let trace = trace_session("example:hybrid", &Options::default()).unwrap();
        assert_eq!(out.session.hops.len(), trace.hops.len(), "the CLI's session");
        assert!(out.session.svg.starts_with("<svg"));
        assert_eq!(out.session.lanes[0].plane, "users", "lanes in plane order");
    }

    #[test]
    fn a_project_is_simulated_from_the_revision_on_screen() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let one = deployment::example_text("hybrid").unwrap();
        let two = deployment::example_text("sovereign").unwrap();
        let store = Store::open(&db).unwrap();
        let p = store.create_project("Mairie").unwrap();
        store.save_revision(p.id, one, None).unwrap();
        store.save_revision(p.id, two, None).unwrap();
        drop(store);

        let latest = load(Some(&db), &request("project:Mairie", None, None)).unwrap();
        assert_eq!(latest.hash, triplane_model::hash_bytes(two.as_bytes()), "the latest revision");
        let first = triplane_model::hash_bytes(one.as_bytes());
        let shown = load(Some(&db), &request("project:Mairie", None, Some(&first))).unwrap();
        assert_eq!(shown.hash, first, "the revision whose hash the view shows");

        let e = load(Some(&db), &request("project:Nope", None, None)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Usage);
        let e = load(Some(&db), &request("project:Mairie", None, Some("sha256:00"))).unwrap_err();
        assert!(e.message.contains("open it again"), "{}", e.message);
    }

    #[test]
    fn no_path_the_web_side_names_is_read_and_text_wins() {
        let e = load(None, &request("/etc/passwd", None, None)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Usage);
        let text = deployment::example_text("sovereign").unwrap();
        let d = load(None, &request("example:hybrid", Some(text), None)).unwrap();
        assert_eq!(d.hash, triplane_model::hash_bytes(text.as_bytes()));
    }

    #[test]
    fn a_cancelled_run_says_so_and_frees_the_slot() {
        let control = SimulationControl::default();
        assert!(!control.cancel(), "nothing runs");
        let e = run_blocking(
            None,
            &request("example:hybrid", None, None),
            &AtomicBool::new(true),
            |_| {},
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled);

        let (running, flag) = control.begin().unwrap();
        assert!(control.begin().is_err(), "one run at a time");
        assert!(control.cancel());
        assert!(flag.load(Ordering::Relaxed));
        drop(running);
        assert!(control.begin().is_ok(), "the slot is free once the run ended");
    }
}
