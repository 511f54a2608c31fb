//! OpenAI-compatible chat completion chunks.
//!
//! A token is any non-empty `delta.content`, `delta.reasoning_content` / `delta.reasoning`
//! (vLLM, SGLang, DeepSeek), `delta.refusal` or tool-call `function.arguments`. The
//! role-only opening chunk (`content: ""` or `null`) is not a token, a chunk with `choices`
//! empty, null or missing is tolerated anywhere, and the usage chunk moves no timing.

use serde::Deserialize;

use super::{stream_error, Effect, StreamState};
use crate::sse::SseEvent;

#[derive(Deserialize)]
struct Chunk {
    choices: Option<Vec<Choice>>,
    usage: Option<Usage>,
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice {
    delta: Option<Delta>,
    /// Legacy `/v1/completions` chunks carry `text` instead of a delta.
    text: Option<String>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    content: Option<String>,
    reasoning_content: Option<String>,
    reasoning: Option<String>,
    refusal: Option<String>,
    tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Deserialize)]
struct ToolCallDelta {
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

pub(super) fn interpret(event: &SseEvent, state: &mut StreamState) -> Effect {
    let data = event.data.trim();
    if data == "[DONE]" {
        state.done_marker = true;
        return Effect { terminal: true, ..Effect::default() };
    }
    let chunk: Chunk = match serde_json::from_str(data) {
        Ok(c) => c,
        Err(e) => {
            state.parse_error("chat completion chunk", &e);
            return Effect::default();
        }
    };
    if let Some(err) = chunk.error.as_ref().filter(|e| !e.is_null()) {
        state.error = Some(stream_error(err));
        return Effect::default();
    }
    if let Some(u) = chunk.usage {
        state.usage_prompt_tokens = u.prompt_tokens.or(state.usage_prompt_tokens);
        state.usage_output_tokens = u.completion_tokens.or(state.usage_output_tokens);
    }

    let mut effect = Effect::default();
    for choice in chunk.choices.into_iter().flatten() {
        if let Some(text) = non_empty(&choice.text) {
            state.text.push_str(text);
            effect.visible = true;
        }
        if let Some(delta) = &choice.delta {
            if let Some(text) = non_empty(&delta.content).or(non_empty(&delta.refusal)) {
                state.text.push_str(text);
                effect.visible = true;
            }
            if let Some(r) = non_empty(&delta.reasoning_content).or(non_empty(&delta.reasoning)) {
                state.reasoning_text.push_str(r);
                effect.generated = true;
                state.reasoning_chunks += 1;
            }
            for call in delta.tool_calls.iter().flatten() {
                if let Some(args) = call.function.as_ref().and_then(|f| non_empty(&f.arguments)) {
                    state.tool_arguments.push_str(args);
                    effect.generated = true;
                }
            }
        }
        if let Some(reason) = choice.finish_reason {
            state.finish_reason = Some(reason);
        }
    }
    if effect.visible {
        effect.generated = true;
        state.content_chunks += 1;
    }
    if effect.generated {
        state.token_chunks += 1;
    }
    effect
}
