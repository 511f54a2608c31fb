//! `bench quality|regrade|compare`: argument parsing, a progress bar on stderr, and printing
//! over `triplane_api::quality`. Ctrl-C cancels a run and keeps the answers stored so far.

use std::fmt::Write;
use std::path::PathBuf;

use clap::Args;
use triplane_api::bench::Api;
use triplane_api::quality::{
    self, Comparison, ModelChoice, Progress, QualityChoices, QualitySummary, Regrade,
};
use triplane_api::ApiError;

use crate::output;

#[derive(Args)]
pub struct QualityArgs {
    /// A built-in suite (classification, tool-calling, structured-output, sovereignty-ops) or a
    /// suite file (docs/suites.md).
    #[arg(long)]
    suite: String,
    /// Base URL (`http://127.0.0.1:8080/v1`) or full request URL of the endpoint.
    #[arg(long)]
    endpoint: String,
    /// Wire protocol: openai, anthropic or ollama.
    #[arg(long, value_parser = parse_api)]
    api: Api,
    /// Model name sent in each request.
    #[arg(long)]
    model: String,
    /// Candidate id the run is stored under (the simulation reads classification runs by it).
    #[arg(long)]
    candidate: Option<String>,
    /// Samples per case (k); pass^k is reported for k = 1..K.
    #[arg(long, default_value_t = quality::DEFAULT_SAMPLES)]
    samples: u32,
    /// Reuse stored answers to identical requests instead of sending them again.
    #[arg(long)]
    cache: bool,
    /// Run only this case (repeatable): a subset of the suite.
    #[arg(long = "case")]
    cases: Vec<String>,
    /// Per-request deadline in seconds.
    #[arg(long, default_value_t = quality::DEFAULT_TIMEOUT_S)]
    timeout: f64,
    /// Environment variable holding the API key (the key itself is never stored).
    #[arg(long, conflicts_with = "api_key")]
    api_key_env: Option<String>,
    /// Name of the API key's OS keychain entry (see `triplane keys set`).
    #[arg(long)]
    api_key: Option<String>,
    /// Judge endpoint, for suites with judged cases.
    #[arg(long, requires_all = ["judge_api", "judge_model"])]
    judge_endpoint: Option<String>,
    #[arg(long, value_parser = parse_api)]
    judge_api: Option<Api>,
    #[arg(long)]
    judge_model: Option<String>,
    /// Candidate id of the judge, recorded with the run.
    #[arg(long)]
    judge_candidate: Option<String>,
    /// Environment variable holding the judge's API key.
    #[arg(long, conflicts_with = "judge_api_key")]
    judge_api_key_env: Option<String>,
    /// Name of the judge's API key in the OS keychain.
    #[arg(long)]
    judge_api_key: Option<String>,
    /// Database file (default: triplane.db in the OS data directory).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Print the run's figures as JSON (documented in docs/suites.md).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RegradeArgs {
    /// The run id of a quality or classification run.
    run: i64,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CompareArgs {
    /// Quality or classification run ids (from `triplane bench list`); one run prints its full
    /// figures.
    #[arg(required = true, num_args = 1..)]
    runs: Vec<i64>,
    #[arg(long)]
    db: Option<PathBuf>,
    /// Write the comparison charts (SVG) into this folder.
    #[arg(long)]
    charts: Option<PathBuf>,
    /// Price per million output tokens of a candidate, for the quality/latency/cost chart:
    /// `CANDIDATE=EUR`; repeatable.
    #[arg(long = "price", value_parser = parse_price)]
    prices: Vec<(String, f64)>,
    #[arg(long)]
    json: bool,
}

fn parse_api(s: &str) -> Result<Api, String> {
    Api::parse(s).ok_or_else(|| format!("`{s}` is not one of openai, anthropic, ollama"))
}

fn parse_price(s: &str) -> Result<(String, f64), String> {
    let (c, p) = s.split_once('=').ok_or_else(|| format!("`{s}` is not CANDIDATE=PRICE"))?;
    let p: f64 = p.parse().map_err(|_| format!("`{p}` is not a number"))?;
    Ok((c.to_owned(), p))
}

pub fn quality(a: QualityArgs) -> Result<u8, ApiError> {
    let judge = match (a.judge_endpoint, a.judge_api, a.judge_model) {
        (Some(endpoint), Some(api), Some(model)) => Some(ModelChoice {
            endpoint,
            api,
            model,
            candidate: a.judge_candidate,
            api_key_env: a.judge_api_key_env,
            api_key_name: a.judge_api_key,
        }),
        _ => None,
    };
    let req = QualityChoices {
        suite: a.suite,
        model: ModelChoice {
            endpoint: a.endpoint,
            api: a.api,
            model: a.model,
            candidate: a.candidate,
            api_key_env: a.api_key_env,
            api_key_name: a.api_key,
        },
        judge,
        samples: a.samples,
        use_cache: a.cache,
        timeout_s: a.timeout,
        cases: a.cases,
        db: a.db,
    }
    .request()?;

    let report = output::with_progress(&req.suite.clone(), |cancel, bar| async move {
        quality::run(&req, cancel, &move |p: &Progress| {
            bar.set_length(u64::from(p.planned));
            bar.set_position(u64::from(p.done));
            bar.set_message(format!("{} passed", p.passed));
        })
        .await
    })?;

    if a.json {
        output::json(&report)?;
    } else {
        print!("{}", render_summary(&report.summary));
        println!("run time  {:.1} s; stored in {}", report.elapsed_s, report.db.display());
    }
    Ok(0)
}

pub fn regrade(a: RegradeArgs) -> Result<u8, ApiError> {
    let r: Regrade = quality::regrade(a.db.as_deref(), a.run)?;
    if a.json {
        output::json(&r)?;
    } else if r.differences.is_empty() {
        println!("run {}: {} samples re-graded, every verdict as stored", r.run_id, r.samples);
    } else {
        println!(
            "run {}: {} of {} verdicts differ when re-graded:",
            r.run_id,
            r.differences.len(),
            r.samples
        );
        for d in &r.differences {
            println!(
                "  {} sample {}: stored {:?}, now {}",
                d.case_id, d.sample, d.stored_pass, d.regraded_pass
            );
        }
    }
    Ok(u8::from(!r.differences.is_empty()))
}

pub fn compare(a: CompareArgs) -> Result<u8, ApiError> {
    let c = quality::compare(a.db.as_deref(), &a.runs)?;
    if let Some(dir) = &a.charts {
        let written = quality::write_charts(&c, &a.prices, dir)?;
        for p in written {
            eprintln!("wrote {}", p.display());
        }
    }
    if a.json {
        output::json(&c)?;
    } else if let [one] = c.runs.as_slice() {
        // One run: its full figures (confusion matrix, failing cases) say more than a row.
        print!("{}", render_summary(&one.summary));
    } else {
        print!("{}", render_comparison(&c));
    }
    Ok(0)
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// The text form of one run's figures.
pub fn render_summary(s: &QualitySummary) -> String {
    let mut o = String::new();
    let who = s.candidate.as_deref().unwrap_or(&s.model);
    let _ = writeln!(
        o,
        "run {}  suite {} ({})  candidate {}  status {}",
        s.run_id, s.suite, s.task, who, s.status
    );
    let r = &s.pass_rate;
    let _ = writeln!(
        o,
        "pass rate {} ({}/{}), 95 % CI {} – {}  ({} sample(s) per case)",
        pct(r.rate),
        r.passes,
        r.n,
        pct(r.low),
        pct(r.high),
        s.samples
    );
    for (k, v) in &s.pass_hat_k {
        let _ = writeln!(o, "  pass^{k} {}", pct(*v));
    }
    if let Some(m) = &s.confusion {
        let _ = writeln!(o, "\nconfusion matrix (rows expected, columns answered)");
        let _ = write!(o, "{:>14}", "");
        for l in m.labels.iter().map(String::as_str).chain([triplane_api::quality::OFF_LABEL]) {
            let _ = write!(o, " {:>12}", l);
        }
        let _ = writeln!(o);
        for (label, row) in m.labels.iter().zip(&m.counts) {
            let _ = write!(o, "{label:>14}");
            for n in row {
                let _ = write!(o, " {n:>12}");
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(o, "\n{:>14} {:>8} {:>8} {:>8}", "class", "support", "FN rate", "FP rate");
        for c in &s.class_rates {
            let _ = writeln!(
                o,
                "{:>14} {:>8} {:>8} {:>8}",
                c.label,
                c.support,
                pct(c.false_negative_rate),
                pct(c.false_positive_rate)
            );
        }
        if let Some(rr) = &s.router_rates {
            let _ = writeln!(
                o,
                "router: labelled less sensitive {}, more sensitive or unlabelled {}",
                pct(rr.false_negative_rate),
                pct(rr.false_positive_rate)
            );
        }
    }
    let failing: Vec<&str> =
        s.cases.iter().filter(|c| c.rate.passes < c.rate.n).map(|c| c.id.as_str()).collect();
    if !failing.is_empty() {
        let _ = writeln!(o, "\nfailing cases ({}): {}", failing.len(), failing.join(", "));
    }
    if let Some(t) = s.mean_answer_s {
        let _ =
            writeln!(o, "mean answer time {t:.2} s (informative; latency runs measure latency)");
    }
    o
}

fn render_comparison(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:>5}  {:<18} {:<20} {:>9} {:>17} {:>12}",
        "run", "suite", "candidate", "pass", "95 % CI", "p50 e2e ms"
    );
    for r in &c.runs {
        let s = &r.summary;
        let _ = writeln!(
            o,
            "{:>5}  {:<18} {:<20} {:>9} {:>17} {:>12}",
            s.run_id,
            s.suite,
            s.candidate.as_deref().unwrap_or(&s.model),
            pct(s.pass_rate.rate),
            format!("{} – {}", pct(s.pass_rate.low), pct(s.pass_rate.high)),
            r.latency_p50_ms.map_or("-".to_owned(), |v| format!("{v:.0}")),
        );
    }
    o
}
