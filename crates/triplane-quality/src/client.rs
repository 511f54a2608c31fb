//! Quality requests: one non-streaming request per sample, in each vendor's format, and the
//! parsing of the final message (text and tool calls) out of the raw body.
//!
//! Why not the streaming client of `triplane-bench`: grading needs the finished message,
//! tool calls included with their function names, exactly as the server assembled it, and
//! a quality run measures no latency (its timings are informative only and never feed the
//! latency figures). The raw body is what gets stored; the answer is always re-derived from
//! it, so a parser fix re-grades old runs.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use triplane_bench::{Api, Endpoint};

use crate::grade::{Answer, ToolCall};
use crate::suite::{Message, Role, Sampling, Tool};

/// Tokens a case may generate when neither the suite nor the case says.
pub const DEFAULT_MAX_TOKENS: u32 = 256;

/// A model a quality run sends requests to: the candidate, or the judge.
#[derive(Clone)]
pub struct Target {
    pub api: Api,
    /// Base URL or full request path, as for latency runs.
    pub url: String,
    pub model: String,
    pub candidate: Option<String>,
    key: Option<String>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("api", &self.api)
            .field("url", &self.url)
            .field("model", &self.model)
            .field("candidate", &self.candidate)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Target {
    pub fn new(
        api: Api,
        url: &str,
        model: &str,
        candidate: Option<String>,
        key: Option<String>,
    ) -> Self {
        Target { api, url: url.to_owned(), model: model.to_owned(), candidate, key }
    }

    pub fn request_url(&self) -> String {
        Endpoint { api: self.api, url: self.url.clone(), model: self.model.clone(), api_key: None }
            .request_url()
    }
}

/// The JSON body asking `target` for one answer.
pub fn request_body(
    target: &Target,
    messages: &[Message],
    tools: &[Tool],
    sampling: &Sampling,
) -> Value {
    let max_tokens = sampling.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    let role = |r: Role| match r {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let mut body = match target.api {
        Api::Openai | Api::Ollama => {
            let msgs: Vec<Value> = messages
                .iter()
                .map(|m| json!({ "role": role(m.role), "content": m.content }))
                .collect();
            let mut b = json!({ "model": target.model, "messages": msgs, "stream": false });
            if target.api == Api::Openai {
                b["max_tokens"] = json!(max_tokens);
            } else {
                b["options"] = json!({ "num_predict": max_tokens });
            }
            if !tools.is_empty() {
                b["tools"] = tools
                    .iter()
                    .map(|t| json!({ "type": "function", "function": { "name": t.name, "description": t.description, "parameters": t.parameters } }))
                    .collect();
                // `auto` is OpenAI's default, but llama-cpp-python's function-calling chat
                // formats ignore the tools unless `tool_choice` is given.
                if target.api == Api::Openai {
                    b["tool_choice"] = json!("auto");
                }
            }
            b
        }
        Api::Anthropic => {
            // Anthropic takes the system prompt beside the messages, not among them.
            let system: Vec<&str> = messages
                .iter()
                .filter(|m| m.role == Role::System)
                .map(|m| m.content.as_str())
                .collect();
            let msgs: Vec<Value> = messages
                .iter()
                .filter(|m| m.role != Role::System)
                .map(|m| json!({ "role": role(m.role), "content": m.content }))
                .collect();
            let mut b =
                json!({ "model": target.model, "messages": msgs, "max_tokens": max_tokens });
            if !system.is_empty() {
                b["system"] = json!(system.join("\n\n"));
            }
            if !tools.is_empty() {
                b["tools"] = tools
                    .iter()
                    .map(|t| json!({ "name": t.name, "description": t.description, "input_schema": t.parameters }))
                    .collect();
            }
            b
        }
    };
    let (temp_key, seed_key) = match target.api {
        Api::Ollama => (&["options", "temperature"][..], &["options", "seed"][..]),
        _ => (&["temperature"][..], &["seed"][..]),
    };
    if let Some(t) = sampling.temperature {
        set(&mut body, temp_key, json!(t));
    }
    // Anthropic has no seed parameter; sending one would be refused.
    if let (Some(s), false) = (sampling.seed, target.api == Api::Anthropic) {
        set(&mut body, seed_key, json!(s));
    }
    body
}

fn set(body: &mut Value, path: &[&str], v: Value) {
    match path {
        [k] => body[*k] = v,
        [k, rest @ ..] => {
            if body.get(*k).is_none() {
                body[*k] = json!({});
            }
            set(&mut body[*k], rest, v);
        }
        [] => {}
    }
}

/// The cache key of a request: everything that decides the answer, and the sample index,
/// so the k samples of a case stay k distinct answers.
pub fn request_hash(target: &Target, body: &Value, sample: u32) -> String {
    let mut h = Sha256::new();
    for part in [
        target.api.as_str(),
        &target.request_url(),
        &target.model,
        &body.to_string(),
        &sample.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Parses the final message out of a response body.
pub fn parse_answer(api: Api, raw: &str) -> Result<Answer, String> {
    let v: Value =
        serde_json::from_str(raw).map_err(|e| format!("the response is not JSON: {e}"))?;
    if let Some(err) = v.get("error") {
        return Err(format!("the server returned an error: {err}"));
    }
    let args_text = |a: &Value| match a {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match api {
        Api::Openai => {
            let msg = v
                .pointer("/choices/0/message")
                .ok_or("the response has no `choices[0].message`")?;
            let content = msg.get("content").and_then(Value::as_str).unwrap_or("").to_owned();
            let tool_calls = msg
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| ToolCall {
                    name: c
                        .pointer("/function/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    arguments_text: c
                        .pointer("/function/arguments")
                        .map(args_text)
                        .unwrap_or_default(),
                })
                .collect();
            Ok(Answer { content, tool_calls })
        }
        Api::Ollama => {
            let msg = v.get("message").ok_or("the response has no `message`")?;
            let content = msg.get("content").and_then(Value::as_str).unwrap_or("").to_owned();
            let tool_calls = msg
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| ToolCall {
                    name: c
                        .pointer("/function/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    arguments_text: c
                        .pointer("/function/arguments")
                        .map(args_text)
                        .unwrap_or_default(),
                })
                .collect();
            Ok(Answer { content, tool_calls })
        }
        Api::Anthropic => {
            let blocks = v
                .get("content")
                .and_then(Value::as_array)
                .ok_or("the response has no `content`")?;
            let mut answer = Answer::default();
            for b in blocks {
                match b.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        answer.content.push_str(b.get("text").and_then(Value::as_str).unwrap_or(""))
                    }
                    Some("tool_use") => answer.tool_calls.push(ToolCall {
                        name: b.get("name").and_then(Value::as_str).unwrap_or("").to_owned(),
                        arguments_text: b.get("input").map(args_text).unwrap_or_default(),
                    }),
                    _ => {}
                }
            }
            Ok(answer)
        }
    }
}

/// What came back from one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: Option<u16>,
    pub body: Option<String>,
    pub error: Option<String>,
    pub elapsed: Duration,
}

/// Sends one request, once. Failures become a [`Reply`] with an error, never an `Err`.
pub async fn send(
    http: &reqwest::Client,
    target: &Target,
    body: &Value,
    timeout: Duration,
) -> Reply {
    let started = Instant::now();
    let mut req = http.post(target.request_url()).timeout(timeout).json(body);
    match (target.api, &target.key) {
        (Api::Anthropic, key) => {
            req = req.header("anthropic-version", "2023-06-01");
            if let Some(k) = key {
                req = req.header("x-api-key", k);
            }
        }
        (_, Some(k)) => req = req.bearer_auth(k),
        (_, None) => {}
    }
    let fail = |error: String, status| Reply {
        status,
        body: None,
        error: Some(error),
        elapsed: started.elapsed(),
    };
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return fail(chain(&e), None),
    };
    let status = resp.status();
    match resp.text().await {
        Ok(text) if status.is_success() => Reply {
            status: Some(status.as_u16()),
            body: Some(text),
            error: None,
            elapsed: started.elapsed(),
        },
        Ok(text) => Reply {
            status: Some(status.as_u16()),
            error: Some(format!("HTTP {status}: {}", text.chars().take(500).collect::<String>())),
            body: Some(text),
            elapsed: started.elapsed(),
        },
        Err(e) => fail(chain(&e), Some(status.as_u16())),
    }
}

fn chain(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_from_each_vendor() {
        let openai = r#"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}}]}"#;
        let a = parse_answer(Api::Openai, openai).unwrap();
        assert_eq!(
            (a.tool_calls[0].name.as_str(), a.tool_calls[0].arguments_text.as_str()),
            ("f", "{\"a\":1}")
        );
        let ollama = r#"{"message":{"content":"","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}}"#;
        assert_eq!(
            parse_answer(Api::Ollama, ollama).unwrap().tool_calls[0].arguments_text,
            "{\"a\":1}"
        );
        let anthropic = r#"{"content":[{"type":"text","text":"hi"},{"type":"tool_use","name":"f","input":{"a":1}}]}"#;
        let a = parse_answer(Api::Anthropic, anthropic).unwrap();
        assert_eq!((a.content.as_str(), a.tool_calls.len()), ("hi", 1));
        assert!(parse_answer(Api::Openai, "{\"error\":{\"message\":\"x\"}}").is_err());
    }

    #[test]
    fn the_hash_separates_samples_and_the_key_stays_out_of_debug() {
        let t = Target::new(Api::Openai, "http://h/v1", "m", None, Some("sk-secret".into()));
        let body = json!({"a": 1});
        assert_ne!(request_hash(&t, &body, 0), request_hash(&t, &body, 1));
        assert!(!format!("{t:?}").contains("sk-secret"));
    }
}
