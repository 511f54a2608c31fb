//! Latency metrics computed from raw request records. Every figure's formula is a constant
//! beside it ([`FORMULAS`]) so the CLI, the app and the docs show the same text.
//!
//! Peer tools disagree on names: vLLM's "ITL" is the list of gaps between chunks, while
//! GuideLLM's "ITL" is a per-request average that vLLM calls "TPOT", and GuideLLM's "TPOT"
//! includes the time to the first token. Triplane reports each under an explicit name and
//! keeps the raw times, so any other definition can be recomputed from the store.
//!
//! Our own figures count from the *intended* send time; the peer-compatible ones count from
//! the actual send, as those tools do. Only `ok` requests enter latency percentiles: a
//! failed request has no meaningful TTFT, and counting it as zero flatters the server.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::record::{Outcome, RequestRecord};

/// `(name, formula)` for every figure this module computes.
pub const FORMULAS: &[(&str, &str)] = &[
    ("ttft", TTFT),
    ("ttfo", TTFO),
    ("e2e", E2E),
    ("itl_chunks", ITL_CHUNKS),
    ("itl_mean", ITL_MEAN),
    ("tpot_guidellm", TPOT_GUIDELLM),
    ("ttft_from_send", TTFT_FROM_SEND),
    ("schedule_lag", SCHEDULE_LAG),
    ("output_tps", OUTPUT_TPS),
    ("request_throughput", REQUEST_THROUGHPUT),
    ("output_token_throughput", OUTPUT_TOKEN_THROUGHPUT),
    ("percentiles", PERCENTILES),
];

pub const TTFT: &str = "first_token - intended_send; first token = first message carrying \
    content, reasoning or tool-call arguments";
pub const TTFO: &str = "first_content - intended_send; first message with user-visible content";
pub const E2E: &str = "end - intended_send; end = end marker, EOF or failure";
pub const ITL_CHUNKS: &str = "chunk[i] - chunk[i-1] for i >= 1, pooled over all requests \
    (vLLM `ITL`, AIPerf `ICL`)";
pub const ITL_MEAN: &str = "(last_token - first_token) / (output_tokens - 1), per request, \
    requests with >= 2 tokens (GuideLLM `ITL`, vLLM and AIPerf `TPOT`)";
pub const TPOT_GUIDELLM: &str = "(last_token - sent) / output_tokens, per request; includes \
    TTFT (GuideLLM `TPOT`)";
pub const TTFT_FROM_SEND: &str = "first_token - sent (what vLLM and GuideLLM call TTFT)";
pub const SCHEDULE_LAG: &str = "sent - intended_send; the client's own delay";
pub const OUTPUT_TPS: &str = "output_tokens / (end - intended_send), per request";
pub const REQUEST_THROUGHPUT: &str = "ok requests / (last end - first intended_send)";
pub const OUTPUT_TOKEN_THROUGHPUT: &str = "sum of ok output_tokens / (last end - first \
    intended_send)";
pub const PERCENTILES: &str = "linear interpolation between closest ranks (numpy default): \
    p(q) = x[floor(h)] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]), h = (n - 1) * q";

const NS_PER_MS: f64 = 1e6;

/// Per-request figures in milliseconds; `None` when the moment did not happen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestMetrics {
    pub ttft_ms: Option<f64>,
    pub ttfo_ms: Option<f64>,
    pub e2e_ms: Option<f64>,
    pub ttft_from_send_ms: Option<f64>,
    pub schedule_lag_ms: Option<f64>,
    /// Gaps between consecutive token-bearing messages.
    pub itl_chunks_ms: Vec<f64>,
    pub itl_mean_ms: Option<f64>,
    pub tpot_guidellm_ms: Option<f64>,
    pub output_tps: Option<f64>,
}

fn ms(from: u64, to: u64) -> f64 {
    (to as f64 - from as f64) / NS_PER_MS
}

/// Computes one request's figures.
pub fn request_metrics(r: &RequestRecord) -> RequestMetrics {
    let since_intended = |t: Option<u64>| t.map(|t| ms(r.intended_ns, t));
    let n = r.output_tokens.unwrap_or(0);
    let first = r.chunk_ns.first().copied();
    let last = r.chunk_ns.last().copied();
    let e2e_ms = since_intended(r.end_ns);

    let itl_mean_ms = match (first, last) {
        (Some(f), Some(l)) if n >= 2 => Some(ms(f, l) / (n - 1) as f64),
        _ => None,
    };
    let tpot_guidellm_ms = match (r.sent_ns, last) {
        (Some(s), Some(l)) if n >= 1 => Some(ms(s, l) / n as f64),
        _ => None,
    };
    RequestMetrics {
        ttft_ms: since_intended(r.first_token_ns),
        ttfo_ms: since_intended(r.first_content_ns),
        e2e_ms,
        ttft_from_send_ms: r.sent_ns.zip(r.first_token_ns).map(|(s, t)| ms(s, t)),
        schedule_lag_ms: r.sent_ns.map(|s| ms(r.intended_ns, s)),
        itl_chunks_ms: r.chunk_ns.windows(2).map(|w| ms(w[0], w[1])).collect(),
        itl_mean_ms,
        tpot_guidellm_ms,
        output_tps: e2e_ms.filter(|&e| e > 0.0).map(|e| n as f64 / (e / 1e3)),
    }
}

/// Distribution of one figure.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Distribution {
    pub count: usize,
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

impl Distribution {
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return Distribution::default();
        }
        Distribution {
            count: v.len(),
            mean: Some(v.iter().sum::<f64>() / v.len() as f64),
            min: v.first().copied(),
            p50: percentile_sorted(&v, 0.50),
            p90: percentile_sorted(&v, 0.90),
            p95: percentile_sorted(&v, 0.95),
            p99: percentile_sorted(&v, 0.99),
            max: v.last().copied(),
        }
    }
}

/// Percentile `q` (0..=1) of sorted values, by [`PERCENTILES`].
pub fn percentile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// A run's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub requests: usize,
    pub ok: usize,
    /// Count per outcome, `ok` included, keyed by [`Outcome::as_str`].
    pub outcomes: BTreeMap<&'static str, usize>,
    pub error_rate: f64,
    /// Requests whose token counts were counted by the client, not reported by the server.
    pub tokens_counted_by_client: usize,
    pub duration_s: f64,
    pub request_throughput: f64,
    pub output_token_throughput: f64,
    pub ttft_ms: Distribution,
    pub ttfo_ms: Distribution,
    pub e2e_ms: Distribution,
    pub itl_chunks_ms: Distribution,
    pub itl_mean_ms: Distribution,
    pub tpot_guidellm_ms: Distribution,
    pub ttft_from_send_ms: Distribution,
    /// Over every request that was sent, failed ones included: the client's own lateness.
    pub schedule_lag_ms: Distribution,
    pub output_tps: Distribution,
}

/// Aggregates records into a [`Summary`].
pub fn summarize(records: &[RequestRecord]) -> Summary {
    let mut s = Summary { requests: records.len(), ..Summary::default() };
    for o in Outcome::ALL {
        s.outcomes.insert(o.as_str(), 0);
    }
    let mut ttft = Vec::new();
    let mut ttfo = Vec::new();
    let mut e2e = Vec::new();
    let mut itl_chunks = Vec::new();
    let mut itl_mean = Vec::new();
    let mut tpot = Vec::new();
    let mut ttft_send = Vec::new();
    let mut lag = Vec::new();
    let mut tps = Vec::new();
    let mut output_tokens = 0u64;

    for r in records {
        *s.outcomes.entry(r.outcome.as_str()).or_default() += 1;
        let m = request_metrics(r);
        lag.extend(m.schedule_lag_ms);
        if r.outcome != Outcome::Ok {
            continue;
        }
        s.ok += 1;
        if !r.tokens_from_usage {
            s.tokens_counted_by_client += 1;
        }
        output_tokens += r.output_tokens.unwrap_or(0);
        ttft.extend(m.ttft_ms);
        ttfo.extend(m.ttfo_ms);
        e2e.extend(m.e2e_ms);
        itl_chunks.extend(m.itl_chunks_ms);
        itl_mean.extend(m.itl_mean_ms);
        tpot.extend(m.tpot_guidellm_ms);
        ttft_send.extend(m.ttft_from_send_ms);
        tps.extend(m.output_tps);
    }

    let start = records.iter().map(|r| r.intended_ns).min();
    let end = records.iter().filter_map(|r| r.end_ns).max();
    if let (Some(a), Some(b)) = (start, end) {
        s.duration_s = ms(a, b) / 1e3;
    }
    if s.duration_s > 0.0 {
        s.request_throughput = s.ok as f64 / s.duration_s;
        s.output_token_throughput = output_tokens as f64 / s.duration_s;
    }
    if s.requests > 0 {
        s.error_rate = (s.requests - s.ok) as f64 / s.requests as f64;
    }
    s.ttft_ms = Distribution::of(&ttft);
    s.ttfo_ms = Distribution::of(&ttfo);
    s.e2e_ms = Distribution::of(&e2e);
    s.itl_chunks_ms = Distribution::of(&itl_chunks);
    s.itl_mean_ms = Distribution::of(&itl_mean);
    s.tpot_guidellm_ms = Distribution::of(&tpot);
    s.ttft_from_send_ms = Distribution::of(&ttft_send);
    s.schedule_lag_ms = Distribution::of(&lag);
    s.output_tps = Distribution::of(&tps);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(intended: u64, sent: u64, chunks: &[u64], end: u64, n: u64) -> RequestRecord {
        let mut r = RequestRecord::failed(0, intended, Some(sent), Outcome::Ok);
        r.first_token_ns = chunks.first().copied();
        r.first_content_ns = chunks.first().copied();
        r.chunk_ns = chunks.to_vec();
        r.end_ns = Some(end);
        r.output_tokens = Some(n);
        r
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        // numpy.percentile([1,2,3,4], [50, 90]) == [2.5, 3.7]
        assert_eq!(percentile_sorted(&v, 0.5), Some(2.5));
        assert!((percentile_sorted(&v, 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(percentile_sorted(&[], 0.5), None);
    }

    #[test]
    fn ttft_counts_from_the_intended_send_and_peer_variants_from_the_actual_one() {
        // Intended at 0, sent 5 ms late, tokens at 50/60/70 ms, end 75 ms, 3 tokens.
        let ms = 1_000_000;
        let m = request_metrics(&rec(0, 5 * ms, &[50 * ms, 60 * ms, 70 * ms], 75 * ms, 3));
        assert_eq!(m.ttft_ms, Some(50.0));
        assert_eq!(m.ttft_from_send_ms, Some(45.0));
        assert_eq!(m.schedule_lag_ms, Some(5.0));
        assert_eq!(m.itl_chunks_ms, vec![10.0, 10.0]);
        assert_eq!(m.itl_mean_ms, Some(10.0));
        assert_eq!(m.tpot_guidellm_ms, Some(65.0 / 3.0));
        assert_eq!(m.e2e_ms, Some(75.0));
        assert_eq!(m.output_tps, Some(40.0));
    }

    #[test]
    fn multi_token_chunks_split_the_two_itl_definitions() {
        // Two chunks 10 ms apart carrying 5 tokens (usage): pooled gap 10 ms, mean 2.5 ms.
        let ms = 1_000_000;
        let m = request_metrics(&rec(0, 0, &[20 * ms, 30 * ms], 30 * ms, 5));
        assert_eq!(m.itl_chunks_ms, vec![10.0]);
        assert_eq!(m.itl_mean_ms, Some(2.5));
    }

    #[test]
    fn failed_requests_stay_out_of_latency_figures_but_count_in_the_error_rate() {
        let ms = 1_000_000;
        let ok = rec(0, 0, &[10 * ms], 20 * ms, 1);
        let mut bad = rec(0, 0, &[], 2_000 * ms, 0);
        bad.outcome = Outcome::ErrorInStream;
        let s = summarize(&[ok, bad]);
        assert_eq!(s.ttft_ms.count, 1);
        assert_eq!(s.ttft_ms.p50, Some(10.0));
        assert_eq!(s.error_rate, 0.5);
        assert_eq!(s.outcomes["error_in_stream"], 1);
        assert_eq!(s.schedule_lag_ms.count, 2, "lag counts every request that was sent");
        assert_eq!(s.request_throughput, 0.5, "1 ok request over 2 s");
    }
}
