//! `bench latency|list|show`: argument parsing, a progress bar on stderr, and printing over
//! `triplane_api::bench`. Ctrl-C cancels a run and keeps what was measured.

use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use triplane_api::bench::{
    self, Api, Distribution, LatencyReport, LatencyRequest, LoadChoice, Progress, RunDetail,
    RunRow, Summary,
};
use triplane_api::ApiError;

use crate::output::{self, out, outln};

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    // Boxed: the run options make these arguments large next to the other commands'.
    command: Box<BenchCommand>,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Measure TTFT, ITL, end-to-end latency and throughput of a streaming endpoint; exit 1
    /// when any request failed or the error-rate limit stopped the run.
    Latency(LatencyArgs),
    /// List stored runs, newest first.
    List(ListArgs),
    /// Show a stored run with its figures and their formulas.
    Show(ShowArgs),
    /// Write SVG charts of stored runs: latency CDF; with runs at several load levels (a
    /// sweep), TTFT and ITL percentiles and throughput against the level.
    Chart(ChartArgs),
    /// Run a quality suite against a candidate and store every answer and verdict.
    Quality(crate::quality::QualityArgs),
    /// Grade a stored quality run again from its stored answers; exit 1 if any verdict differs.
    Regrade(crate::quality::RegradeArgs),
    /// Quality runs side by side, optionally with charts.
    Compare(crate::quality::CompareArgs),
}

#[derive(Args)]
struct LatencyArgs {
    /// Base URL (`http://127.0.0.1:8080/v1`) or full request URL of the endpoint.
    #[arg(long)]
    endpoint: String,
    /// Wire protocol: openai, anthropic or ollama.
    #[arg(long, value_parser = parse_api)]
    api: Api,
    /// Model name sent in each request.
    #[arg(long)]
    model: String,
    /// Candidate id the run is stored under (the simulation reads runs by candidate).
    #[arg(long)]
    candidate: Option<String>,
    /// Requests kept in flight (closed loop).
    #[arg(long, conflicts_with_all = ["rate", "sweep"])]
    concurrency: Option<u32>,
    /// Requests per second (open loop); latency counts from each planned send time.
    #[arg(long, conflicts_with = "sweep")]
    rate: Option<f64>,
    /// With `--rate`: exponential gaps (a Poisson process) instead of even spacing.
    #[arg(long, requires = "rate")]
    poisson: bool,
    /// Seed of the Poisson schedule.
    #[arg(long, default_value_t = 0, requires = "poisson")]
    seed: u64,
    /// One run per concurrency level 1, 2, 4, … up to `--sweep-max`.
    #[arg(long)]
    sweep: bool,
    #[arg(long, default_value_t = 8, requires = "sweep")]
    sweep_max: u32,
    /// Requests per run (default 20 when `--duration` is not given).
    #[arg(long)]
    requests: Option<u32>,
    /// Stop sending after this many seconds.
    #[arg(long)]
    duration: Option<f64>,
    /// Stop when more than this fraction of requests failed (after 10 requests).
    #[arg(long)]
    max_error_rate: Option<f64>,
    /// Requests sent before measuring, not recorded.
    #[arg(long, default_value_t = 0)]
    warmup: u32,
    /// Output tokens asked for per request.
    #[arg(long, default_value_t = 64)]
    max_tokens: u32,
    /// Length of the synthetic prompt, in tokens (approximate).
    #[arg(long, default_value_t = 128)]
    prompt_tokens: u32,
    /// Prompts from a file: one per line, or `{"prompt": …}` per line in a `.jsonl` file.
    #[arg(long)]
    prompt_file: Option<PathBuf>,
    /// Per-request deadline in seconds.
    #[arg(long, default_value_t = 120.0)]
    timeout: f64,
    /// Environment variable holding the API key (the key itself is never stored).
    #[arg(long, conflicts_with = "api_key")]
    api_key_env: Option<String>,
    /// Name of the API key's OS keychain entry (see `triplane keys set`).
    #[arg(long)]
    api_key: Option<String>,
    /// Database file (default: triplane.db in the OS data directory).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Print the report as JSON (documented in docs/benchmarks.md).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ListArgs {
    /// Only runs of this candidate.
    #[arg(long)]
    candidate: Option<String>,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ChartArgs {
    /// Run ids (from `triplane bench list`).
    #[arg(required = true)]
    runs: Vec<i64>,
    /// Directory the SVG files are written to (created if needed).
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    db: Option<PathBuf>,
}

#[derive(Args)]
struct ShowArgs {
    /// The run id (from `triplane bench list`).
    run: i64,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

fn parse_api(s: &str) -> Result<Api, String> {
    Api::parse(s).ok_or_else(|| format!("`{s}` is not one of openai, anthropic, ollama"))
}

fn seconds(flag: &str, s: f64) -> Result<Duration, ApiError> {
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| ApiError::usage(format!("`{flag}` must be a positive number of seconds")))
}

pub fn bench(args: BenchArgs) -> Result<u8, ApiError> {
    match *args.command {
        BenchCommand::Latency(a) => latency(a),
        BenchCommand::List(a) => list(a),
        BenchCommand::Show(a) => show(a),
        BenchCommand::Chart(a) => chart(a),
        BenchCommand::Quality(a) => crate::quality::quality(a),
        BenchCommand::Regrade(a) => crate::quality::regrade(a),
        BenchCommand::Compare(a) => crate::quality::compare(a),
    }
}

fn latency(a: LatencyArgs) -> Result<u8, ApiError> {
    let load = match (a.concurrency, a.rate, a.sweep) {
        (_, _, true) => LoadChoice::Sweep { max_concurrency: a.sweep_max },
        (_, Some(rate), _) => LoadChoice::Rate { rate, poisson: a.poisson, seed: a.seed },
        (Some(n), _, _) if n > 1 => LoadChoice::Concurrency(n),
        _ => LoadChoice::Sequential,
    };
    let duration = a.duration.map(|d| seconds("--duration", d)).transpose()?;
    let req = LatencyRequest {
        endpoint: a.endpoint,
        api: a.api,
        model: a.model,
        candidate: a.candidate,
        load,
        requests: a.requests.or(if duration.is_none() { Some(20) } else { None }),
        duration,
        max_error_rate: a.max_error_rate,
        warmup: a.warmup,
        max_tokens: a.max_tokens,
        prompt_tokens: a.prompt_tokens,
        prompt_file: a.prompt_file,
        timeout: seconds("--timeout", a.timeout)?,
        api_key_env: a.api_key_env,
        api_key_name: a.api_key,
        db: a.db,
    };

    let report = output::with_progress("", |cancel, bar| async move {
        bench::latency(&req, cancel, move |label: &str, p: &Progress| {
            bar.set_prefix(label.to_owned());
            bar.set_length(u64::from(p.planned.unwrap_or(p.sent)));
            bar.set_position(u64::from(p.settled));
            bar.set_message(format!("{} ok, {} failed, {:.1} s", p.ok, p.failed, p.elapsed_s));
        })
        .await
    })?;

    if a.json {
        output::json(&report)?;
    } else {
        out!("{}", render_latency(&report));
    }
    Ok(u8::from(report.has_problems()))
}

fn list(a: ListArgs) -> Result<u8, ApiError> {
    let rows = bench::list(a.db.as_deref(), a.candidate.as_deref())?;
    if a.json {
        output::json(&rows)?;
    } else {
        out!("{}", render_list(&rows));
    }
    Ok(0)
}

fn show(a: ShowArgs) -> Result<u8, ApiError> {
    let detail = bench::show(a.db.as_deref(), a.run)?;
    if detail.row.kind != "latency" {
        // A quality or classification run has no latency samples: its figures are its verdicts.
        let summary = triplane_api::quality::show(a.db.as_deref(), a.run)?;
        if a.json {
            output::json(&summary)?;
        } else {
            out!("{}", crate::quality::render_summary(&summary));
        }
        return Ok(0);
    }
    if a.json {
        output::json(&detail)?;
    } else {
        out!("{}", render_show(&detail));
    }
    Ok(0)
}

fn chart(a: ChartArgs) -> Result<u8, ApiError> {
    let charts = bench::charts(a.db.as_deref(), &a.runs)?;
    std::fs::create_dir_all(&a.out)
        .map_err(|e| ApiError::runtime(format!("cannot create `{}`: {e}", a.out.display())))?;
    for c in charts {
        let path = a.out.join(format!("{}.svg", c.name));
        std::fs::write(&path, c.svg)
            .map_err(|e| ApiError::runtime(format!("cannot write `{}`: {e}", path.display())))?;
        outln!("{}", path.display());
    }
    Ok(0)
}

/// Sub-millisecond figures (schedule lag, fast ITL) keep microseconds; larger ones do not
/// need them.
fn ms(v: Option<f64>) -> String {
    match v {
        None => "-".to_owned(),
        Some(v) if v.abs() < 10.0 => format!("{v:.3}"),
        Some(v) => format!("{v:.1}"),
    }
}

fn formula(name: &str) -> &'static str {
    triplane_api::bench::formulas().iter().find(|(n, _)| *n == name).map_or("", |(_, f)| f)
}

fn distribution_line(out: &mut String, label: &str, key: &str, d: &Distribution) {
    let _ = writeln!(
        out,
        "  {label:<16} p50 {:>8}  p95 {:>8}  p99 {:>8} ms  (n={})  {}",
        ms(d.p50),
        ms(d.p95),
        ms(d.p99),
        d.count,
        formula(key)
    );
}

/// The figures of one run, each with its formula.
pub fn render_summary(s: &Summary) -> String {
    let mut out = String::new();
    let failures: Vec<String> = s
        .outcomes
        .iter()
        .filter(|(k, v)| **k != "ok" && **v > 0)
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    let _ = writeln!(
        out,
        "  requests {}  ok {}  failed {}{}",
        s.requests,
        s.ok,
        s.requests - s.ok,
        if failures.is_empty() { String::new() } else { format!(" ({})", failures.join(", ")) }
    );
    distribution_line(&mut out, "TTFT", "ttft", &s.ttft_ms);
    distribution_line(&mut out, "TTFO", "ttfo", &s.ttfo_ms);
    distribution_line(&mut out, "ITL (chunks)", "itl_chunks", &s.itl_chunks_ms);
    distribution_line(&mut out, "ITL (mean)", "itl_mean", &s.itl_mean_ms);
    distribution_line(&mut out, "TPOT (GuideLLM)", "tpot_guidellm", &s.tpot_guidellm_ms);
    distribution_line(&mut out, "end-to-end", "e2e", &s.e2e_ms);
    distribution_line(&mut out, "schedule lag", "schedule_lag", &s.schedule_lag_ms);
    let _ = writeln!(
        out,
        "  throughput       {:.2} req/s  {:.1} output tok/s over {:.2} s  ({}; {})",
        s.request_throughput,
        s.output_token_throughput,
        s.duration_s,
        formula("request_throughput"),
        formula("output_token_throughput")
    );
    if s.tokens_counted_by_client > 0 {
        let _ = writeln!(
            out,
            "  note: {} requests had no usage report; their tokens were counted as chunks",
            s.tokens_counted_by_client
        );
    }
    out
}

fn render_latency(report: &LatencyReport) -> String {
    let mut out = String::new();
    for r in &report.runs {
        let _ = writeln!(
            out,
            "run {}  {} on {} ({})  {}  {}",
            r.run_id, r.model, r.endpoint, r.api, r.load, r.status
        );
        out.push_str(&render_summary(&r.summary));
    }
    let _ = writeln!(out, "stored in `{}`", report.db.display());
    out
}

fn render_list(rows: &[RunRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>5}  {:<8}  {:<10}  {:<16}  {:<20}  endpoint",
        "run", "kind", "status", "candidate", "model"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:>5}  {:<8}  {:<10}  {:<16}  {:<20}  {}",
            r.run_id,
            r.kind,
            r.status,
            r.candidate.as_deref().unwrap_or("-"),
            r.model,
            r.endpoint
        );
    }
    out
}

fn render_show(d: &RunDetail) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "run {}  {} on {} ({})  {}  candidate {}",
        d.row.run_id,
        d.row.model,
        d.row.endpoint,
        d.row.api,
        d.row.status,
        d.row.candidate.as_deref().unwrap_or("-")
    );
    out.push_str(&render_summary(&d.summary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_prints_each_figure_with_its_formula() {
        let mut s = Summary {
            requests: 4,
            ok: 3,
            tokens_counted_by_client: 3,
            duration_s: 2.0,
            request_throughput: 1.5,
            output_token_throughput: 48.0,
            ttft_ms: Distribution::of(&[100.0, 120.0, 140.0]),
            ttfo_ms: Distribution::of(&[100.0, 120.0, 140.0]),
            itl_chunks_ms: Distribution::of(&[10.0, 12.0, 11.0, 30.0]),
            itl_mean_ms: Distribution::of(&[11.0, 12.5, 14.0]),
            tpot_guidellm_ms: Distribution::of(&[20.0, 21.0, 22.0]),
            e2e_ms: Distribution::of(&[300.0, 320.0, 360.0]),
            schedule_lag_ms: Distribution::of(&[0.01, 0.02, 0.02, 0.05]),
            ..Summary::default()
        };
        s.outcomes.insert("ok", 3);
        s.outcomes.insert("http_status", 1);
        s.outcomes.insert("timeout", 0);
        insta::assert_snapshot!(render_summary(&s));
    }
}
