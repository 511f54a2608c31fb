//! Why a simulation could not run. Problems in the deployment file come back as positioned
//! [`Diagnostic`]s, like `triplane check`; problems in a policy pack name the pack's file and
//! line.

use triplane_model::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The deployment cannot be simulated as written; each diagnostic names the field.
    #[error("`{file}` cannot be simulated ({} problem{})", .diagnostics.len(), if .diagnostics.len() == 1 { "" } else { "s" })]
    Invalid { file: String, diagnostics: Vec<Diagnostic> },

    /// A policy pack does not compile.
    #[error("policy pack `{file}` does not compile at line {line}: {message}")]
    PolicyCompile { file: String, line: u32, message: String },

    /// A policy pack compiled but failed while evaluating.
    #[error("policy pack `{file}` failed while evaluating: {message}")]
    PolicyEval { file: String, message: String },

    /// The options asked for something meaningless (zero days, an unknown scenario).
    #[error("{message}")]
    Options { message: String },

    /// The caller set the cancel flag of [`crate::Control`] while the run was going.
    #[error("the simulation was cancelled")]
    Cancelled,

    /// The run would take longer than anyone should wait.
    #[error("the workload would simulate about {flows:.2e} flows, above the limit of {limit:.0e}")]
    TooLarge { flows: f64, limit: f64 },
}

impl SimError {
    pub(crate) fn invalid(d: &triplane_model::Deployment, path: &str, message: String) -> SimError {
        SimError::Invalid {
            file: d.file.clone(),
            diagnostics: vec![Diagnostic::new(&d.file, d.positions.get(path), path, message)],
        }
    }

    pub(crate) fn invalid_hint(
        d: &triplane_model::Deployment,
        path: &str,
        message: String,
        hint: String,
    ) -> SimError {
        SimError::Invalid {
            file: d.file.clone(),
            diagnostics: vec![
                Diagnostic::new(&d.file, d.positions.get(path), path, message).with_hint(hint)
            ],
        }
    }
}
