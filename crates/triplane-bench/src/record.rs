//! The per-request record: raw monotonic timestamps and what the response contained.
//!
//! A [`Recorder`] is fed each read of the response body with the instant it arrived and
//! stamps the moments that matter (first byte, first event, first generated token, first
//! visible token, every token-bearing message, end). All messages completed by one read
//! share that read's arrival time: that is when the client could have seen them. The same
//! recorder serves live requests and the replay of recorded field cases.

use serde::Serialize;

use crate::ndjson::NdjsonSplitter;
use crate::protocol::{interpret_line, interpret_sse, Api, Effect, StreamState};
use crate::sse::{SseEvent, SseParser};

/// How a request ended. Only [`Outcome::Ok`] counts in latency percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A complete response: a finish reason or the protocol's end marker arrived.
    Ok,
    /// The server answered with a non-2xx status.
    HttpStatus,
    /// The status was 2xx but the stream carried an error object or event.
    ErrorInStream,
    /// The request's deadline passed before the response ended.
    Timeout,
    /// No connection could be made (refused, DNS, TLS).
    Connect,
    /// The connection broke after the request was sent.
    Reset,
    /// The stream ended (EOF, or an end marker) before any finish reason.
    Truncated,
    /// A message's payload was not the JSON the protocol promises.
    MalformedStream,
    /// The run was cancelled while this request was in flight.
    Cancelled,
}

impl Outcome {
    pub const ALL: [Outcome; 9] = [
        Outcome::Ok,
        Outcome::HttpStatus,
        Outcome::ErrorInStream,
        Outcome::Timeout,
        Outcome::Connect,
        Outcome::Reset,
        Outcome::Truncated,
        Outcome::MalformedStream,
        Outcome::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::HttpStatus => "http_status",
            Outcome::ErrorInStream => "error_in_stream",
            Outcome::Timeout => "timeout",
            Outcome::Connect => "connect",
            Outcome::Reset => "reset",
            Outcome::Truncated => "truncated",
            Outcome::MalformedStream => "malformed_stream",
            Outcome::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// One request as measured. Times are nanoseconds from the run's time origin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestRecord {
    pub idx: u32,
    /// When the schedule wanted the request sent: the origin of every latency figure, so
    /// a client that falls behind its schedule shows the delay instead of hiding it.
    pub intended_ns: u64,
    /// When the request was handed to the HTTP client.
    pub sent_ns: Option<u64>,
    pub first_byte_ns: Option<u64>,
    pub first_event_ns: Option<u64>,
    /// First message carrying a generated token on any channel.
    pub first_token_ns: Option<u64>,
    /// First message carrying user-visible content.
    pub first_content_ns: Option<u64>,
    /// Every token-bearing message's arrival.
    pub chunk_ns: Vec<u64>,
    /// When the client could declare the response finished (end marker, EOF, error,
    /// timeout or cancellation).
    pub end_ns: Option<u64>,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// True when `output_tokens` is the server's usage figure, false when the client
    /// counted token-bearing messages (one token each).
    pub tokens_from_usage: bool,
    /// Visible text received, complete or partial.
    pub text: String,
    pub finish_reason: Option<String>,
}

impl RequestRecord {
    /// A record for a request that never produced a response.
    pub fn failed(idx: u32, intended_ns: u64, sent_ns: Option<u64>, outcome: Outcome) -> Self {
        RequestRecord {
            idx,
            intended_ns,
            sent_ns,
            first_byte_ns: None,
            first_event_ns: None,
            first_token_ns: None,
            first_content_ns: None,
            chunk_ns: Vec::new(),
            end_ns: None,
            outcome,
            http_status: None,
            error: None,
            prompt_tokens: None,
            output_tokens: None,
            tokens_from_usage: false,
            text: String::new(),
            finish_reason: None,
        }
    }
}

/// Why the body stopped being read, besides its natural end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interruption {
    Timeout,
    Reset(String),
    Cancelled,
}

/// Stamps times while a response body is read.
#[derive(Debug)]
pub struct Recorder {
    api: Api,
    sse: SseParser,
    lines: NdjsonSplitter,
    events: Vec<SseEvent>,
    records: Vec<String>,
    pub state: StreamState,
    first_byte_ns: Option<u64>,
    first_event_ns: Option<u64>,
    first_token_ns: Option<u64>,
    first_content_ns: Option<u64>,
    chunk_ns: Vec<u64>,
    end_ns: Option<u64>,
    messages: u64,
    dropped_at_eof: bool,
}

impl Recorder {
    pub fn new(api: Api) -> Self {
        Recorder {
            api,
            sse: SseParser::new(),
            lines: NdjsonSplitter::new(),
            events: Vec::new(),
            records: Vec::new(),
            state: StreamState::default(),
            first_byte_ns: None,
            first_event_ns: None,
            first_token_ns: None,
            first_content_ns: None,
            chunk_ns: Vec::new(),
            end_ns: None,
            messages: 0,
            dropped_at_eof: false,
        }
    }

    /// Feeds one read that arrived at `t_ns`. Returns true once the protocol's end marker
    /// has been seen: the caller stops reading and the end time is set.
    pub fn on_read(&mut self, bytes: &[u8], t_ns: u64) -> bool {
        if bytes.is_empty() || self.end_ns.is_some() {
            return self.end_ns.is_some();
        }
        self.first_byte_ns.get_or_insert(t_ns);
        if self.api.is_sse() {
            self.sse.push(bytes, &mut self.events);
            let events = std::mem::take(&mut self.events);
            for event in &events {
                let effect = interpret_sse(self.api, event, &mut self.state);
                if self.apply(effect, t_ns) {
                    break;
                }
            }
            self.events = events;
            self.events.clear();
        } else {
            self.lines.push(bytes, &mut self.records);
            self.drain_lines(t_ns);
        }
        self.end_ns.is_some()
    }

    /// The body ended (EOF) at `t_ns`.
    pub fn on_eof(&mut self, t_ns: u64) {
        if self.end_ns.is_some() {
            return;
        }
        if self.api.is_sse() {
            self.dropped_at_eof = self.sse.finish();
        } else {
            self.lines.finish(&mut self.records);
            self.drain_lines(t_ns);
        }
        self.end_ns.get_or_insert(t_ns);
    }

    /// SSE events (or NDJSON records) dispatched so far.
    pub fn messages(&self) -> u64 {
        self.messages
    }

    fn drain_lines(&mut self, t_ns: u64) {
        let records = std::mem::take(&mut self.records);
        for line in &records {
            let effect = interpret_line(line, &mut self.state);
            if self.apply(effect, t_ns) {
                break;
            }
        }
        self.records = records;
        self.records.clear();
    }

    fn apply(&mut self, effect: Effect, t_ns: u64) -> bool {
        self.messages += 1;
        self.first_event_ns.get_or_insert(t_ns);
        if effect.generated {
            self.first_token_ns.get_or_insert(t_ns);
            self.chunk_ns.push(t_ns);
        }
        if effect.visible {
            self.first_content_ns.get_or_insert(t_ns);
        }
        if effect.terminal {
            self.end_ns = Some(t_ns);
        }
        effect.terminal
    }

    /// Closes the record. `interrupted` says why reading stopped early, if it did; `now_ns`
    /// is then the end time.
    pub fn finish(
        self,
        idx: u32,
        intended_ns: u64,
        sent_ns: u64,
        http_status: u16,
        interrupted: Option<(Interruption, u64)>,
    ) -> RequestRecord {
        let mut end_ns = self.end_ns;
        let mut error = None;
        let state = self.state;

        let outcome = if let Some((why, t)) = interrupted {
            end_ns = end_ns.or(Some(t));
            match why {
                Interruption::Timeout => Outcome::Timeout,
                Interruption::Cancelled => Outcome::Cancelled,
                Interruption::Reset(msg) => {
                    error = Some(msg);
                    Outcome::Reset
                }
            }
        } else if let Some(e) = &state.error {
            error = Some(e.to_string());
            Outcome::ErrorInStream
        } else if state.parse_errors > 0 {
            error = state.first_parse_error.clone();
            Outcome::MalformedStream
        } else if !state.completed() {
            error = Some(if state.done_marker {
                "the end marker arrived without a finish reason: the generation was cut short"
                    .to_owned()
            } else if self.dropped_at_eof {
                "the stream ended inside an event, before any finish reason".to_owned()
            } else {
                "the stream ended before any finish reason".to_owned()
            });
            Outcome::Truncated
        } else {
            Outcome::Ok
        };
        // A timeout, cancel or reset that followed an in-stream error keeps that error as
        // the message: it is what the server said went wrong.
        if error.is_none() {
            error = state.error.as_ref().map(ToString::to_string);
        }

        // FIXME: without a usage report each token-bearing message counts as one token; a
        // server that packs several tokens per chunk is undercounted. A tokenizer fallback
        // (HF `tokenizers` on the received text) would fix it; the flag marks such samples.
        let (output_tokens, tokens_from_usage) = match state.usage_output_tokens {
            Some(n) => (Some(n), true),
            None => (Some(state.token_chunks), false),
        };
        RequestRecord {
            idx,
            intended_ns,
            sent_ns: Some(sent_ns),
            first_byte_ns: self.first_byte_ns,
            first_event_ns: self.first_event_ns,
            first_token_ns: self.first_token_ns,
            first_content_ns: self.first_content_ns,
            chunk_ns: self.chunk_ns,
            end_ns,
            outcome,
            http_status: Some(http_status),
            error,
            prompt_tokens: state.usage_prompt_tokens,
            output_tokens,
            tokens_from_usage,
            text: state.text,
            finish_reason: state.finish_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from llama-cpp-python 0.3.36 serving two concurrent requests: the first
    /// stream is interrupted with a bare `[DONE]` right after its role chunk. It was once
    /// recorded as `ok` with zero tokens.
    #[test]
    fn an_end_marker_without_a_finish_reason_is_truncated() {
        let body = concat!(
            "data: {\"id\": \"chatcmpl-24d5\", \"model\": \"smollm2\", \"object\": ",
            "\"chat.completion.chunk\", \"choices\": [{\"index\": 0, \"delta\": ",
            "{\"role\": \"assistant\"}, \"logprobs\": null, \"finish_reason\": null}]}\n\n",
            "data: [DONE]\n\n",
        );
        let mut rec = Recorder::new(Api::Openai);
        assert!(rec.on_read(body.as_bytes(), 5_000_000), "[DONE] ends the reading");
        let r = rec.finish(0, 0, 0, 200, None);
        assert_eq!(r.outcome, Outcome::Truncated);
        assert_eq!(r.output_tokens, Some(0));
        assert!(r.error.unwrap().contains("cut short"));
    }
}
