//! Ollama native `/api/chat` (and `/api/generate`) NDJSON records.
//!
//! Each record with non-empty `message.content`, `message.thinking`, `message.tool_calls`
//! (or `/api/generate`'s `response`) is a token-bearing chunk; the `done: true` record ends
//! the stream and carries the server's counters (durations in nanoseconds). A record with
//! an `error` key is an in-stream failure even though the status line said 200.

use serde::Deserialize;

use super::{stream_error, Effect, ServerTimings, StreamState};

#[derive(Deserialize)]
struct Record {
    message: Option<Message>,
    response: Option<String>,
    thinking: Option<String>,
    #[serde(default)]
    done: bool,
    done_reason: Option<String>,
    error: Option<serde_json::Value>,
    total_duration: Option<u64>,
    load_duration: Option<u64>,
    prompt_eval_count: Option<u64>,
    prompt_eval_duration: Option<u64>,
    eval_count: Option<u64>,
    eval_duration: Option<u64>,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
    thinking: Option<String>,
    tool_calls: Option<Vec<serde_json::Value>>,
}

fn ms(ns: Option<u64>) -> Option<f64> {
    ns.map(|n| n as f64 / 1e6)
}

pub(super) fn interpret(line: &str, state: &mut StreamState) -> Effect {
    let record: Record = match serde_json::from_str(line) {
        Ok(r) => r,
        Err(e) => {
            state.parse_error("NDJSON record", &e);
            return Effect::default();
        }
    };
    if let Some(err) = record.error.as_ref().filter(|e| !e.is_null()) {
        state.error = Some(stream_error(err));
        return Effect::default();
    }

    let mut effect = Effect::default();
    let (content, thinking, tools) = match &record.message {
        Some(m) => (m.content.as_deref(), m.thinking.as_deref(), m.tool_calls.as_deref()),
        None => (record.response.as_deref(), record.thinking.as_deref(), None),
    };
    if let Some(text) = content.filter(|t| !t.is_empty()) {
        state.text.push_str(text);
        effect.visible = true;
        state.content_chunks += 1;
    }
    if let Some(t) = thinking.filter(|t| !t.is_empty()) {
        state.reasoning_text.push_str(t);
        effect.generated = true;
        state.reasoning_chunks += 1;
    }
    if let Some(calls) = tools.filter(|c| !c.is_empty()) {
        for call in calls {
            state.tool_arguments.push_str(&call.to_string());
        }
        effect.generated = true;
    }
    if effect.visible {
        effect.generated = true;
    }
    if effect.generated {
        state.token_chunks += 1;
    }

    if record.done {
        state.done_marker = true;
        state.finish_reason = Some(record.done_reason.unwrap_or_else(|| "stop".to_owned()));
        state.usage_prompt_tokens = record.prompt_eval_count.or(state.usage_prompt_tokens);
        state.usage_output_tokens = record.eval_count.or(state.usage_output_tokens);
        state.server = Some(ServerTimings {
            total_ms: ms(record.total_duration),
            load_ms: ms(record.load_duration),
            prompt_eval_ms: ms(record.prompt_eval_duration),
            eval_ms: ms(record.eval_duration),
        });
        effect.terminal = true;
    }
    effect
}
