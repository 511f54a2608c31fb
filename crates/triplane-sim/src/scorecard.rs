//! The scorecard: per plane and overall, where it runs, under which jurisdiction, with what
//! visibility, and a grade read from the table below (also in `docs/simulation.md`).
//!
//! | exposure \ visibility | full-reproducibility | partial-logs | black-box | unknown |
//! |---|---|---|---|---|
//! | not-exposed | A | B | C | C |
//! | unknown     | C | C | D | D |
//! | exposed     | D | D | E | E |
//!
//! Exposure is the worst status over the plane's components and every compelled-access law;
//! visibility is the least auditable of its components (`unknown` when any is unknown).
//! The overall grade is the worst plane's.

use serde::Serialize;
use triplane_model::fact::Known;
use triplane_model::{Component, Deployment, ExposureStatus, Plane, Visibility};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Scorecard {
    pub planes: Vec<PlaneScore>,
    pub overall: PlaneScore,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PlaneScore {
    /// A plane, or `overall`.
    pub plane: String,
    pub components: Vec<String>,
    /// Where it runs: `site name (country)` per distinct site.
    pub sites: Vec<String>,
    /// Jurisdictions of the operator chains and sites.
    pub jurisdictions: Vec<String>,
    /// Worst exposure over the components and compelled-access laws.
    pub exposure: ExposureStatus,
    /// Laws under which at least one component is exposed.
    pub exposed_to: Vec<String>,
    /// `full-reproducibility`, `partial-logs`, `black-box` or `unknown`.
    pub visibility: String,
    pub grade: char,
}

/// Planes on the scorecard: the three planes and the connectivity between them.
const SCORED: [Plane; 4] =
    [Plane::Inference, Plane::Orchestration, Plane::Execution, Plane::Connectivity];

pub fn grade(exposure: ExposureStatus, visibility: Option<Visibility>) -> char {
    use ExposureStatus::*;
    use Visibility::*;
    match (exposure, visibility) {
        (NotExposed, Some(FullReproducibility)) => 'A',
        (NotExposed, Some(PartialLogs)) => 'B',
        (NotExposed, _) | (Unknown, Some(FullReproducibility | PartialLogs)) => 'C',
        (Unknown, _) | (Exposed, Some(FullReproducibility | PartialLogs)) => 'D',
        (Exposed, _) => 'E',
    }
}

pub fn scorecard(d: &Deployment) -> Scorecard {
    let planes: Vec<PlaneScore> = SCORED
        .iter()
        .filter_map(|&p| {
            let cs: Vec<&Component> = d.components.iter().filter(|c| c.plane == p).collect();
            (!cs.is_empty()).then(|| score(p.as_str(), &cs))
        })
        .collect();
    let all: Vec<&Component> = d.components.iter().filter(|c| SCORED.contains(&c.plane)).collect();
    let mut overall = score("overall", &all);
    overall.grade = planes.iter().map(|p| p.grade).max().unwrap_or('E');
    Scorecard { planes, overall }
}

fn score(plane: &str, cs: &[&Component]) -> PlaneScore {
    let mut sites = Vec::new();
    let mut jurisdictions = Vec::new();
    let mut exposed_to = Vec::new();
    let mut exposure =
        if cs.is_empty() { ExposureStatus::Unknown } else { ExposureStatus::NotExposed };
    let mut visibility: Option<Option<Visibility>> = None;
    for c in cs {
        if let Some(s) = &c.site {
            let label = format!("{} ({})", s.name, s.country);
            if !sites.contains(&label) {
                sites.push(label);
            }
        }
        for j in &c.jurisdictions {
            if !jurisdictions.contains(j) {
                jurisdictions.push(j.clone());
            }
        }
        exposure = exposure.max(c.overall_exposure());
        for e in c.exposure.iter().filter(|e| e.status == ExposureStatus::Exposed) {
            if !exposed_to.contains(&e.law) {
                exposed_to.push(e.law.clone());
            }
        }
        let v = match c.visibility.value {
            Known::Known(v) => Some(v),
            Known::Unknown => None,
        };
        // `None` (unknown) sorts below every known value, so `min` keeps the worst.
        visibility = Some(match visibility {
            None => v,
            Some(prev) => prev.min(v),
        });
    }
    jurisdictions.sort();
    exposed_to.sort();
    let visibility = visibility.flatten();
    PlaneScore {
        plane: plane.into(),
        components: cs.iter().map(|c| c.id.clone()).collect(),
        sites,
        jurisdictions,
        exposure,
        exposed_to,
        visibility: visibility.map_or("unknown", Visibility::as_str).into(),
        grade: grade(exposure, visibility),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_table_matches_the_documented_one() {
        use ExposureStatus::*;
        let rows = [(NotExposed, "ABCC"), (Unknown, "CCDD"), (Exposed, "DDEE")];
        let cols = [
            Some(Visibility::FullReproducibility),
            Some(Visibility::PartialLogs),
            Some(Visibility::BlackBox),
            None,
        ];
        for (e, expected) in rows {
            let got: String = cols.iter().map(|v| grade(e, *v)).collect();
            assert_eq!(got, expected, "row {e:?}");
        }
    }
}
