//! Anthropic Messages stream events.
//!
//! Tokens arrive only in `content_block_delta` (`text_delta`, `thinking_delta`,
//! `input_json_delta`); `message_start`, `content_block_start`, `ping` and signature deltas
//! are not tokens. `message_start.usage.output_tokens` is a placeholder, and each
//! `message_delta.usage.output_tokens` is cumulative: the last one replaces, never adds.
//! Unknown event and delta types are ignored, as Anthropic's versioning policy asks.

use serde::Deserialize;

use super::{stream_error, Effect, StreamState};
use crate::sse::SseEvent;

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    MessageStart {
        message: Message,
    },
    ContentBlockDelta {
        delta: BlockDelta,
    },
    MessageDelta {
        delta: Option<MessageDeltaBody>,
        usage: Option<Usage>,
    },
    MessageStop,
    Error {
        error: serde_json::Value,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Message {
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Usage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum BlockDelta {
    TextDelta {
        text: String,
    },
    ThinkingDelta {
        thinking: String,
    },
    InputJsonDelta {
        partial_json: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct MessageDeltaBody {
    stop_reason: Option<String>,
}

/// Anthropic's stop reasons in the OpenAI vocabulary the metrics and UI use.
fn normalise(stop_reason: &str) -> &str {
    match stop_reason {
        "end_turn" | "stop_sequence" => "stop",
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        other => other,
    }
}

pub(super) fn interpret(event: &SseEvent, state: &mut StreamState) -> Effect {
    let parsed: Event = match serde_json::from_str(&event.data) {
        Ok(e) => e,
        Err(e) => {
            state.parse_error("messages stream event", &e);
            return Effect::default();
        }
    };
    let mut effect = Effect::default();
    match parsed {
        Event::MessageStart { message } => {
            if let Some(input) = message.usage.and_then(|u| u.input_tokens) {
                state.usage_prompt_tokens = Some(input);
            }
        }
        Event::ContentBlockDelta { delta } => match delta {
            BlockDelta::TextDelta { text } if !text.is_empty() => {
                state.text.push_str(&text);
                effect.visible = true;
                state.content_chunks += 1;
            }
            BlockDelta::ThinkingDelta { thinking } if !thinking.is_empty() => {
                state.reasoning_text.push_str(&thinking);
                effect.generated = true;
                state.reasoning_chunks += 1;
            }
            BlockDelta::InputJsonDelta { partial_json } if !partial_json.is_empty() => {
                state.tool_arguments.push_str(&partial_json);
                effect.generated = true;
            }
            _ => {}
        },
        Event::MessageDelta { delta, usage } => {
            if let Some(reason) = delta.and_then(|d| d.stop_reason) {
                state.finish_reason = Some(normalise(&reason).to_owned());
                state.provider_stop_reason = Some(reason);
            }
            if let Some(u) = usage {
                state.usage_output_tokens = u.output_tokens.or(state.usage_output_tokens);
                state.usage_prompt_tokens = u.input_tokens.or(state.usage_prompt_tokens);
            }
        }
        Event::MessageStop => {
            state.done_marker = true;
            effect.terminal = true;
        }
        Event::Error { error } => state.error = Some(stream_error(&error)),
        Event::Other => {}
    }
    if effect.visible {
        effect.generated = true;
    }
    if effect.generated {
        state.token_chunks += 1;
    }
    effect
}
