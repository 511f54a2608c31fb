//! Simulation use cases: simulate one deployment, compare several. Both faces call these;
//! the engine itself lives in `triplane-sim` and does no I/O.

use triplane_sim::compare::Comparison;
use triplane_sim::{SimError, SimReport};

use crate::{deployment, ApiError};

pub use triplane_sim::{Options, DEFAULT_SEED};

/// Loads `path` (or `example:NAME`) and simulates it.
pub fn simulate(path: &str, options: &Options) -> Result<SimReport, ApiError> {
    let d = deployment::load(path)?;
    triplane_sim::simulate(&d, options).map_err(ApiError::from)
}

/// Simulates each file with the same options and lines them up.
pub fn compare(paths: &[String], options: &Options) -> Result<Comparison, ApiError> {
    let mut reports = Vec::new();
    let mut personal = Vec::new();
    for path in paths {
        let d = deployment::load(path)?;
        personal.push(d.data_classes.iter().filter(|c| c.personal).map(|c| c.id.clone()).collect());
        reports.push(triplane_sim::simulate(&d, options)?);
    }
    Ok(triplane_sim::compare::compare(&reports, &personal))
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> ApiError {
        let message = e.to_string();
        match e {
            SimError::Invalid { diagnostics, .. } => ApiError::invalid(message, diagnostics),
            SimError::Options { .. } => ApiError::usage(message),
            // A built-in pack that does not compile or fails is a defect of this build.
            SimError::PolicyCompile { .. } | SimError::PolicyEval { .. } => ApiError::runtime(message),
            SimError::TooLarge { .. } => ApiError::usage(format!(
                "{message}; simulate fewer days or a smaller workload"
            )),
        }
    }
}
