//! The built-in suites: they load, meet the sizes the product promises, hold no near-duplicate
//! cases, and the classification labels agree with the independent second labelling.

use std::collections::BTreeMap;

use triplane_quality::stats::{cohen_kappa, jaccard};
use triplane_quality::suite::{self, Check, Language, SuiteError, BUILTIN};

/// Two cases whose prompts share more than this share of their tokens are near-duplicates:
/// one of them measures nothing the other does not.
const NEAR_DUPLICATE: f64 = 0.7;

/// Below 0.6 the labelling guide is too loose for the labels to be a ground truth
/// (0.61–0.80 is "substantial" agreement on the usual Landis and Koch scale).
const MIN_KAPPA: f64 = 0.6;

fn builtin(name: &str) -> suite::Suite {
    suite::resolve(name).unwrap_or_else(|e| panic!("built-in suite `{name}`: {e}"))
}

#[test]
fn every_builtin_suite_loads_and_has_its_promised_size() {
    let min = BTreeMap::from([
        ("classification", 60),
        ("tool-calling", 30),
        ("structured-output", 20),
        ("sovereignty-ops", 30),
    ]);
    for (name, _) in BUILTIN {
        let s = builtin(name);
        assert!(s.cases.len() >= min[name], "`{name}` has {} cases", s.cases.len());
        for lang in [Language::En, Language::Fr] {
            assert!(s.cases.iter().any(|c| c.language == lang), "`{name}` lacks {lang:?} cases");
        }
        assert_eq!(s.licence, "Apache-2.0");
    }
    let so = builtin("structured-output");
    let schemas = so
        .cases
        .iter()
        .flat_map(|c| &c.checks)
        .filter(|c| matches!(c, Check::JsonSchema(_)))
        .count();
    assert!(schemas >= 20, "{schemas} schemas");
    let tc = builtin("tool-calling");
    let no_call =
        tc.cases.iter().filter(|c| c.checks.iter().any(|k| matches!(k, Check::NoToolCall))).count();
    assert!(no_call >= 4, "cases where no call is right: {no_call}");
}

#[test]
fn classification_has_ten_cases_per_class() {
    let s = builtin("classification");
    for label in &s.labels {
        let n = s.cases.iter().filter(|c| c.expected_label() == Some(label)).count();
        assert!(n >= 10, "`{label}` has {n} cases");
    }
}

#[test]
fn no_two_cases_are_near_duplicates() {
    let mut prompts = Vec::new();
    for (name, _) in BUILTIN {
        for c in builtin(name).cases {
            prompts.push((format!("{name}/{}", c.id), c.question().to_owned()));
        }
    }
    let mut worst = (0.0, String::new());
    for (i, (a, pa)) in prompts.iter().enumerate() {
        for (b, pb) in &prompts[i + 1..] {
            let j = jaccard(pa, pb);
            assert!(j <= NEAR_DUPLICATE, "`{a}` and `{b}` are near-duplicates (Jaccard {j:.2})");
            if j > worst.0 {
                worst = (j, format!("{a} ~ {b}"));
            }
        }
    }
    eprintln!("most similar pair: {} (Jaccard {:.2})", worst.1, worst.0);
}

#[test]
fn the_near_duplicate_check_catches_a_reworded_copy() {
    let a = "Show me the current problems on host web-07.";
    let b = "Show me the current problems on the host web-07!";
    assert!(jaccard(a, b) > NEAR_DUPLICATE, "a copy with one word added must be caught");
}

#[test]
fn second_labelling_agrees_with_the_suite() {
    assert_labelling_agrees("classification.labels-b.yaml");
}

#[test]
fn third_independent_labelling_agrees_with_the_suite() {
    assert_labelling_agrees("classification.labels-c.yaml");
}

/// Cohen's kappa between the suite's labels and the labelling in `assets/suites/NAME`, which
/// must label exactly the suite's cases with the suite's labels.
fn assert_labelling_agrees(name: &str) {
    let s = builtin("classification");
    let path = format!("{}/../../assets/suites/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let node = triplane_model::yaml::parse(&text).unwrap();
    let (file, _): (serde_json::Value, _) = triplane_model::yaml::from_node(&node).unwrap();
    let b = file["labels"].as_object().expect("a `labels` mapping");
    let mut la = Vec::new();
    let mut lb = Vec::new();
    for c in &s.cases {
        let other = b
            .get(&c.id)
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("`{}` has no second label", c.id));
        assert!(s.labels.iter().any(|l| l == other), "`{}`: `{other}` is not a label", c.id);
        la.push(c.expected_label().unwrap());
        lb.push(other);
    }
    assert_eq!(b.len(), s.cases.len(), "the second labelling covers exactly the suite's cases");
    let kappa = cohen_kappa(&la, &lb);
    let disagreements: Vec<String> = s
        .cases
        .iter()
        .zip(la.iter().zip(&lb))
        .filter(|(_, (x, y))| x != y)
        .map(|(c, (x, y))| format!("{}: {x} / {y}", c.id))
        .collect();
    eprintln!(
        "Cohen's kappa between the suite and {name}: {kappa:.3}; disagreements: {disagreements:?}"
    );
    assert!(kappa >= MIN_KAPPA, "kappa {kappa:.3} below {MIN_KAPPA}");
}

fn load_err(text: &str) -> String {
    match suite::parse(text, "bad.yaml") {
        Err(e @ SuiteError::Invalid { .. }) => e.to_string(),
        other => panic!("expected a positioned error, got {other:?}"),
    }
}

const HEAD: &str = "suite: 1\nid: t\ntitle: T\ntask: answers\nlanguages: [en]\nauthors: [me]\nlicence: MIT\nsource: test\n";

#[test]
fn bad_suites_fail_at_load_with_a_position() {
    let bad_regex = format!("{HEAD}cases:\n  - id: a\n    language: en\n    prompt: hi\n    expect:\n      - regex: '(unclosed'\n");
    let e = load_err(&bad_regex);
    assert!(
        e.starts_with("bad.yaml:14:")
            && e.contains("cases[0].expect[0].regex")
            && e.contains("does not compile"),
        "{e}"
    );

    let bad_schema = format!("{HEAD}cases:\n  - id: a\n    language: en\n    prompt: hi\n    expect:\n      - json_schema: {{type: strin}}\n");
    let e = load_err(&bad_schema);
    assert!(e.contains("bad.yaml:14:") && e.contains("not a valid JSON Schema"), "{e}");

    let typo = format!("{HEAD}cases:\n  - id: a\n    language: en\n    promt: hi\n    expect: [{{contains: [x]}}]\n");
    let e = load_err(&typo);
    assert!(e.contains("unknown field `promt`") && e.contains("did you mean `prompt`"), "{e}");

    let version = HEAD.replace("suite: 1", "suite: 2") + "cases: []\n";
    assert!(load_err(&version).contains("unsupported suite format version `2`"));

    let french = format!("{HEAD}cases:\n  - id: a\n    language: fr\n    prompt: hi\n    expect: [{{contains: [x]}}]\n");
    assert!(load_err(&french).contains("not among the suite's `languages`"));
}

#[test]
fn unknown_suite_names_get_a_hint() {
    let e = suite::resolve("clasification").unwrap_err().to_string();
    assert!(e.contains("did you mean `classification`"), "{e}");
}

/// Every case can be passed: its reference answer (the label itself for classification)
/// passes its own expectations. A mistyped pattern or schema fails here instead of failing
/// every model.
#[test]
fn every_builtin_case_passes_with_its_reference_answer() {
    use triplane_quality::grade::{grade, Answer, ToolCall};
    for (name, _) in BUILTIN {
        let s = builtin(name);
        for c in &s.cases {
            let answer = match (&c.reference, c.expected_label()) {
                (Some(r), _) => Answer {
                    content: r.content.clone().unwrap_or_default(),
                    tool_calls: r
                        .call
                        .iter()
                        .map(|k| ToolCall {
                            name: k.name.clone(),
                            arguments_text: k.arguments.to_string(),
                        })
                        .collect(),
                },
                (None, Some(label)) => Answer { content: label.to_owned(), tool_calls: vec![] },
                (None, None) => panic!("`{name}/{}` has no reference answer", c.id),
            };
            let v = grade(c, &s.labels, s.label_match, Ok(&answer), None);
            assert!(v.pass, "`{name}/{}`: its reference fails: {:?}", c.id, v.checks);
        }
    }
}
