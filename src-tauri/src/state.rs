//! What the app was started with: the store file, a deployment file to open, and the start
//! instant the first-paint marker is measured from.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// `triplane-app [--db FILE] [DEPLOYMENT]`.
#[derive(Debug)]
pub struct AppState {
    /// The store file; the OS data directory's `triplane.db` when `None`.
    pub db: Option<PathBuf>,
    /// A deployment file (or `example:ID`) to open at start.
    pub launch_file: Option<String>,
    started: Instant,
    first_paint: OnceLock<f64>,
}

impl AppState {
    /// Reads the command line (without the program name). Unknown flags are errors so a typo
    /// does not silently open the user's real database.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<AppState, String> {
        let mut state = AppState {
            db: None,
            launch_file: None,
            started: Instant::now(),
            first_paint: OnceLock::new(),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--db" => {
                    let path = args.next().ok_or("`--db` needs a file path")?;
                    state.db = Some(PathBuf::from(path));
                }
                flag if flag.starts_with("--") => {
                    return Err(format!("unknown option `{flag}`; usage: {USAGE}"));
                }
                file if state.launch_file.is_none() => state.launch_file = Some(file.to_string()),
                extra => return Err(format!("unexpected argument `{extra}`; usage: {USAGE}")),
            }
        }
        Ok(state)
    }

    /// Records the first interactive paint once, and prints the marker that start-up
    /// measurements read: milliseconds since this process set up its state, and wall-clock
    /// Unix milliseconds for a measurement taken from outside the process.
    pub fn mark_first_paint(&self, ui_ms: f64) -> f64 {
        let app_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        if self.first_paint.set(app_ms).is_ok() {
            let unix_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            eprintln!(
                "triplane-app: first-interactive-paint app_ms={app_ms:.1} ui_ms={ui_ms:.1} \
                 unix_ms={unix_ms}"
            );
            tracing::info!(app_ms, ui_ms, "first interactive paint");
        }
        *self.first_paint.get().unwrap_or(&app_ms)
    }
}

const USAGE: &str = "triplane-app [--db FILE] [DEPLOYMENT.yaml | example:ID]";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Result<AppState, String> {
        AppState::from_args(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn reads_db_and_file_in_any_order() {
        let s = args(&["example:sovereign", "--db", "/tmp/x.db"]).unwrap();
        assert_eq!(s.db.as_deref(), Some(std::path::Path::new("/tmp/x.db")));
        assert_eq!(s.launch_file.as_deref(), Some("example:sovereign"));
    }

    #[test]
    fn refuses_typos_and_extra_files() {
        assert!(args(&["--bd", "x"]).unwrap_err().contains("`--bd`"));
        assert!(args(&["a.yaml", "b.yaml"]).unwrap_err().contains("`b.yaml`"));
        assert!(args(&["--db"]).is_err(), "`--db` without a path");
    }

    #[test]
    fn first_paint_is_recorded_once() {
        let s = args(&[]).unwrap();
        let first = s.mark_first_paint(10.0);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(s.mark_first_paint(20.0), first, "a later mark keeps the first value");
    }
}
