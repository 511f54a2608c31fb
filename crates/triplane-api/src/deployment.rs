//! Deployment use cases: load (from a path, a bundled example or text), check, show, save.

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use triplane_model::{Catalog, Deployment, DeploymentFile, Diagnostic};

use crate::{ApiError, ErrorCode};

include!(concat!(env!("OUT_DIR"), "/example_files.rs"));

/// The bundled catalog, read once.
pub fn catalog() -> Result<&'static Catalog, ApiError> {
    static CATALOG: OnceLock<Result<Catalog, Vec<Diagnostic>>> = OnceLock::new();
    CATALOG.get_or_init(Catalog::bundled).as_ref().map_err(|d| {
        ApiError::invalid("the bundled catalog is invalid (a build defect)", d.clone())
    })
}

/// Loads a deployment from a file path, or from `example:NAME` for a bundled example.
pub fn load(path: &str) -> Result<Deployment, ApiError> {
    if let Some(name) = path.strip_prefix("example:") {
        return load_example(name);
    }
    Ok(triplane_model::load_path(Path::new(path), catalog()?)?)
}

/// Loads deployment text held in memory (the app's editor); `name` appears in messages.
pub fn load_text(name: &str, text: &str) -> Result<Deployment, ApiError> {
    Ok(triplane_model::load_bytes(name, text.as_bytes(), catalog()?)?)
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExampleSummary {
    /// File stem, usable as `example:ID`.
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// The bundled examples, in file-name order.
pub fn examples() -> Result<Vec<ExampleSummary>, ApiError> {
    EXAMPLE_FILES
        .iter()
        .map(|(file, _)| {
            let id = file.trim_end_matches(".yaml").to_string();
            let d = load_example(&id)?;
            Ok(ExampleSummary { id, name: d.name, description: d.description })
        })
        .collect()
}

/// The text of a bundled example.
pub fn example_text(id: &str) -> Result<&'static str, ApiError> {
    EXAMPLE_FILES
        .iter()
        .find(|(file, _)| file.trim_end_matches(".yaml") == id)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            let known: Vec<&str> =
                EXAMPLE_FILES.iter().map(|(f, _)| f.trim_end_matches(".yaml")).collect();
            ApiError::usage(format!("no bundled example `{id}`; there are: {}", known.join(", ")))
        })
}

fn load_example(id: &str) -> Result<Deployment, ApiError> {
    let text = example_text(id)?;
    load_text(&format!("example:{id}"), text)
}

/// The outcome of checking one file.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub file: String,
    pub valid: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks one file; a file with problems is a report, not an error. Missing files and I/O
/// failures are errors.
pub fn check(path: &str) -> Result<CheckReport, ApiError> {
    match load(path) {
        Ok(_) => Ok(CheckReport { file: path.to_string(), valid: true, diagnostics: vec![] }),
        Err(e) if e.code == ErrorCode::Invalid => {
            Ok(CheckReport { file: path.to_string(), valid: false, diagnostics: e.diagnostics })
        }
        Err(e) => Err(e),
    }
}

/// Writes a deployment file as YAML text (comments are not kept; see `triplane_model::save`).
pub fn save_text(file: &DeploymentFile) -> String {
    triplane_model::save(file)
}

/// A bundled example, resolved for the app's plane view.
pub fn example_view(id: &str) -> Result<crate::view::PlaneView, ApiError> {
    Ok(crate::view::PlaneView::from(&load_example(id)?))
}

/// Deployment text the user opened in the app, resolved for the plane view; `name` is the
/// file name shown in the positioned errors.
pub fn text_view(name: &str, text: &str) -> Result<crate::view::PlaneView, ApiError> {
    Ok(crate::view::PlaneView::from(&load_text(name, text)?))
}

/// The file named on the app's command line, if any, resolved for the plane view.
pub fn launch_view(path: Option<&str>) -> Result<Option<crate::view::PlaneView>, ApiError> {
    path.map(|p| load(p).map(|d| crate::view::PlaneView::from(&d))).transpose()
}

/// The name a new deployment goes by until it is saved, and the file name Save as suggests.
pub const NEW_DEPLOYMENT_NAME: &str = "new-deployment.yaml";

/// What a new deployment starts from: the user's organisation, its premises and its users,
/// the default policies and a small workload. It passes `triplane check` as it is, so every
/// tab works on it from the start, and the Compose tab adds the planes.
pub const NEW_DEPLOYMENT_TEXT: &str = include_str!("new-deployment.yaml");

/// A deployment started from [`NEW_DEPLOYMENT_TEXT`], for the app's "New deployment".
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewDeployment {
    pub name: String,
    pub text: String,
    pub view: crate::view::PlaneView,
}

/// A new deployment, resolved for the plane view.
pub fn new_deployment() -> Result<NewDeployment, ApiError> {
    Ok(NewDeployment {
        name: NEW_DEPLOYMENT_NAME.to_owned(),
        text: NEW_DEPLOYMENT_TEXT.to_owned(),
        view: text_view(NEW_DEPLOYMENT_NAME, NEW_DEPLOYMENT_TEXT)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_deployment_passes_check_and_has_only_its_users() {
        let d = load_text(NEW_DEPLOYMENT_NAME, NEW_DEPLOYMENT_TEXT)
            .unwrap_or_else(|e| panic!("the new deployment must pass `triplane check`: {e:?}"));
        let ids: Vec<&str> = d.components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["users"], "a new deployment starts with its users only");
        assert!(!d.policies.is_empty(), "it is checked against the default policies");

        let new = new_deployment().unwrap();
        assert_eq!(new.view.file, NEW_DEPLOYMENT_NAME);
        assert_eq!(new.text, NEW_DEPLOYMENT_TEXT, "the text the app holds is the template's");
    }
}
