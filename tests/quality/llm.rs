//! Quality runs against a real model: subsets of the classification and tool-calling suites
//! sent to SmolLM2-135M-Instruct served by llama-cpp-python with its `chatml-function-calling`
//! chat format (`scripts/start-llm.sh` with `TRIPLANE_LLM_CHAT_FORMAT`), through the
//! `triplane` CLI into a fresh store. The model scores low; what is checked is that every
//! answer and verdict is stored, and that the stored verdicts agree with an independent
//! re-grade written here from the raw responses.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use triplane_store::{AnswerRole, RunKind, RunStatus, Store};
use triplane_systests::{start_llm, triplane_bin, Llm};

fn run_cli(llm: &Llm, db: &Path, suite: &str, cases: &[&str]) -> serde_json::Value {
    let mut cmd = Command::new(triplane_bin());
    cmd.args(["bench", "quality", "--suite", suite, "--endpoint", &llm.url, "--api", "openai"])
        .args(["--model", "smollm2", "--candidate", "smollm2-local", "--json", "--timeout", "300"])
        .arg("--db")
        .arg(db);
    for c in cases {
        cmd.args(["--case", c]);
    }
    let started = Instant::now();
    let out = cmd.output().expect("the triplane binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}; stderr:\n{stderr}", out.status.code());
    eprintln!("{suite}: {} cases in {:.1} s", cases.len(), started.elapsed().as_secs_f64());
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// The assistant message of a stored OpenAI response.
fn message(raw: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(raw).expect("a stored response is JSON");
    v["choices"][0]["message"].clone()
}

#[test]
fn smollm2_classification_and_tool_calls_are_stored_and_regrade_the_same() {
    let llm = start_llm(Some("chatml-function-calling"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quality.db");

    // Two cases per class, one French and one English where the suite allows.
    let cls_cases = [
        "cls-001", "cls-002", "cls-011", "cls-012", "cls-021", "cls-022", "cls-031", "cls-032",
        "cls-041", "cls-042", "cls-051", "cls-052",
    ];
    // A call with arguments, a call in French, a destructive request (no call is right).
    let tool_cases = ["tc-001", "tc-011", "tc-015"];

    let cls = run_cli(&llm, &db, "classification", &cls_cases);
    let tools = run_cli(&llm, &db, "tool-calling", &tool_cases);
    let store = Store::open(&db).unwrap();
    let suite = triplane_quality::resolve("classification").unwrap();

    // Classification: the stored verdict passes exactly when the raw answer, trimmed, is the
    // expected label (the strict rule of the labelling guide), re-derived here by hand.
    let cls_id = cls["summary"]["run_id"].as_i64().unwrap();
    let run = store.run(cls_id).unwrap();
    assert_eq!((run.kind, run.status), (RunKind::Classification, RunStatus::Completed));
    assert_eq!(run.candidate.as_deref(), Some("smollm2-local"));
    let answers = store.quality_answers(cls_id).unwrap();
    let verdicts = store.quality_verdicts(cls_id).unwrap();
    assert_eq!((answers.len(), verdicts.len()), (cls_cases.len(), cls_cases.len()));
    for (a, v) in answers.iter().zip(&verdicts) {
        assert_eq!((a.case_id.as_str(), a.role), (v.case_id.as_str(), AnswerRole::Candidate));
        let expected = suite.cases.iter().find(|c| c.id == a.case_id).unwrap().expected_label();
        assert_eq!(v.expected_label.as_deref(), expected);
        let content = a
            .raw_response
            .as_deref()
            .map(|raw| message(raw)["content"].as_str().unwrap_or("").trim().to_owned());
        let independent = content.as_deref() == expected && a.error.is_none();
        assert_eq!(
            v.pass, independent,
            "`{}` answered {content:?}: stored {}",
            a.case_id, v.detail_json
        );
        let named = content.filter(|c| suite.labels.contains(c));
        assert_eq!(
            v.predicted_label, named,
            "`{}`: the confusion matrix reads the same label",
            a.case_id
        );
    }

    // Tool calls: a stored pass needs the expected function in the raw response; a case where
    // no call is right passes exactly when the raw response holds no call.
    let tools_id = tools["summary"]["run_id"].as_i64().unwrap();
    let tool_suite = triplane_quality::resolve("tool-calling").unwrap();
    let verdicts = store.quality_verdicts(tools_id).unwrap();
    assert_eq!(verdicts.len(), tool_cases.len());
    for (a, v) in store.quality_answers(tools_id).unwrap().iter().zip(&verdicts) {
        let calls = a
            .raw_response
            .as_deref()
            .map(|raw| message(raw)["tool_calls"].as_array().cloned().unwrap_or_default())
            .unwrap_or_default();
        let case = tool_suite.cases.iter().find(|c| c.id == a.case_id).unwrap();
        let wants_none = case.checks.iter().any(|c| c.grader() == "no_tool_call");
        if wants_none {
            assert_eq!(v.pass, calls.is_empty(), "`{}`: {}", a.case_id, v.detail_json);
        } else if v.pass {
            let wanted = match &case.checks[0] {
                triplane_quality::suite::Check::ToolCall { spec, .. } => spec.name.clone(),
                other => panic!("unexpected check {other:?}"),
            };
            assert!(
                calls.len() == 1 && calls[0]["function"]["name"] == wanted.as_str(),
                "`{}`",
                a.case_id
            );
        }
    }

    // And the project's own re-grade, from the database alone, agrees with what was stored.
    for id in [cls_id, tools_id] {
        let out = Command::new(triplane_bin())
            .args(["bench", "regrade", &id.to_string(), "--json", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "regrade of run {id}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    eprintln!(
        "SmolLM2 classification pass rate {} ({} of {}), tool calling {} ({} of {}); confusion {}",
        cls["summary"]["pass_rate"]["rate"],
        cls["summary"]["pass_rate"]["passes"],
        cls["summary"]["pass_rate"]["n"],
        tools["summary"]["pass_rate"]["rate"],
        tools["summary"]["pass_rate"]["passes"],
        tools["summary"]["pass_rate"]["n"],
        cls["summary"]["confusion"]["counts"],
    );
}
