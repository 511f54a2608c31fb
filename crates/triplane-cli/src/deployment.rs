//! `check`, `show` and `catalog`.

use clap::Args;
use triplane_api::model::fact::Known;
use triplane_api::model::{ChainRole, Component, Deployment, Plane};
use triplane_api::{catalog as cat, deployment as dep, ApiError};

use crate::output::{self, out, outln};

#[derive(Args)]
pub struct CheckArgs {
    /// Deployment files (or `example:NAME` for a bundled example).
    #[arg(required = true)]
    files: Vec<String>,
    /// Print a JSON report on stdout instead of lines on stderr.
    #[arg(long)]
    json: bool,
}

pub fn check(args: CheckArgs) -> Result<u8, ApiError> {
    let mut reports = Vec::new();
    let mut worst = 0;
    for file in &args.files {
        let report = dep::check(file)?;
        if !report.valid {
            worst = 1;
        }
        if !args.json {
            for d in &report.diagnostics {
                eprintln!("{d}");
            }
        }
        reports.push(report);
    }
    if args.json {
        output::json(&reports)?;
    } else {
        let bad = reports.iter().filter(|r| !r.valid).count();
        eprintln!(
            "checked {} file(s): {} valid, {bad} invalid",
            reports.len(),
            reports.len() - bad
        );
    }
    Ok(worst)
}

#[derive(Args)]
pub struct ShowArgs {
    /// A deployment file (or `example:NAME`).
    file: String,
    /// Print the resolved model as JSON (documented in docs/cli-json.md).
    #[arg(long)]
    json: bool,
}

pub fn show(args: ShowArgs) -> Result<u8, ApiError> {
    let d = dep::load(&args.file)?;
    if args.json {
        output::json(&d)?;
    } else {
        out!("{}", render_show(&d));
    }
    Ok(0)
}

/// The plain-text view of a resolved deployment, grouped by plane.
pub fn render_show(d: &Deployment) -> String {
    let mut out = format!("{}  ({})\n", d.name, d.file);
    for plane in Plane::ALL {
        let components: Vec<&Component> =
            d.components.iter().filter(|c| c.plane == plane).collect();
        if components.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", plane.as_str().to_uppercase()));
        for c in components {
            render_component(&mut out, c);
        }
    }
    out
}

fn render_component(out: &mut String, c: &Component) {
    let offering = c.offering.as_ref().map_or(String::new(), |o| format!(" — {}", o.id));
    out.push_str(&format!("  {} [{}]{offering}\n", c.id, c.kind.as_str()));
    if let Some(s) = &c.site {
        out.push_str(&format!("    site        {} ({}, {})\n", s.name, s.id, s.country));
    }
    let chain: Vec<String> = c
        .operator_chain
        .iter()
        .map(|e| {
            let role = match &e.role {
                ChainRole::Operator => "operator".to_string(),
                ChainRole::SiteOperator => "site operator".to_string(),
                ChainRole::Parent { of } => format!("parent of {of}"),
                ChainRole::Subprocessor { role } => format!("subprocessor: {role}"),
            };
            format!("{} ({}, {role})", e.name, e.country)
        })
        .collect();
    if !chain.is_empty() {
        out.push_str(&format!("    chain       {}\n", chain.join(" → ")));
    }
    out.push_str(&format!("    jurisdiction {}\n", c.jurisdictions.join(", ")));
    for e in &c.exposure {
        out.push_str(&format!("    {:<13} {}\n", e.law, e.status.as_str()));
        for r in &e.reasons {
            out.push_str(&format!("                - {}\n", r.text));
        }
    }
    let vis = match &c.visibility.value {
        Known::Known(v) => v.as_str(),
        Known::Unknown => "unknown",
    };
    out.push_str(&format!("    visibility  {vis} ({})\n", c.visibility.basis));
}

#[derive(Args)]
pub struct CatalogArgs {
    /// Text to look for in ids, names, kinds and countries.
    query: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn catalog(args: CatalogArgs) -> Result<u8, ApiError> {
    let entries = cat::search(args.query.as_deref())?;
    if args.json {
        output::json(&entries)?;
    } else {
        for e in &entries {
            outln!("{:<9} {:<40} {:<16} {}  {}", e.entry, e.id, e.kind, e.detail, e.name);
        }
        eprintln!("{} entries", entries.len());
    }
    Ok(0)
}
