//! The suite file format (`suite: 1`, documented in `docs/suites.md`) and its loading.
//!
//! A suite is read with the project's positioned YAML reader, so every error names the file,
//! line, column and field path, with a "did you mean" for unknown keys. Everything a run
//! could trip on later is checked here instead: regular expressions and JSON Schemas are
//! compiled, tool and label references resolved, argument names checked against the tool's
//! schema. A suite that loads can be run to the end.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use triplane_model::yaml::{self, Positions, YamlError};

/// The only version of the format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// What a suite measures; it decides how a run is stored and summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskKind {
    /// One label per case; runs get a confusion matrix.
    Classification,
    ToolCalling,
    StructuredOutput,
    /// Free-text answers checked by content, patterns, numbers or a judge.
    Answers,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Classification => "classification",
            TaskKind::ToolCalling => "tool-calling",
            TaskKind::StructuredOutput => "structured-output",
            TaskKind::Answers => "answers",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Fr,
    En,
}

/// How a `label` expectation reads an answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelMatch {
    /// The trimmed answer must be one of the labels exactly, as a router parsing the label
    /// would need: `Confidential` is not `confidential`.
    #[default]
    Strict,
    /// Case and surrounding punctuation are ignored, and an answer naming exactly one label
    /// among other words counts as that label.
    Lenient,
}

/// Sampling settings; a case's settings override the suite's field by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Sampling {
    fn over(&self, base: &Sampling) -> Sampling {
        Sampling {
            temperature: self.temperature.or(base.temperature),
            max_tokens: self.max_tokens.or(base.max_tokens),
            seed: self.seed.or(base.seed),
        }
    }
}

/// A tool offered to the model: a name, a description and a JSON Schema for its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

/// JSON types an argument may be required to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl JsonType {
    pub fn admits(self, v: &Value) -> bool {
        match self {
            JsonType::String => v.is_string(),
            JsonType::Integer => v.is_i64() || v.is_u64(),
            JsonType::Number => v.is_number(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::Array => v.is_array(),
            JsonType::Object => v.is_object(),
        }
    }
}

/// What one argument of an expected tool call must be. All given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgMatch {
    /// The exact JSON value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<JsonType>,
    /// The allowed values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<Value>,
    /// A regular expression a string value must match (searched, not anchored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolCallSpec {
    pub name: String,
    /// The arguments the call must carry, each with its conditions.
    #[serde(default)]
    pub arguments: BTreeMap<String, ArgMatch>,
    /// Whether arguments not listed are tolerated (default: no; an invented argument is a
    /// wrong call, since a strict tool server rejects it).
    #[serde(default)]
    pub allow_extra_arguments: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberSpec {
    pub value: f64,
    #[serde(default)]
    pub tolerance: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeSpec {
    /// What a right answer contains or does, in the judge's words.
    pub rubric: String,
}

/// One expectation as written; all expectations of a case must hold for it to pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectSpec {
    /// The trimmed answer equals this text.
    Exact(String),
    /// Each string appears in the answer, ignoring case.
    Contains(Vec<String>),
    /// None of the strings appears in the answer, ignoring case.
    Absent(Vec<String>),
    /// The pattern matches somewhere in the answer.
    Regex(String),
    /// The answer is JSON (optionally inside one fenced block) valid against this schema.
    JsonSchema(Value),
    ToolCall(ToolCallSpec),
    /// The right answer makes no tool call.
    NoToolCall,
    Label(String),
    /// The first number in the answer is within `tolerance` of `value`.
    Number(NumberSpec),
    Judge(JudgeSpec),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseSpec {
    id: String,
    language: Language,
    /// Shorthand for one user message.
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    messages: Vec<Message>,
    /// Names of suite tools offered; all of the suite's tools when absent.
    #[serde(default)]
    tools: Option<Vec<String>>,
    #[serde(default)]
    sampling: Option<Sampling>,
    expect: Vec<ExpectSpec>,
    /// For authors: why the expectation is what it is.
    #[serde(default)]
    note: Option<String>,
    /// An answer known to be right; the suite's tests check that it passes, which proves
    /// the case can be passed (a mistyped pattern or schema would fail every model).
    #[serde(default)]
    reference: Option<Reference>,
}

/// A right answer written with the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub call: Option<ReferenceCall>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceCall {
    pub name: String,
    pub arguments: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuiteSpec {
    suite: u32,
    id: String,
    title: String,
    task: TaskKind,
    languages: Vec<Language>,
    authors: Vec<String>,
    /// SPDX identifier of the cases' licence.
    licence: String,
    /// Where the cases come from.
    source: String,
    #[serde(default)]
    description: Option<String>,
    /// A system message put before every case's messages.
    #[serde(default)]
    system: Option<String>,
    #[serde(default)]
    sampling: Sampling,
    /// The label set of a classification suite, least sensitive first.
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    label_match: LabelMatch,
    #[serde(default)]
    tools: Vec<Tool>,
    cases: Vec<CaseSpec>,
}

/// A compiled JSON Schema with the text it came from.
#[derive(Clone)]
pub struct Schema {
    pub source: Value,
    pub validator: Arc<jsonschema::Validator>,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schema({})", self.source)
    }
}

/// An expectation ready to grade with: patterns and schemas compiled.
#[derive(Debug, Clone)]
pub enum Check {
    Exact(String),
    Contains(Vec<String>),
    Absent(Vec<String>),
    Regex(Regex),
    JsonSchema(Schema),
    ToolCall { spec: ToolCallSpec, patterns: BTreeMap<String, Regex>, schema: Schema },
    NoToolCall,
    Label(String),
    Number(NumberSpec),
    Judge(JudgeSpec),
}

impl Check {
    /// The grader's name, as stored in verdict details and shown in reports.
    pub fn grader(&self) -> &'static str {
        match self {
            Check::Exact(_) => "exact",
            Check::Contains(_) => "contains",
            Check::Absent(_) => "absent",
            Check::Regex(_) => "regex",
            Check::JsonSchema(_) => "json_schema",
            Check::ToolCall { .. } => "tool_call",
            Check::NoToolCall => "no_tool_call",
            Check::Label(_) => "label",
            Check::Number(_) => "number",
            Check::Judge(_) => "judge",
        }
    }
}

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub language: Language,
    /// Every message sent, the suite's system message first when there is one.
    pub messages: Vec<Message>,
    pub tools: Vec<Tool>,
    pub sampling: Sampling,
    pub checks: Vec<Check>,
    pub note: Option<String>,
    pub reference: Option<Reference>,
}

impl Case {
    /// The text of the last user message: what a judge is told the question was.
    pub fn question(&self) -> &str {
        self.messages.iter().rev().find(|m| m.role == Role::User).map_or("", |m| &m.content)
    }

    pub fn expected_label(&self) -> Option<&str> {
        self.checks.iter().find_map(|c| match c {
            Check::Label(l) => Some(l.as_str()),
            _ => None,
        })
    }

    pub fn needs_judge(&self) -> bool {
        self.checks.iter().any(|c| matches!(c, Check::Judge(_)))
    }
}

/// A loaded suite.
#[derive(Debug, Clone)]
pub struct Suite {
    pub id: String,
    pub title: String,
    pub task: TaskKind,
    pub languages: Vec<Language>,
    pub authors: Vec<String>,
    pub licence: String,
    pub source: String,
    pub description: Option<String>,
    pub labels: Vec<String>,
    pub label_match: LabelMatch,
    pub cases: Vec<Case>,
    /// The file's text, stored with each run so it can be re-graded without the file.
    pub text: String,
    pub sha256: String,
    /// Where it was read from: a path, or `builtin:NAME`.
    pub origin: String,
}

impl Suite {
    pub fn needs_judge(&self) -> bool {
        self.cases.iter().any(Case::needs_judge)
    }
}

/// A suite that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    #[error("cannot read the suite `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", located(origin, *line, *column, field.as_deref(), message, hint.as_deref()))]
    Invalid {
        origin: String,
        line: u32,
        column: u32,
        field: Option<String>,
        message: String,
        hint: Option<String>,
    },
    #[error("no suite file or built-in suite named `{name}`; hint: {hint}")]
    Unknown { name: String, hint: String },
}

fn located(
    origin: &str,
    line: u32,
    column: u32,
    field: Option<&str>,
    message: &str,
    hint: Option<&str>,
) -> String {
    let mut s = format!("{origin}:{line}:{column}: ");
    if let Some(f) = field {
        s.push_str(&format!("`{f}`: "));
    }
    s.push_str(message);
    if let Some(h) = hint {
        s.push_str(&format!("; hint: {h}"));
    }
    s
}

/// The suites shipped in `assets/suites/`, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("classification", include_str!("../../../assets/suites/classification.yaml")),
    ("tool-calling", include_str!("../../../assets/suites/tool-calling.yaml")),
    ("structured-output", include_str!("../../../assets/suites/structured-output.yaml")),
    ("sovereignty-ops", include_str!("../../../assets/suites/sovereignty-ops.yaml")),
];

/// Loads `name_or_path`: a file when one exists there, else a built-in suite by name.
pub fn resolve(name_or_path: &str) -> Result<Suite, SuiteError> {
    let path = Path::new(name_or_path);
    if path.is_file() {
        return load_file(path);
    }
    if let Some((name, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        return parse(text, &format!("builtin:{name}"));
    }
    let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
    let hint = match yaml::did_you_mean(name_or_path, &names) {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("built-in suites are {}", names.join(", ")),
    };
    Err(SuiteError::Unknown { name: name_or_path.to_owned(), hint })
}

pub fn load_file(path: &Path) -> Result<Suite, SuiteError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| SuiteError::Read { path: path.to_path_buf(), source })?;
    parse(&text, &path.display().to_string())
}

/// Parses and checks a suite; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Suite, SuiteError> {
    let from_yaml = |e: YamlError| {
        let pos = e.pos.unwrap_or_default();
        SuiteError::Invalid {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            field: e.path.clone(),
            message: e.message.clone(),
            hint: e.hint.clone(),
        }
    };
    let node = yaml::parse(text).map_err(from_yaml)?;
    let (spec, positions): (SuiteSpec, Positions) = yaml::from_node(&node).map_err(from_yaml)?;
    let at = Locator { origin, positions: &positions };
    compile(spec, text, origin, &at)
}

struct Locator<'a> {
    origin: &'a str,
    positions: &'a Positions,
}

impl Locator<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> SuiteError {
        let pos = self.positions.get(field);
        SuiteError::Invalid {
            origin: self.origin.to_owned(),
            line: pos.line,
            column: pos.column,
            field: Some(field.to_owned()),
            message: message.into(),
            hint: None,
        }
    }

    fn hint(&self, field: &str, message: impl Into<String>, hint: impl Into<String>) -> SuiteError {
        match self.err(field, message) {
            SuiteError::Invalid { origin, line, column, field, message, .. } => {
                SuiteError::Invalid {
                    origin,
                    line,
                    column,
                    field,
                    message,
                    hint: Some(hint.into()),
                }
            }
            other => other,
        }
    }
}

fn compile(spec: SuiteSpec, text: &str, origin: &str, at: &Locator) -> Result<Suite, SuiteError> {
    if spec.suite != FORMAT_VERSION {
        return Err(at.hint(
            "suite",
            format!("unsupported suite format version `{}`", spec.suite),
            format!("this build reads `suite: {FORMAT_VERSION}`"),
        ));
    }
    if spec.languages.is_empty() {
        return Err(at.err("languages", "a suite names at least one language"));
    }
    if spec.authors.is_empty() {
        return Err(at.err("authors", "a suite names who wrote its cases"));
    }
    if spec.cases.is_empty() {
        return Err(at.err("cases", "a suite has at least one case"));
    }

    let mut tool_names = HashSet::new();
    let mut tool_schemas = BTreeMap::new();
    for (i, tool) in spec.tools.iter().enumerate() {
        if !tool_names.insert(tool.name.as_str()) {
            return Err(
                at.err(&format!("tools[{i}].name"), format!("duplicate tool `{}`", tool.name))
            );
        }
        let schema = compile_schema(&tool.parameters, at, &format!("tools[{i}].parameters"))?;
        tool_schemas.insert(tool.name.clone(), schema);
    }

    let mut seen = HashSet::new();
    let mut cases = Vec::with_capacity(spec.cases.len());
    for (i, c) in spec.cases.iter().enumerate() {
        let field = format!("cases[{i}]");
        if !seen.insert(c.id.as_str()) {
            return Err(at.err(&format!("{field}.id"), format!("duplicate case id `{}`", c.id)));
        }
        cases.push(compile_case(&spec, c, &field, &tool_schemas, at)?);
    }

    Ok(Suite {
        id: spec.id,
        title: spec.title,
        task: spec.task,
        languages: spec.languages,
        authors: spec.authors,
        licence: spec.licence,
        source: spec.source,
        description: spec.description,
        labels: spec.labels,
        label_match: spec.label_match,
        cases,
        text: text.to_owned(),
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        origin: origin.to_owned(),
    })
}

fn compile_case(
    suite: &SuiteSpec,
    c: &CaseSpec,
    field: &str,
    tool_schemas: &BTreeMap<String, Schema>,
    at: &Locator,
) -> Result<Case, SuiteError> {
    if !suite.languages.contains(&c.language) {
        return Err(at.err(
            &format!("{field}.language"),
            "the case's language is not among the suite's `languages`",
        ));
    }

    let mut messages = Vec::new();
    if let Some(system) = &suite.system {
        messages.push(Message { role: Role::System, content: system.clone() });
    }
    match (&c.prompt, c.messages.is_empty()) {
        (Some(p), true) => messages.push(Message { role: Role::User, content: p.clone() }),
        (None, false) => messages.extend(c.messages.iter().cloned()),
        (Some(_), false) => {
            return Err(at.err(&format!("{field}.prompt"), "give `prompt` or `messages`, not both"))
        }
        (None, true) => return Err(at.err(field, "a case needs `prompt` or `messages`")),
    }
    if messages.last().map(|m| m.role) != Some(Role::User) {
        return Err(at.err(&format!("{field}.messages"), "the last message must be the user's"));
    }

    let tools: Vec<Tool> = match &c.tools {
        None => suite.tools.clone(),
        Some(names) => {
            let mut picked = Vec::new();
            for (j, name) in names.iter().enumerate() {
                let Some(t) = suite.tools.iter().find(|t| &t.name == name) else {
                    let known: Vec<&str> = suite.tools.iter().map(|t| t.name.as_str()).collect();
                    let hint = yaml::did_you_mean(name, &known).map_or_else(
                        || "tools are declared under `tools`".to_owned(),
                        |n| format!("did you mean `{n}`?"),
                    );
                    return Err(at.hint(
                        &format!("{field}.tools[{j}]"),
                        format!("unknown tool `{name}`"),
                        hint,
                    ));
                };
                picked.push(t.clone());
            }
            picked
        }
    };

    if c.expect.is_empty() {
        return Err(at.err(&format!("{field}.expect"), "a case needs at least one expectation"));
    }
    let mut checks = Vec::new();
    for (j, e) in c.expect.iter().enumerate() {
        let ef = format!("{field}.expect[{j}]");
        checks.push(compile_check(suite, e, &ef, &tools, tool_schemas, at)?);
    }
    if checks.iter().filter(|c| matches!(c, Check::Judge(_))).count() > 1 {
        return Err(
            at.err(&format!("{field}.expect"), "a case has at most one `judge` expectation")
        );
    }

    Ok(Case {
        id: c.id.clone(),
        language: c.language,
        messages,
        tools,
        sampling: c
            .sampling
            .as_ref()
            .map_or_else(|| suite.sampling.clone(), |s| s.over(&suite.sampling)),
        checks,
        note: c.note.clone(),
        reference: c.reference.clone(),
    })
}

fn compile_check(
    suite: &SuiteSpec,
    e: &ExpectSpec,
    ef: &str,
    tools: &[Tool],
    tool_schemas: &BTreeMap<String, Schema>,
    at: &Locator,
) -> Result<Check, SuiteError> {
    Ok(match e {
        ExpectSpec::Exact(s) => Check::Exact(s.trim().to_owned()),
        ExpectSpec::Contains(v) | ExpectSpec::Absent(v)
            if v.is_empty() || v.iter().any(|s| s.trim().is_empty()) =>
        {
            return Err(at.err(ef, "list at least one non-empty string"))
        }
        ExpectSpec::Contains(v) => Check::Contains(v.clone()),
        ExpectSpec::Absent(v) => Check::Absent(v.clone()),
        ExpectSpec::Regex(p) => Check::Regex(compile_regex(p, at, &format!("{ef}.regex"))?),
        ExpectSpec::JsonSchema(s) => {
            Check::JsonSchema(compile_schema(s, at, &format!("{ef}.json_schema"))?)
        }
        ExpectSpec::NoToolCall => Check::NoToolCall,
        ExpectSpec::ToolCall(spec) => {
            let tf = format!("{ef}.tool_call");
            let Some(tool) = tools.iter().find(|t| t.name == spec.name) else {
                return Err(at.err(
                    &format!("{tf}.name"),
                    format!("`{}` is not a tool this case offers", spec.name),
                ));
            };
            let props = tool.parameters.get("properties").and_then(Value::as_object);
            let mut patterns = BTreeMap::new();
            for (arg, m) in &spec.arguments {
                let af = format!("{tf}.arguments.{arg}");
                if !props.is_some_and(|p| p.contains_key(arg)) {
                    return Err(
                        at.err(&af, format!("the tool `{}` has no argument `{arg}`", tool.name))
                    );
                }
                if m.equals.is_none()
                    && m.ty.is_none()
                    && m.one_of.is_empty()
                    && m.pattern.is_none()
                {
                    return Err(at.hint(
                        &af,
                        "an argument needs a condition",
                        "give `equals`, `type`, `one_of` or `pattern`",
                    ));
                }
                if let Some(p) = &m.pattern {
                    patterns.insert(arg.clone(), compile_regex(p, at, &format!("{af}.pattern"))?);
                }
            }
            Check::ToolCall {
                spec: spec.clone(),
                patterns,
                schema: tool_schemas[&tool.name].clone(),
            }
        }
        ExpectSpec::Label(l) => {
            if !suite.labels.contains(l) {
                let known: Vec<&str> = suite.labels.iter().map(String::as_str).collect();
                let hint = yaml::did_you_mean(l, &known).map_or_else(
                    || format!("the suite's labels are {}", known.join(", ")),
                    |n| format!("did you mean `{n}`?"),
                );
                return Err(at.hint(&format!("{ef}.label"), format!("unknown label `{l}`"), hint));
            }
            Check::Label(l.clone())
        }
        ExpectSpec::Number(n) => {
            if !(n.tolerance >= 0.0 && n.value.is_finite() && n.tolerance.is_finite()) {
                return Err(at.err(
                    &format!("{ef}.number.tolerance"),
                    "the tolerance is a finite number, zero or more",
                ));
            }
            Check::Number(n.clone())
        }
        ExpectSpec::Judge(j) => {
            if j.rubric.trim().is_empty() {
                return Err(at.err(&format!("{ef}.judge.rubric"), "the rubric is empty"));
            }
            Check::Judge(j.clone())
        }
    })
}

fn compile_regex(pattern: &str, at: &Locator, field: &str) -> Result<Regex, SuiteError> {
    Regex::new(pattern).map_err(|e| {
        // The regex crate's message spans several lines with a caret; its last line says why.
        let why = e
            .to_string()
            .lines()
            .last()
            .unwrap_or("invalid")
            .trim()
            .trim_start_matches("error: ")
            .to_owned();
        at.err(field, format!("the regular expression `{pattern}` does not compile: {why}"))
    })
}

fn compile_schema(schema: &Value, at: &Locator, field: &str) -> Result<Schema, SuiteError> {
    // Checked against its meta-schema first: `validator_for` accepts some schemas that are
    // wrong (e.g. `type: strin`) and would then fail every answer instead of the load.
    if let Err(e) = jsonschema::meta::validate(schema) {
        return Err(at.err(field, format!("not a valid JSON Schema: {e}")));
    }
    let validator = jsonschema::validator_for(schema)
        .map_err(|e| at.err(field, format!("not a valid JSON Schema: {e}")))?;
    Ok(Schema { source: schema.clone(), validator: Arc::new(validator) })
}
