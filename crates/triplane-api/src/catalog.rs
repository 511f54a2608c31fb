//! Catalog search: one flat list of entries (operators, sites, offerings, laws) that the CLI
//! prints and the app's catalog panel shows.

use serde::Serialize;
use triplane_model::fact::Known;

use crate::deployment::catalog;
use crate::ApiError;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogEntry {
    /// `operator`, `site`, `offering` or `law`.
    pub entry: &'static str,
    pub id: String,
    pub name: String,
    /// Offering kind, site kind, law effect, or `operator`.
    pub kind: String,
    /// Country of an operator or site, jurisdiction of a law; operator's id for offerings.
    pub detail: String,
}

/// Entries whose id, name, kind or detail contains `query` (case-insensitive); all when none.
pub fn search(query: Option<&str>) -> Result<Vec<CatalogEntry>, ApiError> {
    let c = catalog()?;
    let mut out = Vec::new();
    for o in c.operators.values() {
        let parent = match &o.parent.value {
            Known::Known(Some(p)) => format!(", parent {p}"),
            Known::Known(None) => String::new(),
            Known::Unknown => ", parent unknown".into(),
        };
        out.push(CatalogEntry {
            entry: "operator",
            id: o.id.clone(),
            name: o.name.clone(),
            kind: "operator".into(),
            detail: format!("{}{parent}", o.country.value),
        });
    }
    for s in c.sites.values() {
        out.push(CatalogEntry {
            entry: "site",
            id: s.id.clone(),
            name: s.name.clone(),
            kind: serde_json::to_value(s.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            detail: format!("{}, run by {}", s.country.value, s.operator),
        });
    }
    for o in c.offerings.values() {
        out.push(CatalogEntry {
            entry: "offering",
            id: o.id.clone(),
            name: o.name.clone(),
            kind: o.kind.as_str().into(),
            detail: if o.self_hosted {
                format!("{}, self-hosted", o.operator)
            } else {
                o.operator.clone()
            },
        });
    }
    for l in c.laws.values() {
        out.push(CatalogEntry {
            entry: "law",
            id: l.id.clone(),
            name: l.name.clone(),
            kind: serde_json::to_value(l.effect)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            detail: l.jurisdiction.clone(),
        });
    }
    if let Some(q) = query.map(str::to_lowercase) {
        out.retain(|e| {
            [&e.id, &e.name, &e.kind, &e.detail].iter().any(|f| f.to_lowercase().contains(&q))
        });
    }
    Ok(out)
}
