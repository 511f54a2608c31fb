//! Graders: pure functions from a case and an answer to a verdict. They never call a model
//! themselves; a judged case receives the judge's answer, already obtained and stored, so
//! re-grading a stored run gives the same verdicts without any network.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::suite::{Case, Check, LabelMatch, Schema, ToolCallSpec};

/// One tool call in an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub name: String,
    /// The arguments as the model wrote them (OpenAI sends a JSON string).
    pub arguments_text: String,
}

/// What a model answered, parsed from the response body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub content: String,
    pub tool_calls: Vec<ToolCall>,
}

/// The judge's answer for a judged case, or why there is none.
pub type JudgeAnswer = Result<Answer, String>;

/// The result of one expectation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub grader: String,
    pub pass: bool,
    pub reason: String,
}

/// The grade of one sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub pass: bool,
    /// Set when the request itself failed (no answer to grade).
    pub error: Option<String>,
    pub checks: Vec<CheckResult>,
    pub expected_label: Option<String>,
    /// The label read from the answer; `None` when it named no label.
    pub predicted_label: Option<String>,
}

/// Grades `answer` (or the request error) against every check of `case`.
pub fn grade(
    case: &Case,
    labels: &[String],
    label_match: LabelMatch,
    answer: Result<&Answer, &str>,
    judge: Option<&JudgeAnswer>,
) -> Verdict {
    let expected_label = case.expected_label().map(str::to_owned);
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            return Verdict {
                pass: false,
                error: Some(e.to_owned()),
                checks: Vec::new(),
                expected_label,
                predicted_label: None,
            }
        }
    };

    let mut predicted_label = None;
    let mut checks = Vec::with_capacity(case.checks.len());
    for check in &case.checks {
        let (pass, reason) = match check {
            Check::Label(want) => {
                let got = read_label(&answer.content, labels, label_match);
                let r = match &got {
                    Some(l) if l == want => (true, format!("labelled `{l}`")),
                    Some(l) => (false, format!("labelled `{l}`, expected `{want}`")),
                    None => {
                        (false, format!("`{}` is not one of the labels", short(&answer.content)))
                    }
                };
                predicted_label = got;
                r
            }
            Check::Judge(_) => judge_result(judge),
            other => grade_check(other, answer),
        };
        checks.push(CheckResult { grader: check.grader().to_owned(), pass, reason });
    }
    Verdict {
        pass: checks.iter().all(|c| c.pass),
        error: None,
        checks,
        expected_label,
        predicted_label,
    }
}

fn short(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(60).collect::<String>())
    } else {
        t.to_owned()
    }
}

fn grade_check(check: &Check, a: &Answer) -> (bool, String) {
    let text = a.content.trim();
    let needs_text = !matches!(check, Check::ToolCall { .. } | Check::NoToolCall);
    if needs_text && text.is_empty() {
        return (false, "empty answer".to_owned());
    }
    match check {
        Check::Exact(want) => (
            text == want,
            if text == want { "exact match".into() } else { format!("`{}` differs", short(text)) },
        ),
        Check::Contains(all) => {
            let lower = text.to_lowercase();
            let missing: Vec<&str> = all
                .iter()
                .filter(|s| !lower.contains(&s.to_lowercase()))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                (true, "every expected string is present".into())
            } else {
                (false, format!("missing {}", quote_list(&missing)))
            }
        }
        Check::Absent(none) => {
            let lower = text.to_lowercase();
            let found: Vec<&str> = none
                .iter()
                .filter(|s| lower.contains(&s.to_lowercase()))
                .map(String::as_str)
                .collect();
            if found.is_empty() {
                (true, "no forbidden string".into())
            } else {
                (false, format!("contains {}", quote_list(&found)))
            }
        }
        Check::Regex(re) => {
            if re.is_match(text) {
                (true, format!("matches `{re}`"))
            } else {
                (false, format!("does not match `{re}`"))
            }
        }
        Check::JsonSchema(schema) => grade_json(text, schema),
        Check::NoToolCall => match a.tool_calls.first() {
            None => (true, "no tool call".into()),
            Some(c) => (false, format!("called `{}` where no call is right", c.name)),
        },
        Check::ToolCall { spec, patterns, schema } => grade_tool_call(a, spec, patterns, schema),
        Check::Number(n) => match first_number(text) {
            Some(x) if (x - n.value).abs() <= n.tolerance => {
                (true, format!("{x} is within {} of {}", n.tolerance, n.value))
            }
            Some(x) => (false, format!("{x} is not within {} of {}", n.tolerance, n.value)),
            None => (false, "no number in the answer".into()),
        },
        Check::Label(_) | Check::Judge(_) => unreachable!("graded by `grade`"),
    }
}

fn quote_list(items: &[&str]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// The answer's JSON: the whole text, or the inside of one fenced code block, since models
/// commonly fence JSON. Parsing is strict: a trailing comma is not JSON.
fn answer_json(text: &str) -> Result<Value, String> {
    let body = text
        .strip_prefix("```json")
        .or_else(|| text.strip_prefix("```"))
        .and_then(|rest| rest.trim_end().strip_suffix("```"))
        .unwrap_or(text);
    serde_json::from_str(body.trim()).map_err(|e| format!("not JSON: {e}"))
}

fn grade_json(text: &str, schema: &Schema) -> (bool, String) {
    let value = match answer_json(text) {
        Ok(v) => v,
        Err(e) => return (false, e),
    };
    let first = schema
        .validator
        .iter_errors(&value)
        .next()
        .map(|e| format!("invalid at `{}`: {e}", e.instance_path()));
    match first {
        None => (true, "valid against the schema".into()),
        Some(e) => (false, e),
    }
}

fn grade_tool_call(
    a: &Answer,
    spec: &ToolCallSpec,
    patterns: &std::collections::BTreeMap<String, regex::Regex>,
    schema: &Schema,
) -> (bool, String) {
    let call = match a.tool_calls.as_slice() {
        [] => return (false, format!("no tool call; expected `{}`", spec.name)),
        [one] => one,
        many => {
            return (
                false,
                format!("{} tool calls; expected one call of `{}`", many.len(), spec.name),
            )
        }
    };
    if call.name != spec.name {
        return (false, format!("called `{}`, expected `{}`", call.name, spec.name));
    }
    let args: Value = match serde_json::from_str(call.arguments_text.trim()) {
        Ok(Value::Object(m)) => Value::Object(m),
        Ok(_) => return (false, "the arguments are not a JSON object".into()),
        Err(e) => return (false, format!("the arguments are not JSON: {e}")),
    };
    let broken =
        schema.validator.iter_errors(&args).next().map(|e| {
            format!("the arguments break the tool's schema at `{}`: {e}", e.instance_path())
        });
    if let Some(e) = broken {
        return (false, e);
    }
    let obj = args.as_object().expect("checked to be an object above");
    for (name, m) in &spec.arguments {
        let Some(v) = obj.get(name) else {
            return (false, format!("argument `{name}` is missing"));
        };
        if let Some(want) = &m.equals {
            if !json_equal(v, want) {
                return (false, format!("argument `{name}` is {v}, expected {want}"));
            }
        }
        if let Some(t) = m.ty {
            if !t.admits(v) {
                return (false, format!("argument `{name}` is {v}, not of type {t:?}"));
            }
        }
        if !m.one_of.is_empty() && !m.one_of.iter().any(|o| json_equal(v, o)) {
            return (false, format!("argument `{name}` is {v}, not one of the allowed values"));
        }
        if let Some(re) = patterns.get(name) {
            if !v.as_str().is_some_and(|s| re.is_match(s)) {
                return (false, format!("argument `{name}` is {v}, which does not match `{re}`"));
            }
        }
    }
    if !spec.allow_extra_arguments {
        if let Some(extra) = obj.keys().find(|k| !spec.arguments.contains_key(*k)) {
            return (false, format!("unexpected argument `{extra}`"));
        }
    }
    (true, format!("called `{}` with the expected arguments", spec.name))
}

/// JSON equality where `5` and `5.0` are the same number: models are not consistent about
/// integer formatting and the tools at the other end are not either.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The first number written in `text`; a decimal comma counts (French writes `3,5`).
pub fn first_number(text: &str) -> Option<f64> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"-?\d+(?:[.,]\d+)?").expect("a valid pattern"));
    re.find(text).and_then(|m| m.as_str().replace(',', ".").parse().ok())
}

/// The label an answer names, if any.
pub fn read_label(text: &str, labels: &[String], mode: LabelMatch) -> Option<String> {
    let t = text.trim();
    match mode {
        LabelMatch::Strict => labels.iter().find(|l| l.as_str() == t).cloned(),
        LabelMatch::Lenient => {
            let lower = t.to_lowercase();
            let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
            if let Some(l) = labels.iter().find(|l| l.to_lowercase() == bare) {
                return Some(l.clone());
            }
            let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            let named: Vec<&String> =
                labels.iter().filter(|l| words.contains(&l.to_lowercase().as_str())).collect();
            match named.as_slice() {
                [one] => Some((*one).clone()),
                _ => None,
            }
        }
    }
}

/// Reads the judge's verdict: `PASS` or `FAIL` alone on the first non-empty line.
fn judge_result(judge: Option<&JudgeAnswer>) -> (bool, String) {
    let answer = match judge {
        None => return (false, "no judge answered this case".into()),
        Some(Err(e)) => return (false, format!("the judge failed: {e}")),
        Some(Ok(a)) => a,
    };
    let Some(first) = answer.content.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return (false, "the judge gave an empty answer".into());
    };
    let word = first.trim_matches(|c: char| !c.is_alphanumeric()).to_uppercase();
    let why = answer.content.trim().lines().nth(1).unwrap_or("").trim().to_owned();
    match word.as_str() {
        "PASS" => (true, format!("judge: pass {why}").trim_end().to_owned()),
        "FAIL" => (false, format!("judge: fail {why}").trim_end().to_owned()),
        _ => (false, format!("the judge answered off-format: `{}`", short(first))),
    }
}

/// The judge's instructions for one case.
pub fn judge_prompt(case: &Case, rubric: &str, answer: &Answer) -> String {
    format!(
        "You grade an assistant's answer against a rubric.\n\
         Reply with PASS or FAIL alone on the first line, then one sentence saying why.\n\n\
         Question:\n{}\n\nRubric:\n{}\n\nAnswer:\n{}\n",
        case.question(),
        rubric,
        answer.content.trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::parse;

    fn suite(expect: &str, extra: &str) -> crate::suite::Suite {
        let text = format!(
            "suite: 1\nid: t\ntitle: T\ntask: answers\nlanguages: [en]\nauthors: [me]\n\
             licence: Apache-2.0\nsource: test\nlabels: [public, internal]\n{extra}\
             cases:\n  - id: c1\n    language: en\n    prompt: hi\n    expect:\n{expect}"
        );
        parse(&text, "t.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn check(expect: &str, extra: &str, content: &str, calls: &[(&str, &str)]) -> Verdict {
        let s = suite(expect, extra);
        let a = Answer {
            content: content.to_owned(),
            tool_calls: calls
                .iter()
                .map(|(n, a)| ToolCall { name: (*n).to_owned(), arguments_text: (*a).to_owned() })
                .collect(),
        };
        grade(&s.cases[0], &s.labels, s.label_match, Ok(&a), None)
    }

    const TOOL: &str = "tools:\n  - name: get\n    description: d\n    parameters:\n      type: object\n      properties:\n        host: {type: string}\n        limit: {type: integer}\n      required: [host]\n";

    #[test]
    fn each_grader_passes_the_right_answer_and_fails_a_near_miss() {
        type Row<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)], bool);
        let cases: &[Row] = &[
            ("      - exact: Paris\n", "", " Paris\n", &[], true),
            ("      - exact: Paris\n", "", "Paris.", &[], false),
            ("      - contains: [CLOUD Act]\n", "", "the cloud act applies", &[], true),
            ("      - contains: [CLOUD Act, FISA]\n", "", "the cloud act applies", &[], false),
            ("      - absent: [FISA]\n", "", "FISA 702", &[], false),
            ("      - regex: '^\\d{3}$'\n", "", "123", &[], true),
            ("      - regex: '^\\d{3}$'\n", "", "1234", &[], false),
            ("      - json_schema: {type: object, required: [a]}\n", "", "{\"a\": 1}", &[], true),
            ("      - json_schema: {type: object, required: [a]}\n", "", "```json\n{\"a\": 1}\n```", &[], true),
            ("      - json_schema: {type: object, required: [a]}\n", "", "{\"a\": 1,}", &[], false),
            ("      - label: internal\n", "", "internal\n", &[], true),
            ("      - label: internal\n", "", "Internal", &[], false),
            ("      - number: {value: 3.5, tolerance: 0.1}\n", "", "about 3,5 ms", &[], true),
            ("      - number: {value: 3.5, tolerance: 0.1}\n", "", "about 4 ms", &[], false),
            ("      - no_tool_call\n", TOOL, "I cannot", &[], true),
            ("      - no_tool_call\n", TOOL, "", &[("get", "{\"host\":\"a\"}")], false),
            ("      - tool_call: {name: get, arguments: {host: {equals: db1}}}\n", TOOL, "", &[("get", "{\"host\":\"db1\"}")], true),
            ("      - tool_call: {name: get, arguments: {host: {equals: db1}}}\n", TOOL, "", &[("get", "{\"host\":\"db1\",\"limit\":5}")], false),
            ("      - tool_call: {name: get, arguments: {host: {equals: db1}}}\n", TOOL, "", &[("get", "{\"host\":\"db2\"}")], false),
            ("      - tool_call: {name: get, arguments: {host: {one_of: [a, b]}, limit: {type: integer}}}\n", TOOL, "", &[("get", "{\"host\":\"b\",\"limit\":\"5\"}")], false),
            ("      - tool_call: {name: get, arguments: {host: {pattern: '^db'}}}\n", TOOL, "", &[("get", "{\"host\":\"db9\"}")], true),
        ];
        for (i, (expect, extra, content, calls, want)) in cases.iter().enumerate() {
            let v = check(expect, extra, content, calls);
            assert_eq!(v.pass, *want, "case {i} ({expect}) on `{content}` {calls:?}: {v:?}");
        }
    }

    #[test]
    fn an_empty_answer_and_a_failed_request_are_failed_cases() {
        let v = check("      - contains: [x]\n", "", "  ", &[]);
        assert!(!v.pass && v.checks[0].reason == "empty answer", "{v:?}");
        let s = suite("      - contains: [x]\n", "");
        let v = grade(&s.cases[0], &s.labels, s.label_match, Err("HTTP 500"), None);
        assert!(!v.pass && v.error.as_deref() == Some("HTTP 500"));
    }

    #[test]
    fn judge_verdicts_are_read_strictly() {
        let s = suite("      - judge: {rubric: says yes}\n", "");
        let run = |content: &str| {
            let j: JudgeAnswer = Ok(Answer { content: content.into(), tool_calls: vec![] });
            let a = Answer { content: "yes".into(), tool_calls: vec![] };
            grade(&s.cases[0], &s.labels, s.label_match, Ok(&a), Some(&j))
        };
        assert!(run("PASS\nit says yes").pass);
        assert!(!run("FAIL\nno").pass);
        let off = run("The answer seems fine");
        assert!(!off.pass && off.checks[0].reason.contains("off-format"), "{off:?}");
        assert!(!run("").pass, "an empty judge answer fails the case");
    }

    #[test]
    fn lenient_labels_accept_case_and_one_named_label() {
        let labels = vec!["public".to_owned(), "internal".to_owned()];
        assert_eq!(
            read_label("Internal.", &labels, LabelMatch::Lenient).as_deref(),
            Some("internal")
        );
        assert_eq!(
            read_label("Label: public", &labels, LabelMatch::Lenient).as_deref(),
            Some("public")
        );
        assert_eq!(read_label("public or internal", &labels, LabelMatch::Lenient), None);
        assert_eq!(read_label("Internal", &labels, LabelMatch::Strict), None);
    }
}
