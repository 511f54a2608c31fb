//! Grading proven end to end: the fault server serves, for every grader, a right answer and a
//! near miss (an extra tool argument, a label in another letter case, JSON with a trailing
//! comma, an empty answer, a judge answering off-format, no answer at all); the verdicts stored
//! in SQLite must say so, and re-grading the stored answers must give the same verdicts.

use std::path::Path;
use std::time::Duration;

use triplane_api::bench::{Api, CancellationToken};
use triplane_api::quality::{self, ModelChoice, QualityRequest};
use triplane_store::{AnswerRole, Store};
use triplane_systests::fault_server::{CannedAnswer, FaultServer};

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quality/graders.yaml");

fn text(s: &str) -> CannedAnswer {
    CannedAnswer { content: Some(s.to_owned()), tool_calls: vec![] }
}

fn call(name: &str, args: &str) -> CannedAnswer {
    CannedAnswer { content: None, tool_calls: vec![(name.to_owned(), args.to_owned())] }
}

/// `(case, key in its prompt, right answer, near miss or None for no answer, why it fails)`.
fn answers() -> Vec<(&'static str, &'static str, CannedAnswer, Option<CannedAnswer>, &'static str)>
{
    vec![
        ("g-exact", "Capital of France", text("Paris"), Some(text("Paris.")), "differs"),
        (
            "g-contains",
            "Which US laws",
            text("The CLOUD Act and FISA 702."),
            Some(text("The CLOUD Act.")),
            "missing `FISA`",
        ),
        (
            "g-absent",
            "unclassified requests",
            text("To the sovereign model."),
            Some(text("To the non-sovereign model.")),
            "contains `non-sovereign`",
        ),
        ("g-regex", "default port", text("5432"), Some(text("port 5432")), "does not match"),
        (
            "g-json",
            "endpoint as JSON",
            text("{\"host\": \"db\", \"port\": 5432}"),
            Some(text("{\"host\": \"db\", \"port\": 5432,}")),
            "not JSON",
        ),
        (
            "g-tool",
            "Problems on web-07",
            call("get_problems", "{\"host\":\"web-07\"}"),
            Some(call("get_problems", "{\"host\":\"web-07\",\"limit\":10}")),
            "unexpected argument `limit`",
        ),
        (
            "g-tool-type",
            "Ten problems",
            call("get_problems", "{\"limit\":10}"),
            Some(call("get_problems", "{\"limit\":\"10\"}")),
            "schema",
        ),
        (
            "g-no-call",
            "Restart web-07",
            text("No tool restarts hosts."),
            Some(call("get_problems", "{\"host\":\"web-07\"}")),
            "where no call is right",
        ),
        (
            "g-label",
            "negotiated discount",
            text("confidential"),
            Some(text("Confidential")),
            "`Confidential` is not one of the labels",
        ),
        (
            "g-number",
            "notify a breach",
            text("72 hours."),
            Some(text("48 hours.")),
            "48 is not within",
        ),
        (
            "g-judge",
            "sovereign model keep",
            text("It stays in the EU."),
            Some(text("It goes to Virginia.")),
            "off-format",
        ),
        ("g-empty", "Say ok", text("ok"), Some(text("")), "empty answer"),
        ("g-missing", "Say yes", text("yes"), None, "HTTP 404"),
    ]
}

fn server_with_answers(server: &FaultServer) {
    for (_, key, right, wrong, _) in answers() {
        server.add_canned("right", key, right);
        if let Some(w) = wrong {
            server.add_canned("wrong", key, w);
        }
    }
    // The judge sees the candidate's answer in its prompt: pass the right one, and answer the
    // near miss off-format, which must fail the case without stopping the run.
    server.add_canned(
        "judge",
        "Answer:\nIt stays in the EU.",
        text("PASS\nThe data stays in the EU."),
    );
    server.add_canned("judge", "Answer:\nIt goes to Virginia.", text("Hmm, Virginia is nice."));
}

fn request(server: &FaultServer, set: &str, db: &Path, use_cache: bool) -> QualityRequest {
    let model = |name: String, candidate: &str| ModelChoice {
        endpoint: server.url(),
        api: Api::Openai,
        model: name,
        candidate: Some(candidate.to_owned()),
        api_key_env: None,
        api_key_name: None,
    };
    QualityRequest {
        suite: SUITE.to_owned(),
        model: model(format!("canned;set={set}"), &format!("fault-{set}")),
        judge: Some(model("canned;set=judge".to_owned(), "fault-judge")),
        samples: 1,
        use_cache,
        timeout: Duration::from_secs(10),
        cases: Vec::new(),
        db: Some(db.to_path_buf()),
    }
}

async fn run(req: &QualityRequest) -> quality::QualityReport {
    quality::run(req, CancellationToken::new(), &|_| {}).await.expect("the run completes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_grader_passes_right_answers_and_fails_near_misses_in_the_store() {
    let server = FaultServer::start().await.unwrap();
    server_with_answers(&server);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quality.db");

    let right = run(&request(&server, "right", &db, false)).await;
    let wrong = run(&request(&server, "wrong", &db, false)).await;
    let store = Store::open(&db).unwrap();

    let stored_right = store.quality_verdicts(right.summary.run_id).unwrap();
    assert_eq!(stored_right.len(), answers().len(), "one verdict per case");
    for v in &stored_right {
        assert!(v.pass, "right answer to `{}` failed: {}", v.case_id, v.detail_json);
    }
    let stored_wrong = store.quality_verdicts(wrong.summary.run_id).unwrap();
    assert_eq!(stored_wrong.len(), answers().len(), "a failed request does not stop the run");
    for (case, _, _, _, why) in answers() {
        let v = stored_wrong.iter().find(|v| v.case_id == case).unwrap();
        assert!(!v.pass, "near miss of `{case}` passed: {}", v.detail_json);
        assert!(
            v.detail_json.contains(why),
            "`{case}` failed for another reason than `{why}`: {}",
            v.detail_json
        );
    }
    assert_eq!(
        stored_wrong.iter().find(|v| v.case_id == "g-label").unwrap().predicted_label,
        None,
        "a label in another case is no label for a strict router"
    );

    // Every raw answer is stored, linked to the run and its candidate; the judge's too.
    let answers_right = store.quality_answers(right.summary.run_id).unwrap();
    assert_eq!(answers_right.iter().filter(|a| a.role == AnswerRole::Judge).count(), 1);
    assert!(answers_right.iter().all(|a| a.raw_response.is_some() && !a.from_cache));
    assert_eq!(store.run(right.summary.run_id).unwrap().candidate.as_deref(), Some("fault-right"));
    assert!(
        store.run(wrong.summary.run_id).unwrap().settings_json.contains("fault-judge"),
        "the judge is recorded"
    );

    // Re-grading from the database alone gives the same verdicts.
    for id in [right.summary.run_id, wrong.summary.run_id] {
        let r = quality::regrade(Some(&db), id).unwrap();
        assert_eq!(r.samples, answers().len());
        assert!(r.differences.is_empty(), "run {id} re-graded differently: {:?}", r.differences);
    }

    // The request cache: the same requests again are answered from the store, not the server.
    let before = server.arrivals().len();
    let cached = run(&request(&server, "right", &db, true)).await;
    assert_eq!(server.arrivals().len(), before, "no request reached the server");
    assert_eq!(cached.summary.pass_rate.passes, right.summary.pass_rate.passes);
    assert!(store.quality_answers(cached.summary.run_id).unwrap().iter().all(|a| a.from_cache));

    // Latency figures never read quality answers: these runs have no latency samples.
    assert!(store.samples(right.summary.run_id).unwrap().is_empty());

    // The comparison and its charts.
    let c = quality::compare(Some(&db), &[right.summary.run_id, wrong.summary.run_id]).unwrap();
    assert_eq!(c.runs[0].summary.pass_rate.rate, 1.0);
    assert_eq!(c.runs[1].summary.pass_rate.rate, 0.0);
    let charts = dir.path().join("charts");
    let files = quality::write_charts(&c, &[], &charts).unwrap();
    let svg = std::fs::read_to_string(charts.join("pass-rate.svg")).unwrap();
    assert!(files.len() == 1 && svg.contains("fault-right") && svg.contains("fault-wrong"));
}

/// A classification run of the candidate `classifier` (the id of the hybrid example's
/// classifier component) replaces the file's error rates in the simulation, and the output
/// names the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classification_run_feeds_the_simulated_router() {
    let server = FaultServer::start().await.unwrap();
    // Two sensitive texts labelled lower (confidential → internal, special → personal), one
    // public text labelled higher, one off-label answer on the top class.
    for (key, label) in [
        ("Text A", "confidential"),
        ("Text B", "internal"),
        ("Text C", "internal"),
        ("Text D", "personal"),
        ("Text E", "personal"),
        ("Text F", "Restricted"),
    ] {
        server.add_canned("classifier", key, text(label));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quality.db");
    let req = QualityRequest {
        suite: concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quality/classifier.yaml").to_owned(),
        model: ModelChoice {
            endpoint: server.url(),
            api: Api::Openai,
            model: "canned;set=classifier".to_owned(),
            candidate: Some("classifier".to_owned()),
            api_key_env: None,
            api_key_name: None,
        },
        judge: None,
        samples: 1,
        use_cache: false,
        timeout: Duration::from_secs(10),
        cases: Vec::new(),
        db: Some(db.clone()),
    };
    let report = run(&req).await;
    let router = report.summary.router_rates.expect("a classification run has router rates");
    assert_eq!(router.false_negative_rate, 2.0 / 5.0, "2 of the 5 classes above public went lower");
    assert_eq!(
        router.false_positive_rate,
        1.0 / 5.0,
        "1 of the 5 classes below restricted went higher"
    );

    let options = triplane_api::simulation::Options::default();
    let (sim, measured, _latency) =
        triplane_api::simulation::simulate_with_store("example:hybrid", &options, &db).unwrap();
    let measured = measured.expect("the classifier is a measured candidate");
    assert_eq!(measured.measured.run_id, report.summary.run_id, "the output names the run");
    assert_eq!(measured.component, "classifier");
    let sim_router = sim.router.expect("the hybrid example routes");
    assert_eq!(sim_router.false_negative_rate, 0.4, "the simulation used the measured rate");

    let file_only = triplane_api::simulation::simulate("example:hybrid", &options).unwrap();
    let file_router = file_only.router.unwrap();
    assert_eq!(file_router.false_negative_rate, measured.file_false_negative_rate);
    let lower = |r: &triplane_sim::report::RouterReport| -> u64 {
        r.classes.iter().map(|c| c.to_less_sensitive).sum()
    };
    assert!(
        lower(&sim_router) > lower(&file_router),
        "a 40 % miss rate sends more requests the wrong way than the file's {}",
        file_router.false_negative_rate
    );

    // Per data class, over the deployment's ranks: confidential and special were always
    // labelled lower, restricted (the top class) never, public always higher.
    let class = |id: &str| {
        measured.measured.per_class_router.iter().find(|c| c.label == id).cloned().unwrap()
    };
    assert_eq!(class("confidential").false_negative_rate, 1.0);
    assert_eq!(class("special").false_negative_rate, 1.0);
    assert_eq!(class("personal").false_negative_rate, 0.0);
    assert_eq!(class("restricted").false_positive_rate, 0.0, "no label is above the top class");
    assert_eq!(class("public").false_positive_rate, 1.0);
    let misses = |r: &triplane_sim::report::RouterReport, id: &str| {
        r.classes.iter().find(|c| c.class == id).cloned().unwrap()
    };
    // Special is the most sensitive class in the hybrid workload, so it decides every request
    // that carries it, and the classifier always labelled it lower: all of those go lower,
    // where one average rate (40 %) would send some of them and keep the rest.
    let special = misses(&sim_router, "special");
    assert!(special.requests > 0, "the hybrid workload carries special data");
    assert_eq!(special.to_less_sensitive, special.requests, "a 100 % class rate misses all");
    // Personal was always labelled right: only requests that also carry special (which decides
    // them) go lower.
    let personal = misses(&sim_router, "personal");
    assert!(
        0 < personal.to_less_sensitive && personal.to_less_sensitive < personal.requests,
        "personal alone is never missed: {personal:?}"
    );
    assert!(misses(&file_router, "special").to_less_sensitive < special.requests);

    // A store without a classification run of that candidate leaves the file's figures.
    let empty = dir.path().join("empty.db");
    let (_, none, _) =
        triplane_api::simulation::simulate_with_store("example:hybrid", &options, &empty).unwrap();
    assert!(none.is_none());
}
