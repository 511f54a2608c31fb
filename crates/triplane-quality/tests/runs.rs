//! Runs refused before any request: a judged case without a judge, an unknown case id, no
//! samples. Nothing is stored for them.

use tokio_util::sync::CancellationToken;
use triplane_bench::Api;
use triplane_quality::run::{run_suite, KeyNames, QualityError, RunOptions};
use triplane_quality::{suite, Target};
use triplane_store::Store;

const JUDGED: &str = "suite: 1\nid: j\ntitle: J\ntask: answers\nlanguages: [en]\nauthors: [me]\n\
    licence: MIT\nsource: test\ncases:\n  - id: a\n    language: en\n    prompt: hi\n    \
    expect: [{judge: {rubric: says hi}}]\n  - id: b\n    language: en\n    prompt: yo\n    \
    expect: [{contains: [yo]}]\n";

async fn attempt(options: RunOptions) -> (Result<(), QualityError>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("q.db")).unwrap();
    let s = suite::parse(JUDGED, "judged.yaml").unwrap();
    // Port 9 (discard) on loopback: any request sent would fail, and none must be.
    let target = Target::new(Api::Openai, "http://127.0.0.1:9/v1", "m", None, None);
    let cancel = CancellationToken::new();
    let r =
        run_suite(&s, &target, None, &options, KeyNames::default(), &mut store, &cancel, &|_| {})
            .await;
    (r.map(|_| ()), store.list_runs(None).unwrap().len())
}

#[tokio::test]
async fn runs_that_cannot_be_graded_are_refused_before_any_request() {
    let (r, runs) = attempt(RunOptions::default()).await;
    assert!(matches!(r, Err(QualityError::NoJudge { .. })), "{r:?}");
    assert_eq!(runs, 0, "a refused run leaves no row");

    let unknown = RunOptions { cases: vec!["zz".into()], ..RunOptions::default() };
    assert!(matches!(attempt(unknown).await.0, Err(QualityError::UnknownCase { .. })));

    let none = RunOptions { samples: 0, ..RunOptions::default() };
    assert!(matches!(attempt(none).await.0, Err(QualityError::NoSamples)));
}

#[tokio::test]
async fn a_subset_without_judged_cases_needs_no_judge_and_records_failed_requests() {
    let only_b = RunOptions { cases: vec!["b".into()], ..RunOptions::default() };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("q.db")).unwrap();
    let s = suite::parse(JUDGED, "judged.yaml").unwrap();
    let target = Target::new(Api::Openai, "http://127.0.0.1:9/v1", "m", None, None);
    let cancel = CancellationToken::new();
    let (run_id, verdicts) =
        run_suite(&s, &target, None, &only_b, KeyNames::default(), &mut store, &cancel, &|_| {})
            .await
            .unwrap();
    assert_eq!(verdicts.len(), 1);
    let v = &verdicts[0].2;
    assert!(!v.pass && v.error.is_some(), "a refused connection is a failed, recorded sample");
    let stored = store.quality_answers(run_id).unwrap();
    assert!(stored[0].error.is_some() && stored[0].raw_response.is_none());
}
