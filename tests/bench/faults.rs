//! The benchmark client against the fault server: each outcome class is recognised, partial
//! text is kept, measured times agree with the server's own record (loosely: 5 ms), runs
//! stop on their limits, and nothing hangs (every test runs under a hard timeout).

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use triplane_bench::client::{self, Clock, Endpoint, RequestOptions, Target};
use triplane_bench::load::Load;
use triplane_bench::metrics::{request_metrics, summarize};
use triplane_bench::prompt::PromptSource;
use triplane_bench::record::{Outcome, RequestRecord};
use triplane_bench::runner::{self, Limits, RunSpec, StopReason};
use triplane_bench::storage::{from_sample, new_latency_run, StoreSink};
use triplane_bench::Api;
use triplane_systests::fault_server::FaultServer;

/// No test here may take longer; a hang fails instead of blocking CI.
const HARD_LIMIT: Duration = Duration::from_secs(60);
/// Loopback plus scheduling noise on a shared two-core machine.
const TOLERANCE_MS: f64 = 5.0;

/// Tests that assert timings take this lock, so they do not compete with each other for
/// the two cores (their spinning pacers would) while the fault tests run in parallel.
static TIMING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn spec(url: &str, model: &str, load: Load, requests: u32, timeout: Duration) -> RunSpec {
    RunSpec {
        endpoint: Endpoint {
            api: Api::Openai,
            url: url.to_owned(),
            model: model.to_owned(),
            api_key: None,
        },
        request: RequestOptions { max_tokens: 16, temperature: None, timeout },
        load,
        limits: Limits { max_requests: Some(requests), ..Limits::default() },
        prompts: PromptSource::Synthetic { tokens: 32, seed: 1 },
    }
}

async fn run_vec(spec: &RunSpec) -> runner::RunResult {
    let (result, _) =
        runner::run(spec, Vec::new(), CancellationToken::new(), |_| {}).await.unwrap();
    result
}

async fn one(server: &FaultServer, model: &str, timeout: Duration) -> RequestRecord {
    let result = run_vec(&spec(&server.url(), model, Load::Sequential, 1, timeout)).await;
    assert_eq!(result.records.len(), 1);
    result.records.into_iter().next().unwrap()
}

/// The fault server kept to the time it was asked for: never early (a server ignoring its
/// parameters sends everything at once), and not wildly late (a unit mix-up would be 1000x).
/// How late a timer fires depends on the machine's load (27 ms seen with builds on both
/// cores), which is why the client is judged against what the server did, not against this.
fn paced(measured_ms: f64, asked_ms: f64) -> bool {
    measured_ms > asked_ms - 1.0 && measured_ms < 2.0 * asked_ms + 50.0
}

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(HARD_LIMIT, f).await.expect("the test hung past its hard limit")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ok_stream_timings_match_the_servers_record() {
    let _serial = TIMING.lock().await;
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let r = one(&server, "ok;tokens=6;ttft_ms=60;itl_ms=15", Duration::from_secs(10)).await;
        assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.error);
        assert_eq!(r.output_tokens, Some(6));
        assert!(r.tokens_from_usage, "the fault server sends a usage chunk");
        assert_eq!(r.text, " tok0 tok1 tok2 tok3 tok4 tok5");
        assert_eq!(r.chunk_ns.len(), 6, "the role chunk is not a token");

        let a = &server.settled(1, Duration::from_secs(2)).await[0];
        assert_eq!(a.token_writes_ns.len(), 6);
        let m = request_metrics(&r);
        let server_ttft = (a.token_writes_ns[0] - a.arrived_ns) as f64 / 1e6;
        let client_ttft = m.ttft_from_send_ms.unwrap();
        assert!(
            (client_ttft - server_ttft).abs() < TOLERANCE_MS,
            "client TTFT {client_ttft:.3} ms vs server {server_ttft:.3} ms"
        );
        // The server's own pacing is the ground truth, not the thing under test: on a loaded
        // machine its timer fires late (67 ms for 60 seen), never early. The client is held to
        // 5 ms of whatever the server really did, above.
        assert!(paced(server_ttft, 60.0), "server paced TTFT {server_ttft}");
        let server_gaps: Vec<f64> =
            a.token_writes_ns.windows(2).map(|w| (w[1] - w[0]) as f64 / 1e6).collect();
        for (c, s) in m.itl_chunks_ms.iter().zip(&server_gaps) {
            assert!((c - s).abs() < TOLERANCE_MS, "gap client {c:.3} vs server {s:.3}");
        }
        // The server writes token i at ttft + i * itl from the request's start (an absolute
        // schedule), so a late write shortens the next gap: pacing is checked on the offsets.
        for (i, w) in a.token_writes_ns.iter().enumerate() {
            let offset = (w - a.arrived_ns) as f64 / 1e6;
            let asked = 60.0 + 15.0 * i as f64;
            assert!(
                paced(offset, asked),
                "server wrote token {i} at {offset:.3} ms, asked {asked}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_maps_to_its_outcome_and_keeps_partial_text() {
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let t = Duration::from_secs(10);

        let r = one(&server, "http429;retry_after=7", t).await;
        assert_eq!((r.outcome, r.http_status), (Outcome::HttpStatus, Some(429)));
        let err = r.error.unwrap();
        assert!(err.contains("retry-after: 7") && err.contains("rate limited"), "{err}");

        let r = one(&server, "http500", t).await;
        assert_eq!((r.outcome, r.http_status), (Outcome::HttpStatus, Some(500)));

        let r = one(&server, "error_in_stream;after=2;ttft_ms=5;itl_ms=5", t).await;
        assert_eq!((r.outcome, r.http_status), (Outcome::ErrorInStream, Some(200)));
        assert!(r.error.as_deref().unwrap().contains("the model crashed"), "{:?}", r.error);
        assert_eq!(r.text, " tok0 tok1", "partial text is kept");

        let r = one(&server, "reset;after=3;ttft_ms=5;itl_ms=5", t).await;
        assert_eq!(r.outcome, Outcome::Reset, "{:?}", r.error);
        assert_eq!(r.text, " tok0 tok1 tok2");

        let r = one(&server, "malformed;after=1;ttft_ms=5", t).await;
        assert_eq!(r.outcome, Outcome::MalformedStream, "{:?}", r.error);
        assert_eq!(r.output_tokens, Some(1), "usage after the broken frame still counts");

        let r = one(&server, "truncated;after=2;ttft_ms=5;itl_ms=5", t).await;
        assert_eq!(r.outcome, Outcome::Truncated, "{:?}", r.error);
        assert!(!r.tokens_from_usage, "no usage arrived, so tokens were counted");
        assert_eq!(r.output_tokens, Some(2));

        let r = one(&server, "interrupted;after=0", t).await;
        assert_eq!(r.outcome, Outcome::Truncated, "[DONE] without a finish reason is no success");

        let r = one(&server, "no_such_scenario", t).await;
        assert_eq!((r.outcome, r.http_status), (Outcome::HttpStatus, Some(400)));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_times_out_at_the_request_deadline_with_partial_text() {
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let started = std::time::Instant::now();
        let r = one(&server, "stall;after=2;ttft_ms=5;itl_ms=5", Duration::from_millis(400)).await;
        let took = started.elapsed();
        assert_eq!(r.outcome, Outcome::Timeout);
        assert_eq!(r.text, " tok0 tok1");
        assert!(took < Duration::from_secs(3), "the deadline bounds the stall: {took:?}");
        let e2e = request_metrics(&r).e2e_ms.unwrap();
        assert!((e2e - 400.0).abs() < 50.0, "ended at the deadline: {e2e} ms");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_is_a_connect_failure() {
    bounded(async {
        // Bind then drop: the port is free and refuses connections.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/v1");
        let result = run_vec(&spec(&url, "ok", Load::Sequential, 2, Duration::from_secs(5))).await;
        assert!(
            result.records.iter().all(|r| r.outcome == Outcome::Connect),
            "{:?}",
            result.records
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_keeps_what_was_measured() {
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let s = spec(
            &server.url(),
            "stall;after=2;ttft_ms=5;itl_ms=5",
            Load::Concurrency { n: 3 },
            50,
            Duration::from_secs(30),
        );
        let cancel = CancellationToken::new();
        let trigger = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            trigger.cancel();
        });
        let started = std::time::Instant::now();
        let (result, _) = runner::run(&s, Vec::new(), cancel, |_| {}).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "cancel ends the run promptly");
        assert_eq!(result.stop, StopReason::Cancelled);
        assert_eq!(result.records.len(), 3, "the three in-flight requests are recorded");
        for r in &result.records {
            assert_eq!(r.outcome, Outcome::Cancelled);
            assert_eq!(r.text, " tok0 tok1", "partial text survives the cancel");
            assert_eq!(r.chunk_ns.len(), 2);
        }

        // Also through the single-request client: a cancel before any response.
        let clock = Clock::start();
        let target = Target::new(s.endpoint.clone(), s.request.clone());
        let http = client::http_client().unwrap();
        let cancel = CancellationToken::new();
        cancel.cancel();
        let r = client::send(&http, &target, b"{}".to_vec(), &clock, 0, 0, &cancel).await;
        assert_eq!(r.outcome, Outcome::Cancelled);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_rate_limit_stops_a_failing_run() {
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let mut s =
            spec(&server.url(), "http500", Load::Concurrency { n: 2 }, 500, Duration::from_secs(5));
        s.limits.max_error_rate = Some(0.5);
        let result = run_vec(&s).await;
        assert_eq!(result.stop, StopReason::ErrorRate);
        // The stop is judged as records arrive, so a few more requests than the first ten
        // may be in flight; far fewer than the 500 planned proves the stop.
        assert!(result.records.len() < 100, "stopped early: {} requests", result.records.len());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn constant_rate_arrivals_follow_the_schedule() {
    let _serial = TIMING.lock().await;
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        // 200 req/s for 60 requests: one every 5 ms, off tokio's millisecond grid by
        // construction of pace_until, not by luck.
        let s = spec(
            &server.url(),
            "fast;tokens=16",
            Load::Rate { rate: 200.0, poisson: false, seed: 0 },
            60,
            Duration::from_secs(10),
        );
        let result = run_vec(&s).await;
        let summary = summarize(&result.records);
        assert_eq!(summary.ok, 60, "{:?}", summary.outcomes);
        // The machine is shared with other builds (load above its two cores), so a few
        // sends may be descheduled: the bulk must be on time, not every last one.
        let lag = &summary.schedule_lag_ms;
        assert!(lag.p50.unwrap() < 1.0, "median lag {:?} ms", lag.p50);
        assert!(lag.p90.unwrap() < TOLERANCE_MS, "p90 lag {:?} ms", lag.p90);
        let arrivals = server.settled(60, Duration::from_secs(2)).await;
        assert_eq!(arrivals.len(), 60);
        let first = arrivals[0].arrived_ns;
        let off_plan: Vec<(usize, f64)> = arrivals
            .iter()
            .enumerate()
            .map(|(i, a)| (i, (a.arrived_ns - first) as f64 / 1e6 - i as f64 * 5.0))
            .filter(|(_, err)| err.abs() >= TOLERANCE_MS)
            .collect();
        assert!(off_plan.len() <= 3, "arrivals 5 ms or more off the plan: {off_plan:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_run_reads_back_with_its_samples() {
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = triplane_store::Store::open(dir.path().join("t.db")).unwrap();
        let s = spec(
            &server.url(),
            "ok;tokens=4;ttft_ms=10;itl_ms=5",
            Load::Concurrency { n: 4 },
            100,
            Duration::from_secs(10),
        );
        let run_id = store
            .insert_run(&new_latency_run(Some("fault".into()), &s.endpoint, "{}".into(), 0))
            .unwrap();
        let sink = StoreSink { store, run_id };
        let (result, sink) = runner::run(&s, sink, CancellationToken::new(), |_| {}).await.unwrap();
        assert_eq!(result.records.len(), 100);
        let back: Vec<RequestRecord> =
            sink.store.samples(run_id).unwrap().iter().map(|s| from_sample(s).unwrap()).collect();
        assert_eq!(back.len(), 100, "all samples were written, in batches");
        for (a, b) in result.records.iter().zip(&back) {
            assert_eq!(a.idx, b.idx);
            assert_eq!(a.outcome, b.outcome);
            assert_eq!(a.first_token_ns, b.first_token_ns);
            for (x, y) in a.chunk_ns.iter().zip(&b.chunk_ns) {
                assert!(x.abs_diff(*y) <= 500, "chunk times round-trip within 0.5 µs");
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duration_limit_stops_sending_and_poisson_schedules_repeat_by_seed() {
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        let poisson = Load::Rate { rate: 50.0, poisson: true, seed: 11 };
        let mut s = spec(&server.url(), "fast", poisson, 0, Duration::from_secs(5));
        s.limits.max_requests = None;
        s.limits.max_duration = Some(Duration::from_millis(600));

        let started = std::time::Instant::now();
        let a = run_vec(&s).await;
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
        assert_eq!(a.stop, StopReason::Completed);
        let last = a.records.iter().map(|r| r.intended_ns).max().unwrap();
        assert!(last < 600_000_000, "nothing planned after the duration: {last} ns");
        // 50 req/s for 0.6 s: 30 expected; a Poisson count stays well inside 10..=60.
        assert!((10..=60).contains(&a.records.len()), "{} requests", a.records.len());

        let b = run_vec(&s).await;
        let times =
            |r: &runner::RunResult| r.records.iter().map(|r| r.intended_ns).collect::<Vec<_>>();
        assert_eq!(times(&a), times(&b), "the same seed plans the same sends");
        assert!(a.records.iter().all(|r| r.outcome == Outcome::Ok));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_and_ollama_streams_are_timed_like_openai_ones() {
    let _serial = TIMING.lock().await;
    bounded(async {
        let server = FaultServer::start().await.unwrap();
        for api in [Api::Anthropic, Api::Ollama] {
            let mut s = spec(
                &format!("http://{}", server.addr()),
                "ok;tokens=4;ttft_ms=30;itl_ms=15",
                Load::Sequential,
                2,
                Duration::from_secs(10),
            );
            s.endpoint.api = api;
            let result = run_vec(&s).await;
            for r in &result.records {
                assert_eq!(r.outcome, Outcome::Ok, "{api}: {:?}", r.error);
                assert_eq!(r.text, " tok0 tok1 tok2 tok3", "{api}");
                assert_eq!((r.output_tokens, r.tokens_from_usage), (Some(4), true), "{api}");
                assert_eq!(r.prompt_tokens, Some(8), "{api}");
            }
            // Against the server's own record of this run's requests.
            let arrivals = server.settled(result.records.len(), Duration::from_secs(2)).await;
            let mine = &arrivals[arrivals.len() - result.records.len()..];
            for (r, a) in result.records.iter().zip(mine) {
                let m = request_metrics(r);
                let client = m.ttft_from_send_ms.unwrap();
                let server_ttft = (a.token_writes_ns[0] - a.arrived_ns) as f64 / 1e6;
                assert!(
                    (client - server_ttft).abs() < TOLERANCE_MS,
                    "{api}: {client} vs {server_ttft}"
                );
                let gaps = a.token_writes_ns.windows(2).map(|w| (w[1] - w[0]) as f64 / 1e6);
                for (c, g) in m.itl_chunks_ms.iter().zip(gaps) {
                    assert!((c - g).abs() < TOLERANCE_MS, "{api}: gap {c} vs {g}");
                }
            }
        }
    })
    .await;
}
