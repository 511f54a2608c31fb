//! Protocol interpreters: what each vendor's stream messages mean. The framing (SSE or
//! NDJSON) is parsed elsewhere; an interpreter takes one decoded message, updates the
//! response's [`StreamState`] and says, through an [`Effect`], whether the message carried a
//! generated token, a user-visible one, or ended the stream. Timing lives in `record`, so
//! the rules for "what is a token" are written once per vendor and nowhere else.

mod anthropic;
mod ollama;
mod openai;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sse::SseEvent;

/// The wire protocol of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// OpenAI-compatible `POST /v1/chat/completions` with SSE (vLLM, llama.cpp server,
    /// Ollama's `/v1`, LiteLLM, Mistral, OpenAI).
    Openai,
    /// Anthropic Messages `POST /v1/messages` with SSE.
    Anthropic,
    /// Ollama's native `POST /api/chat` with NDJSON.
    Ollama,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::Openai => "openai",
            Api::Anthropic => "anthropic",
            Api::Ollama => "ollama",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "openai" => Api::Openai,
            "anthropic" => Api::Anthropic,
            "ollama" => Api::Ollama,
            _ => return None,
        })
    }

    /// True for SSE framing, false for NDJSON.
    pub fn is_sse(self) -> bool {
        !matches!(self, Api::Ollama)
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one message did to the response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effect {
    /// It carried at least one generated token on any channel: content, reasoning or
    /// tool-call arguments.
    pub generated: bool,
    /// It carried user-visible content (not reasoning, not tool arguments).
    pub visible: bool,
    /// The protocol's end marker: nothing more is expected (`[DONE]`, `message_stop`,
    /// Ollama's `done: true`).
    pub terminal: bool,
}

/// An error reported inside a stream whose HTTP status was 2xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    pub message: String,
    pub kind: Option<String>,
    pub code: Option<String>,
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.code) {
            (Some(k), Some(c)) => write!(f, "{k} ({c}): {}", self.message),
            (Some(k), None) => write!(f, "{k}: {}", self.message),
            (None, Some(c)) => write!(f, "{c}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Timings the server reports about itself (Ollama's final record). Milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ServerTimings {
    pub total_ms: Option<f64>,
    pub load_ms: Option<f64>,
    pub prompt_eval_ms: Option<f64>,
    pub eval_ms: Option<f64>,
}

/// Everything learnt from a response's messages, independent of time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamState {
    /// Visible content, concatenated.
    pub text: String,
    pub reasoning_text: String,
    pub tool_arguments: String,
    /// Messages that carried a generated token (one token each unless usage says more).
    pub token_chunks: u64,
    pub reasoning_chunks: u64,
    pub content_chunks: u64,
    pub usage_prompt_tokens: Option<u64>,
    pub usage_output_tokens: Option<u64>,
    /// Normalised: `stop`, `length`, `tool_calls`, `content_filter`, or the vendor's word.
    pub finish_reason: Option<String>,
    /// The vendor's own stop reason when it differs from the normalised one.
    pub provider_stop_reason: Option<String>,
    pub error: Option<StreamError>,
    /// The protocol's end marker arrived (`[DONE]`, `message_stop`, `done: true`).
    pub done_marker: bool,
    /// Messages whose payload was not the JSON the protocol promises.
    pub parse_errors: u32,
    pub first_parse_error: Option<String>,
    pub server: Option<ServerTimings>,
}

impl StreamState {
    /// True when the response reached a normal end: the protocol's finish reason arrived
    /// (OpenAI `finish_reason`, Anthropic `stop_reason`, Ollama `done: true`). An end marker
    /// alone is not enough: llama-cpp-python, when a second request arrives, cuts the
    /// running stream short with a bare `data: [DONE]` after the role chunk, and that empty
    /// answer must not count as a success.
    pub fn completed(&self) -> bool {
        self.finish_reason.is_some()
    }

    fn parse_error(&mut self, what: &str, err: &serde_json::Error) {
        self.parse_errors += 1;
        if self.first_parse_error.is_none() {
            self.first_parse_error = Some(format!("{what}: {err}"));
        }
    }
}

/// Interprets one SSE event for an SSE protocol.
pub fn interpret_sse(api: Api, event: &SseEvent, state: &mut StreamState) -> Effect {
    match api {
        Api::Openai => openai::interpret(event, state),
        Api::Anthropic => anthropic::interpret(event, state),
        // Ollama is NDJSON; a caller feeding it SSE events gets them read as lines.
        Api::Ollama => ollama::interpret(&event.data, state),
    }
}

/// Interprets one NDJSON line (Ollama).
pub fn interpret_line(line: &str, state: &mut StreamState) -> Effect {
    ollama::interpret(line, state)
}

/// Reads an `error` value that may be a string or an object `{message, type, code}`.
fn stream_error(value: &serde_json::Value) -> StreamError {
    let text = |v: Option<&serde_json::Value>| {
        v.and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })
    };
    match value {
        serde_json::Value::String(s) => StreamError { message: s.clone(), kind: None, code: None },
        serde_json::Value::Object(o) => StreamError {
            message: text(o.get("message")).unwrap_or_else(|| value.to_string()),
            kind: text(o.get("type")),
            code: text(o.get("code")),
        },
        other => StreamError { message: other.to_string(), kind: None, code: None },
    }
}
