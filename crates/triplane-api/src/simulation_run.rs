//! The app's Simulation view over [`crate::simulation`]: which deployment to simulate (a
//! bundled example, a project's revision in the store, or text the app holds), one run at a
//! time off the UI thread with progress and a cancel handle, and the representative session
//! drawn as a sequence diagram beside the report. The Compare section goes by the same rules:
//! the open deployment, read as the Simulation tab reads it, beside bundled examples.
//!
//! Nothing here computes a figure: the report is [`triplane_sim::simulate_controlled`]'s, the
//! session is [`triplane_sim::session::representative`]'s and the comparison is
//! [`crate::simulation::compare_deployments`]'s, the same that `triplane simulate --json`,
//! `triplane simulate --trace-session --json` and `triplane compare --json` print.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use triplane_model::Deployment;
use triplane_sim::session::{self, SessionTrace};
use triplane_sim::{Control, Options, PolicySet, Progress};
use triplane_store::Store;

use crate::view::{ComparisonView, SimulationView};
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

/// Loads what `request` names; see [`load_open`].
pub fn load(db: Option<&Path>, request: &SimulationRequest) -> Result<Deployment, ApiError> {
    load_open(db, &request.file, request.text.as_deref(), request.hash.as_deref())
}

/// Loads the open deployment: `text` under the name `file` when the app holds it, else the
/// bundled example `example:ID`, else the revision of `project:NAME` whose hash is `hash` (the
/// latest without one). Only examples and projects are looked up; any other name needs its
/// text, so no path the web side names is ever read.
pub fn load_open(
    db: Option<&Path>,
    file: &str,
    text: Option<&str>,
    hash: Option<&str>,
) -> Result<Deployment, ApiError> {
    if let Some(text) = text {
        return deployment::load_text(file, text);
    }
    if file.starts_with("example:") {
        return deployment::load(file);
    }
    if let Some(name) = file.strip_prefix("project:") {
        let text = project_text(db, name, hash)?;
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

/// What the Compare section asks for: the open deployment, named as in
/// [`SimulationRequest`], beside one to three bundled examples, all simulated for one day.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CompareRequest {
    /// `example:ID`, `project:NAME`, or a file name when `text` is sent.
    pub file: String,
    /// The deployment text the app holds; it wins over `file`.
    pub text: Option<String>,
    /// For `project:NAME`: the hash of the revision on screen.
    pub hash: Option<String>,
    /// Bundled example IDs (without `example:`), compared in this order after the open one.
    pub examples: Vec<String>,
    pub seed: u32,
}

/// The most examples compared beside the open deployment: four variants fit a screen, as
/// they fit `triplane compare`'s table.
pub const MAX_COMPARED_EXAMPLES: usize = 3;

/// Simulates the open deployment and the examples of `request` with its seed for one day and
/// lines them up, the open deployment first: the figures of `triplane compare --json FILE
/// example:ID... --seed N` with the open deployment's text in `FILE`.
pub fn compare_blocking(
    db: Option<&Path>,
    request: &CompareRequest,
) -> Result<ComparisonView, ApiError> {
    let n = request.examples.len();
    if !(1..=MAX_COMPARED_EXAMPLES).contains(&n) {
        return Err(ApiError::usage(format!(
            "compare the open deployment with one to {MAX_COMPARED_EXAMPLES} bundled examples, \
             not {n}"
        )));
    }

    let open = load_open(db, &request.file, request.text.as_deref(), request.hash.as_deref())?;
    let mut deployments = vec![open];
    for id in &request.examples {
        // `example_text` looks the ID up among the bundled files only, so no ID reads a path.
        let text = deployment::example_text(id)?;
        deployments.push(deployment::load_text(&format!("example:{id}"), text)?);
    }
    let options = Options { seed: u64::from(request.seed), ..Options::default() };
    let comparison = crate::simulation::compare_deployments(&deployments, &options)?;
    Ok(ComparisonView::from(&comparison))
}

/// [`compare_blocking`] on a blocking thread, so four simulations do not hold the app's
/// command thread.
pub async fn compare(
    db: Option<&Path>,
    request: CompareRequest,
) -> Result<ComparisonView, ApiError> {
    let db = db.map(Path::to_path_buf);
    tokio::task::spawn_blocking(move || compare_blocking(db.as_deref(), &request))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Runtime, format!("the comparison stopped: {e}")))?
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

    fn compare_request(file: &str, text: Option<&str>, examples: &[&str]) -> CompareRequest {
        CompareRequest {
            file: file.into(),
            text: text.map(Into::into),
            hash: None,
            examples: examples.iter().map(|e| e.to_string()).collect(),
            seed: 42,
        }
    }

    #[test]
    fn held_text_is_compared_with_examples_as_compare_does_on_files() {
        // An edited text no example holds: the hybrid example with a heavier workload.
        let text = deployment::example_text("hybrid")
            .unwrap()
            .replace("sessions_per_day: {dist: poisson, mean: 500}", "sessions_per_day: 1500");
        assert_ne!(text, deployment::example_text("hybrid").unwrap(), "the edit took");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("edited.yaml");
        std::fs::write(&file, &text).unwrap();
        let name = file.to_str().unwrap();

        let shown =
            compare_blocking(None, &compare_request(name, Some(&text), &["hybrid", "sovereign"]))
                .unwrap();
        let paths = [name.to_string(), "example:hybrid".into(), "example:sovereign".into()];
        let cli = crate::simulation::compare(&paths, &Options::default()).unwrap();
        let files: Vec<&str> = shown.variants.iter().map(|v| v.file.as_str()).collect();
        assert_eq!(files, paths, "the open deployment first, then the examples in order");
        let as_json = |v: &ComparisonView| serde_json::to_value(v).unwrap();
        assert_eq!(
            as_json(&shown),
            as_json(&ComparisonView::from(&cli)),
            "the figures of `triplane compare` on the same text in a file"
        );
        assert_ne!(
            shown.variants[0].violating_flows, shown.variants[1].violating_flows,
            "the held text is simulated, not the example it started from"
        );
    }

    #[test]
    fn a_project_is_compared_from_the_revision_on_screen() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let one = deployment::example_text("frontier-only").unwrap();
        let store = Store::open(&db).unwrap();
        let p = store.create_project("Mairie").unwrap();
        store.save_revision(p.id, one, None).unwrap();
        store.save_revision(p.id, deployment::example_text("sovereign").unwrap(), None).unwrap();
        drop(store);

        let mut request = compare_request("project:Mairie", None, &["frontier-only"]);
        request.hash = Some(triplane_model::hash_bytes(one.as_bytes()));
        let view = compare_blocking(Some(&db), &request).unwrap();
        let grades = |i: usize| serde_json::to_value(&view.variants[i].grades).unwrap();
        assert_eq!(view.variants[0].file, "project:Mairie");
        assert_eq!(grades(0), grades(1), "the first revision is frontier-only's text");
    }

    #[test]
    fn a_comparison_takes_one_to_three_examples_and_reads_no_named_path() {
        for examples in [&[][..], &["hybrid", "sovereign", "mcp-tunnel", "frontier-only"][..]] {
            let e = compare_blocking(None, &compare_request("example:hybrid", None, examples))
                .unwrap_err();
            assert_eq!(e.code, ErrorCode::Usage, "{} examples: {e}", examples.len());
        }
        let e =
            compare_blocking(None, &compare_request("/etc/passwd", None, &["hybrid"])).unwrap_err();
        assert_eq!(e.code, ErrorCode::Usage, "a path without its text is not read: {e}");
        let e = compare_blocking(None, &compare_request("example:hybrid", None, &["/etc/passwd"]))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Usage, "an example ID is not a path: {e}");
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
