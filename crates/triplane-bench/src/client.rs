//! One streaming request, timed. Builds the vendor's request body and headers, sends it
//! once (never retried), and feeds every read of the response to a [`Recorder`] with the
//! instant it arrived. Failures at any stage become an [`Outcome`], never an `Err`: a
//! benchmark records what happened to each request and carries on.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::protocol::Api;
use crate::record::{Interruption, Outcome, Recorder, RequestRecord};

/// An API key, kept out of `Debug`, logs, settings and the store.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Where requests go.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub api: Api,
    /// As the user gave it: a base URL (`http://host:8000/v1`) or the full request path.
    pub url: String,
    pub model: String,
    pub api_key: Option<ApiKey>,
}

impl Endpoint {
    /// The URL requests are POSTed to: the protocol's path appended to the base unless the
    /// user already gave it.
    pub fn request_url(&self) -> String {
        let base = self.url.trim_end_matches('/');
        let (full, after_v1) = match self.api {
            Api::Openai => ("/chat/completions", "/chat/completions"),
            Api::Anthropic => ("/v1/messages", "/messages"),
            Api::Ollama => ("/api/chat", "/api/chat"),
        };
        if base.ends_with(full) {
            base.to_owned()
        } else if self.api == Api::Ollama {
            format!("{base}{full}")
        } else if base.ends_with("/v1") {
            format!("{base}{after_v1}")
        } else if self.api == Api::Openai {
            format!("{base}/v1{full}")
        } else {
            format!("{base}{full}")
        }
    }
}

/// Per-request settings.
#[derive(Debug, Clone, Serialize)]
pub struct RequestOptions {
    pub max_tokens: u32,
    pub temperature: Option<f32>,
    /// From send to the end of the body; past it the request is a [`Outcome::Timeout`].
    #[serde(with = "secs")]
    pub timeout: Duration,
}

impl Default for RequestOptions {
    fn default() -> Self {
        RequestOptions { max_tokens: 64, temperature: None, timeout: Duration::from_secs(120) }
    }
}

mod secs {
    pub fn serialize<S: serde::Serializer>(
        d: &std::time::Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}

/// The run's time origin; every recorded time is nanoseconds since it.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    epoch: Instant,
}

impl Clock {
    pub fn start() -> Self {
        Clock { epoch: Instant::now() }
    }

    pub fn now_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    pub fn instant_at(&self, ns: u64) -> Instant {
        self.epoch + Duration::from_nanos(ns)
    }
}

/// The HTTP client all requests of a run share. No client-wide timeout (each request has
/// its own deadline, so a slow one becomes a `timeout` record, not a transport error) and
/// no idle-pool limit, so fixed concurrency is never capped by the pool (GuideLLM #487).
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(usize::MAX)
        .tcp_nodelay(true)
        .build()
}

/// The JSON body for one request with `prompt` as the user message.
pub fn request_body(endpoint: &Endpoint, prompt: &str, options: &RequestOptions) -> Vec<u8> {
    let messages = json!([{ "role": "user", "content": prompt }]);
    let mut body = match endpoint.api {
        // `include_usage` is standard OpenAI; vLLM's `continuous_usage_stats` is not sent
        // because strict proxies reject it (GuideLLM #603).
        Api::Openai => json!({
            "model": endpoint.model,
            "messages": messages,
            "stream": true,
            "stream_options": { "include_usage": true },
            "max_tokens": options.max_tokens,
        }),
        Api::Anthropic => json!({
            "model": endpoint.model,
            "messages": messages,
            "stream": true,
            "max_tokens": options.max_tokens,
        }),
        Api::Ollama => json!({
            "model": endpoint.model,
            "messages": messages,
            "stream": true,
            "options": { "num_predict": options.max_tokens },
        }),
    };
    if let Some(t) = options.temperature {
        match endpoint.api {
            Api::Ollama => body["options"]["temperature"] = json!(t),
            _ => body["temperature"] = json!(t),
        }
    }
    serde_json::to_vec(&body).unwrap_or_default()
}

/// What [`send`] needs besides the body.
#[derive(Debug, Clone)]
pub struct Target {
    pub endpoint: Endpoint,
    pub url: String,
    pub options: RequestOptions,
}

impl Target {
    pub fn new(endpoint: Endpoint, options: RequestOptions) -> Self {
        Target { url: endpoint.request_url(), endpoint, options }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Sends one request and reads its streamed response.
pub async fn send(
    http: &reqwest::Client,
    target: &Target,
    body: Vec<u8>,
    clock: &Clock,
    idx: u32,
    intended_ns: u64,
    cancel: &CancellationToken,
) -> RequestRecord {
    let mut request =
        http.post(&target.url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
    match (target.endpoint.api, &target.endpoint.api_key) {
        (Api::Anthropic, key) => {
            request = request.header("anthropic-version", "2023-06-01");
            if let Some(ApiKey(k)) = key {
                request = request.header("x-api-key", k);
            }
        }
        (_, Some(ApiKey(k))) => request = request.bearer_auth(k),
        (_, None) => {}
    }

    let sent_ns = clock.now_ns();
    let deadline =
        tokio::time::Instant::from_std(clock.instant_at(sent_ns) + target.options.timeout);
    let failed = |outcome, error: Option<String>| {
        let mut r = RequestRecord::failed(idx, intended_ns, Some(sent_ns), outcome);
        r.end_ns = Some(clock.now_ns());
        r.error = error;
        r
    };

    let response = tokio::select! {
        biased;
        _ = cancel.cancelled() => return failed(Outcome::Cancelled, None),
        _ = tokio::time::sleep_until(deadline) => {
            return failed(Outcome::Timeout, Some("no response headers before the deadline".into()))
        }
        r = request.send() => r,
    };
    let mut response = match response {
        Ok(r) => r,
        Err(e) => {
            let outcome = if e.is_connect() {
                Outcome::Connect
            } else if e.is_timeout() {
                Outcome::Timeout
            } else {
                Outcome::Reset
            };
            return failed(outcome, Some(error_chain(&e)));
        }
    };

    let status = response.status();
    let mut recorder = Recorder::new(target.endpoint.api);
    if !status.is_success() {
        return http_error(response, recorder, clock, idx, intended_ns, sent_ns, deadline).await;
    }

    let interrupted = loop {
        let chunk = tokio::select! {
            biased;
            _ = cancel.cancelled() => break Some((Interruption::Cancelled, clock.now_ns())),
            _ = tokio::time::sleep_until(deadline) => {
                break Some((Interruption::Timeout, clock.now_ns()))
            }
            c = response.chunk() => c,
        };
        let t = clock.now_ns();
        match chunk {
            Ok(Some(bytes)) => {
                if recorder.on_read(&bytes, t) {
                    drain(&mut response).await;
                    break None;
                }
            }
            Ok(None) => {
                recorder.on_eof(t);
                break None;
            }
            Err(e) if e.is_timeout() => break Some((Interruption::Timeout, t)),
            Err(e) => break Some((Interruption::Reset(error_chain(&e)), t)),
        }
    };
    recorder.finish(idx, intended_ns, sent_ns, status.as_u16(), interrupted)
}

/// Reads what follows the end marker (usually just the chunked-encoding terminator) so the
/// connection returns to the pool; bounded so a server holding the stream open (GuideLLM
/// breaks on `[DONE]` for that reason) cannot delay the next request.
async fn drain(response: &mut reqwest::Response) {
    let _ = tokio::time::timeout(Duration::from_millis(5), async {
        while let Ok(Some(_)) = response.chunk().await {}
    })
    .await;
}

async fn http_error(
    mut response: reqwest::Response,
    mut recorder: Recorder,
    clock: &Clock,
    idx: u32,
    intended_ns: u64,
    sent_ns: u64,
    deadline: tokio::time::Instant,
) -> RequestRecord {
    const MAX_BODY: usize = 2048;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = Vec::new();
    let mut first_byte = None;
    let _ = tokio::time::timeout_at(deadline, async {
        while let Ok(Some(chunk)) = response.chunk().await {
            first_byte.get_or_insert_with(|| clock.now_ns());
            body.extend_from_slice(&chunk);
            if body.len() >= MAX_BODY {
                break;
            }
        }
    })
    .await;
    let end = clock.now_ns();
    // Feeding nothing keeps the recorder's stamps empty; only the first byte is real.
    recorder.on_eof(end);
    let mut record = recorder.finish(idx, intended_ns, sent_ns, status.as_u16(), None);
    record.outcome = Outcome::HttpStatus;
    record.first_byte_ns = first_byte;
    record.output_tokens = None;
    let snippet = String::from_utf8_lossy(&body[..body.len().min(MAX_BODY)]).trim().to_owned();
    let mut msg = format!("HTTP {status}");
    if !snippet.is_empty() {
        msg.push_str(": ");
        msg.push_str(&snippet);
    }
    if let Some(ra) = retry_after {
        msg.push_str(&format!(" (retry-after: {ra})"));
    }
    record.error = Some(msg);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(api: Api, url: &str) -> Endpoint {
        Endpoint {
            api,
            url: url.to_owned(),
            model: "m".to_owned(),
            api_key: Some(ApiKey::new("sk-secret")),
        }
    }

    #[test]
    fn request_urls_accept_bases_and_full_paths() {
        let cases = [
            (Api::Openai, "http://h:8000", "http://h:8000/v1/chat/completions"),
            (Api::Openai, "http://h:8000/v1/", "http://h:8000/v1/chat/completions"),
            (Api::Openai, "http://h/v1/chat/completions", "http://h/v1/chat/completions"),
            (Api::Anthropic, "https://api.anthropic.com", "https://api.anthropic.com/v1/messages"),
            (Api::Anthropic, "https://x/v1", "https://x/v1/messages"),
            (Api::Ollama, "http://localhost:11434", "http://localhost:11434/api/chat"),
        ];
        for (api, base, want) in cases {
            assert_eq!(ep(api, base).request_url(), want, "{api} {base}");
        }
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let text = format!("{:?}", ep(Api::Openai, "http://h"));
        assert!(!text.contains("sk-secret"), "{text}");
    }

    #[test]
    fn openai_bodies_ask_for_usage() {
        let body = request_body(&ep(Api::Openai, "http://h"), "hi", &RequestOptions::default());
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["stream_options"]["include_usage"], true);
        assert_eq!(v["stream"], true);
        assert!(v.get("continuous_usage_stats").is_none());
    }
}
