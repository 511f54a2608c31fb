//! The catalog: operators, sites, offerings and laws, read from `assets/catalog/*.yaml`
//! (embedded in the binaries at build time) with the same positioned errors as deployment
//! files. A catalog entry's exposure-deciding facts must carry sources and a confidence;
//! [`Catalog::audit`] checks that, and a test runs it on the shipped catalog.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics};
use crate::fact::Known;
use crate::spec::{LawEffect, LawSpec, OfferingSpec, OperatorSpec, SiteSpec};
use crate::yaml;

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// One catalog file, as written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub operators: Vec<OperatorSpec>,
    #[serde(default)]
    pub sites: Vec<SiteSpec>,
    #[serde(default)]
    pub offerings: Vec<OfferingSpec>,
    #[serde(default)]
    pub laws: Vec<LawSpec>,
}

/// Everything the catalog knows, by id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub operators: BTreeMap<String, OperatorSpec>,
    pub sites: BTreeMap<String, SiteSpec>,
    pub offerings: BTreeMap<String, OfferingSpec>,
    pub laws: BTreeMap<String, LawSpec>,
}

impl Catalog {
    /// The catalog shipped in `assets/catalog/`, embedded at build time.
    pub fn bundled() -> Result<Catalog, Vec<Diagnostic>> {
        Catalog::from_files(CATALOG_FILES.iter().map(|(name, text)| (*name, *text)))
    }

    /// Reads and merges catalog files; ids must be unique across all of them.
    pub fn from_files<'a>(
        files: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, Vec<Diagnostic>> {
        let mut catalog = Catalog::default();
        let mut errors = Vec::new();
        for (name, text) in files {
            let file = format!("assets/catalog/{name}");
            let parsed = yaml::parse(text).and_then(|node| yaml::from_node::<CatalogFile>(&node));
            let (spec, positions) = match parsed {
                Ok(ok) => ok,
                Err(e) => {
                    errors.push(Diagnostic::from_yaml(&file, e));
                    continue;
                }
            };
            let mut diags = Diagnostics::new(&file, &positions);
            insert_all(&mut catalog.operators, spec.operators, "operators", &mut diags, |o| &o.id);
            insert_all(&mut catalog.sites, spec.sites, "sites", &mut diags, |s| &s.id);
            insert_all(&mut catalog.offerings, spec.offerings, "offerings", &mut diags, |o| &o.id);
            insert_all(&mut catalog.laws, spec.laws, "laws", &mut diags, |l| &l.id);
            errors.extend(diags.list);
        }
        if errors.is_empty() {
            Ok(catalog)
        } else {
            Err(errors)
        }
    }

    /// Laws that let authorities compel access, the only ones exposure is computed for.
    pub fn compelled_access_laws(&self) -> impl Iterator<Item = &LawSpec> {
        self.laws.values().filter(|l| l.effect == LawEffect::CompelledAccess)
    }

    /// Problems in the catalog itself: dangling references, and exposure-deciding facts
    /// without a source or confidence. Each line names the entry and the field.
    pub fn audit(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for op in self.operators.values() {
            if !op.country.is_sourced() {
                problems
                    .push(format!("operator `{}`: `country` lacks sources or confidence", op.id));
            }
            if !op.parent.is_sourced() && op.parent.value != Known::Known(None) {
                problems
                    .push(format!("operator `{}`: `parent` lacks sources or confidence", op.id));
            }
            if let Known::Known(Some(parent)) = &op.parent.value {
                if !self.operators.contains_key(parent) {
                    problems.push(format!("operator `{}`: unknown parent `{parent}`", op.id));
                }
            }
        }
        for site in self.sites.values() {
            if !self.operators.contains_key(&site.operator) {
                problems.push(format!("site `{}`: unknown operator `{}`", site.id, site.operator));
            }
            if !site.country.is_sourced() {
                problems.push(format!("site `{}`: `country` lacks sources or confidence", site.id));
            }
        }
        for off in self.offerings.values() {
            if !self.operators.contains_key(&off.operator) {
                problems
                    .push(format!("offering `{}`: unknown operator `{}`", off.id, off.operator));
            }
            for site in &off.sites {
                if !self.sites.contains_key(site) {
                    problems.push(format!("offering `{}`: unknown site `{site}`", off.id));
                }
            }
            if !off.self_hosted {
                if off.sites.is_empty() {
                    problems
                        .push(format!("offering `{}`: a managed offering needs `sites`", off.id));
                }
                if !off.subprocessors.is_sourced() {
                    problems.push(format!(
                        "offering `{}`: `subprocessors` lacks sources or confidence",
                        off.id
                    ));
                }
                if !off.certifications.is_sourced() {
                    problems.push(format!(
                        "offering `{}`: `certifications` lacks sources or confidence",
                        off.id
                    ));
                }
            }
            if let Known::Known(subs) = &off.subprocessors.value {
                for sub in subs {
                    if !self.operators.contains_key(&sub.operator) {
                        problems.push(format!(
                            "offering `{}`: unknown subprocessor `{}`",
                            off.id, sub.operator
                        ));
                    }
                }
            }
            if let Known::Known(certs) = &off.certifications.value {
                for cert in certs {
                    if !self.laws.contains_key(cert) {
                        problems
                            .push(format!("offering `{}`: unknown certification `{cert}`", off.id));
                    }
                }
            }
            if let Some(v) = &off.visibility {
                if !v.is_sourced() {
                    problems.push(format!("offering `{}`: `visibility` lacks sources", off.id));
                }
            }
        }
        for law in self.laws.values() {
            if law.sources.is_empty() {
                problems.push(format!("law `{}`: no sources", law.id));
            }
        }
        problems
    }
}

fn insert_all<T>(
    map: &mut BTreeMap<String, T>,
    items: Vec<T>,
    section: &str,
    diags: &mut Diagnostics<'_>,
    id: impl Fn(&T) -> &String,
) {
    for (i, item) in items.into_iter().enumerate() {
        match map.entry(id(&item).clone()) {
            std::collections::btree_map::Entry::Occupied(e) => {
                diags.error(&format!("{section}[{i}].id"), format!("duplicate id `{}`", e.key()));
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalog_loads_and_passes_its_audit() {
        let catalog = Catalog::bundled().unwrap_or_else(|errors| {
            panic!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
        });
        let problems = catalog.audit();
        assert!(problems.is_empty(), "catalog audit:\n{}", problems.join("\n"));
        assert!(catalog.compelled_access_laws().count() >= 3, "CLOUD Act, FISA 702, EO 12333");
    }
}
