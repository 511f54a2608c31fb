//! Latency figures: each component's own (from the catalog or the file), defaults where
//! neither gives one, and the network round trip between two sites from the table in
//! `docs/simulation.md`. Measured figures reach this module as component overrides:
//! `triplane simulate --db` (in `triplane-api`) puts a candidate's latest latency run in
//! place of the catalog's figures before the engine sees the deployment.

use triplane_model::{in_eu_eea, Component, ComponentKind};

/// Time to first token when neither the catalog nor the file gives one.
pub const DEFAULT_TTFT_MS: f64 = 800.0;
/// Output speed when neither the catalog nor the file gives one.
pub const DEFAULT_TOKENS_PER_S: f64 = 50.0;
/// Processing time per call of a non-model component without a figure.
pub const DEFAULT_OVERHEAD_MS: f64 = 2.0;

pub struct Figures {
    pub ttft_ms: f64,
    pub tokens_per_s: f64,
    pub overhead_ms: f64,
    /// True when a default stood in for a missing figure.
    pub assumed: bool,
}

pub fn figures(c: &Component) -> Figures {
    let l = c.latency.as_ref();
    let positive = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0);
    match c.kind {
        ComponentKind::ModelEndpoint => {
            let ttft = positive(l.and_then(|l| l.ttft_ms));
            let tps = positive(l.and_then(|l| l.output_tokens_per_s)).filter(|v| *v > 0.0);
            Figures {
                ttft_ms: ttft.unwrap_or(DEFAULT_TTFT_MS),
                tokens_per_s: tps.unwrap_or(DEFAULT_TOKENS_PER_S),
                overhead_ms: 0.0,
                assumed: ttft.is_none() || tps.is_none(),
            }
        }
        // The users' own think time is not the deployment's latency.
        ComponentKind::Users => {
            Figures { ttft_ms: 0.0, tokens_per_s: 1.0, overhead_ms: 0.0, assumed: false }
        }
        _ => {
            let overhead = positive(l.and_then(|l| l.overhead_ms));
            Figures {
                ttft_ms: 0.0,
                tokens_per_s: 1.0,
                overhead_ms: overhead.unwrap_or(DEFAULT_OVERHEAD_MS),
                assumed: overhead.is_none(),
            }
        }
    }
}

/// Network areas of the round-trip table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    Europe,
    NorthAmerica,
    Elsewhere,
    Unknown,
}

fn area(country: Option<&str>) -> Area {
    match country {
        None => Area::Unknown,
        Some(c) if in_eu_eea(c) || matches!(c, "GB" | "CH") => Area::Europe,
        Some("US" | "CA") => Area::NorthAmerica,
        Some(_) => Area::Elsewhere,
    }
}

/// Round trip in milliseconds between two components' sites (table in docs/simulation.md).
pub fn rtt_ms(a: &Component, b: &Component) -> f64 {
    let site = |c: &Component| c.site.as_ref().map(|s| s.id.clone());
    let country = |c: &Component| c.site.as_ref().and_then(|s| s.country.known().cloned());
    if site(a).is_some() && site(a) == site(b) {
        return 1.0;
    }
    let (ca, cb) = (country(a), country(b));
    if ca.is_some() && ca == cb {
        return 10.0;
    }
    match (area(ca.as_deref()), area(cb.as_deref())) {
        (Area::Europe, Area::Europe) => 25.0,
        (Area::NorthAmerica, Area::NorthAmerica) => 60.0,
        (Area::Europe, Area::NorthAmerica) | (Area::NorthAmerica, Area::Europe) => 100.0,
        // Elsewhere or unknown: a conservative intercontinental figure.
        _ => 150.0,
    }
}

/// A one-way hop costs half the round trip; the response pays the other half.
pub fn one_way_ms(a: &Component, b: &Component) -> f64 {
    rtt_ms(a, b) / 2.0
}
