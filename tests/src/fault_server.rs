//! The fault server: an OpenAI-compatible chat completions endpoint that misbehaves on
//! demand and writes every chunk at an exact time, so the benchmark client can be checked
//! against a ground truth no real server gives.
//!
//! The request's `model` field picks the scenario: `NAME[;key=value…]`, e.g.
//! `ok;tokens=8;ttft_ms=50;itl_ms=10`. Scenarios:
//!
//! | name | response |
//! |---|---|
//! | `ok` | role chunk, `tokens` content chunks paced by `ttft_ms`/`itl_ms`, finish, usage, `[DONE]` |
//! | `fast` | the `ok` body of `tokens` (default 16) chunks in one write, for throughput runs |
//! | `http429` | 429 with `Retry-After: retry_after` (default 2) and an error body |
//! | `http500` | 500 with an error body |
//! | `error_in_stream` | `after` tokens, then `data: {"error":…}` and `[DONE]` under HTTP 200 |
//! | `stall` | `after` tokens, then nothing until the client leaves or `stall_ms` passes |
//! | `reset` | `after` tokens, then a TCP reset |
//! | `malformed` | `after` tokens, a frame with broken JSON, then the rest and `[DONE]` |
//! | `truncated` | `after` tokens, then a clean close without finish or `[DONE]` |
//! | `interrupted` | `after` tokens, then `[DONE]` with no finish reason (llama-cpp-python's cut) |
//! | `canned` | a non-streaming chat completion holding the canned answer of set `set` (see below) |
//!
//! Canned answers serve the quality graders: [`FaultServer::add_canned`] registers, under a set
//! name, an answer (text and tool calls) for requests whose last user message contains a key;
//! the longest matching key wins. A request of scenario `canned;set=NAME` gets that answer as
//! one JSON body, or a 404 error body when no key matches; `delay_ms=N` holds it N ms first
//! (a slow model, for cancelling a run).
//!
//! `POST …/v1/messages` (Anthropic Messages) and `POST …/api/chat` (Ollama NDJSON) serve the
//! `ok` scenario in those protocols; Anthropic requests without `anthropic-version` get 400.
//!
//! It speaks just enough HTTP/1.1 (keep-alive, chunked responses) to control each write;
//! every request's arrival and the time of each token write are recorded, in nanoseconds
//! since the server started, for tests and the side-by-side benchmark to compare against.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use triplane_bench::load::pace_until;

/// One request as the server saw it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Arrival {
    pub scenario: String,
    /// When the whole request (headers and body) had been read.
    pub arrived_ns: u64,
    /// When each token-bearing chunk had been written to the socket.
    pub token_writes_ns: Vec<u64>,
    /// When the response was finished (or abandoned).
    pub end_ns: Option<u64>,
    /// The number after `[rid=` in the body, if any: how the side-by-side benchmark
    /// (`scripts/peer-bench.sh`) matches a client's record to the server's.
    pub rid: Option<u64>,
    /// The `Authorization` header as received, so a test can check that a key reached the
    /// server; this is a test server, the one place a key may be kept.
    pub authorization: Option<String>,
}

type Log = Arc<Mutex<Vec<Arrival>>>;

/// An answer the server gives verbatim: text and tool calls `(name, arguments as written)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CannedAnswer {
    pub content: Option<String>,
    pub tool_calls: Vec<(String, String)>,
}

/// Canned answers by set, each as `(key, answer)` in registration order.
type Canned = Arc<Mutex<HashMap<String, Vec<(String, CannedAnswer)>>>>;

/// A running fault server; stops when dropped.
#[derive(Debug)]
pub struct FaultServer {
    addr: SocketAddr,
    epoch: Instant,
    log: Log,
    canned: Canned,
    task: JoinHandle<()>,
}

impl FaultServer {
    /// Starts on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::bind("127.0.0.1:0".parse().expect("a valid address")).await
    }

    pub async fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let epoch = Instant::now();
        let log: Log = Arc::default();
        let canned: Canned = Arc::default();
        let task = tokio::spawn(accept_loop(listener, epoch, log.clone(), canned.clone()));
        Ok(FaultServer { addr, epoch, log, canned, task })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's time origin.
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    /// Registers `answer` for requests of scenario `canned;set=SET` whose last user message
    /// contains `key`.
    pub fn add_canned(&self, set: &str, key: &str, answer: CannedAnswer) {
        self.canned
            .lock()
            .expect("canned lock")
            .entry(set.to_owned())
            .or_default()
            .push((key.to_owned(), answer));
    }

    /// Every request so far, in arrival order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.log.lock().expect("log lock").clone()
    }

    /// Waits until the server has finished writing `n` responses, up to `timeout`: a client
    /// may see a response end before the server records its own end.
    pub async fn settled(&self, n: usize, timeout: Duration) -> Vec<Arrival> {
        let until = Instant::now() + timeout;
        loop {
            let arrivals = self.arrivals();
            let done = arrivals.iter().filter(|a| a.end_ns.is_some()).count();
            if done >= n || Instant::now() >= until {
                return arrivals;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, epoch: Instant, log: Log, canned: Canned) {
    let mut connections = tokio::task::JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        connections.spawn(serve_connection(stream, epoch, log.clone(), canned.clone()));
        // Reap finished connections so a long benchmark does not grow the set.
        while connections.try_join_next().is_some() {}
    }
}

fn now_ns(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

struct Request {
    method: String,
    path: String,
    /// Request line and headers, as received.
    head: String,
    body: Vec<u8>,
}

/// Reads one request; `None` at a clean close or on garbage.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    Some(Request { method, path, head, body })
}

async fn serve_connection(mut stream: TcpStream, epoch: Instant, log: Log, canned: Canned) {
    let mut buf = Vec::new();
    while let Some(req) = read_request(&mut stream, &mut buf).await {
        let arrived_ns = now_ns(epoch);
        let keep_open = match (req.method.as_str(), req.path.as_str()) {
            ("GET", p) if p.ends_with("/models") => {
                let body = r#"{"object":"list","data":[{"id":"ok","object":"model"}]}"#;
                write_plain(&mut stream, "200 OK", "application/json", &[], body).await
            }
            ("GET", "/_arrivals") => {
                let body = serde_json::to_string(&*log.lock().expect("log lock"))
                    .unwrap_or_else(|_| "[]".to_owned());
                write_plain(&mut stream, "200 OK", "application/json", &[], &body).await
            }
            ("POST", _) => {
                let scenario = Scenario::from_body(&req.body);
                let index = {
                    let mut log = log.lock().expect("log lock");
                    log.push(Arrival {
                        scenario: scenario.spec.clone(),
                        arrived_ns,
                        rid: request_id(&req.body),
                        authorization: header(&req.head, "authorization"),
                        ..Arrival::default()
                    });
                    log.len() - 1
                };
                if scenario.name == "canned" {
                    let delay = scenario.params.get("delay_ms").and_then(|v| v.parse().ok());
                    tokio::time::sleep(Duration::from_millis(delay.unwrap_or(0))).await;
                    let (status, body) = canned_body(&canned, &scenario, &req.body);
                    let ok = write_plain(&mut stream, status, "application/json", &[], &body).await;
                    let t = now_ns(epoch);
                    if let Some(a) = log.lock().expect("log lock").get_mut(index) {
                        a.end_ns = Some(t);
                    }
                    if !ok {
                        return;
                    }
                    continue;
                }
                let mut ctx = Responder {
                    stream: &mut stream,
                    epoch,
                    log: &log,
                    index,
                    started: Instant::now(),
                };
                if req.path.ends_with("/messages") {
                    ctx.respond_anthropic(&scenario, &req.head).await
                } else if req.path.ends_with("/api/chat") {
                    ctx.respond_ollama(&scenario).await
                } else {
                    ctx.respond(&scenario).await
                }
            }
            _ => write_plain(&mut stream, "404 Not Found", "text/plain", &[], "no such path").await,
        };
        if !keep_open {
            return;
        }
    }
}

/// The decimal number after the first `[rid=` in `body`.
fn request_id(body: &[u8]) -> Option<u64> {
    let at = body.windows(5).position(|w| w == b"[rid=")? + 5;
    let digits = body[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&body[at..at + digits]).ok()?.parse().ok()
}

/// The value of header `name` (lowercase) in a request head.
fn header(head: &str, name: &str) -> Option<String> {
    head.split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
}

async fn write_plain(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    extra: &[(&str, String)],
    body: &str,
) -> bool {
    let mut head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(body);
    stream.write_all(head.as_bytes()).await.is_ok()
}

/// The status and body answering a `canned` request: the answer whose key the last user
/// message contains (the longest such key), as an OpenAI chat completion.
fn canned_body(canned: &Canned, s: &Scenario, body: &[u8]) -> (&'static str, String) {
    let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let last_user = request["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .rfind(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_owned();
    let set = s.params.get("set").cloned().unwrap_or_default();
    let found = canned.lock().expect("canned lock").get(&set).and_then(|entries| {
        entries
            .iter()
            .filter(|(key, _)| last_user.contains(key.as_str()))
            .max_by_key(|(key, _)| key.len())
            .map(|(_, a)| a.clone())
    });
    let Some(answer) = found else {
        let msg = format!("no canned answer in set `{set}` for this request");
        return ("404 Not Found", serde_json::json!({ "error": { "message": msg } }).to_string());
    };
    let tool_calls: Vec<serde_json::Value> = answer
        .tool_calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| {
            serde_json::json!({
                "id": format!("call_{i}"),
                "type": "function",
                "function": { "name": name, "arguments": args },
            })
        })
        .collect();
    let mut message = serde_json::json!({ "role": "assistant", "content": answer.content });
    if !tool_calls.is_empty() {
        message["tool_calls"] = serde_json::Value::Array(tool_calls);
    }
    let finish = if answer.tool_calls.is_empty() { "stop" } else { "tool_calls" };
    let body = serde_json::json!({
        "id": "chatcmpl-canned",
        "object": "chat.completion",
        "created": 0,
        "model": s.spec,
        "choices": [{ "index": 0, "message": message, "finish_reason": finish }],
        "usage": { "prompt_tokens": 8, "completion_tokens": 8, "total_tokens": 16 },
    });
    ("200 OK", body.to_string())
}

/// A parsed `model` field.
struct Scenario {
    spec: String,
    name: String,
    params: HashMap<String, String>,
}

impl Scenario {
    fn from_body(body: &[u8]) -> Self {
        let model = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["model"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "ok".to_owned());
        let mut parts = model.split(';');
        let name = parts.next().unwrap_or("ok").trim().to_owned();
        let params = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        Scenario { spec: model, name, params }
    }

    fn num(&self, key: &str, default: u64) -> u64 {
        self.params.get(key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }
}

fn chunk_json(delta: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or("null".to_owned(), |f| format!("\"{f}\""));
    format!(
        "data: {{\"id\":\"chatcmpl-fault\",\"object\":\"chat.completion.chunk\",\"created\":0,\
         \"model\":\"fault\",\"choices\":[{{\"index\":0,\"delta\":{delta},\
         \"finish_reason\":{finish}}}]}}\n\n"
    )
}

fn token_frame(i: u64) -> String {
    chunk_json(&format!("{{\"content\":\" tok{i}\"}}"), None)
}

const ROLE_FRAME: &str = "{\"role\":\"assistant\",\"content\":\"\"}";

fn tail_frames(prompt_tokens: u64, tokens: u64) -> String {
    let mut s = chunk_json("{}", Some("stop"));
    s.push_str(&format!(
        "data: {{\"id\":\"chatcmpl-fault\",\"object\":\"chat.completion.chunk\",\"created\":0,\
         \"model\":\"fault\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{prompt_tokens},\
         \"completion_tokens\":{tokens},\"total_tokens\":{}}}}}\n\n",
        prompt_tokens + tokens
    ));
    s.push_str("data: [DONE]\n\n");
    s
}

struct Responder<'a> {
    stream: &'a mut TcpStream,
    epoch: Instant,
    log: &'a Log,
    index: usize,
    started: Instant,
}

impl Responder<'_> {
    fn record(&self, f: impl FnOnce(&mut Arrival)) {
        if let Some(a) = self.log.lock().expect("log lock").get_mut(self.index) {
            f(a);
        }
    }

    async fn head(&mut self) -> bool {
        self.head_of("text/event-stream").await
    }

    async fn head_of(&mut self, content_type: &str) -> bool {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncache-control: no-cache\r\n\
             transfer-encoding: chunked\r\n\r\n"
        );
        self.stream.write_all(head.as_bytes()).await.is_ok()
    }

    /// Anthropic Messages: only the `ok` scenario, paced like the OpenAI one. Like the real
    /// API, a request without `anthropic-version` is refused.
    async fn respond_anthropic(&mut self, s: &Scenario, head: &str) -> bool {
        if !head.to_ascii_lowercase().contains("\r\nanthropic-version: 2023-06-01") {
            let body = r#"{"type":"error","error":{"type":"invalid_request_error","message":"anthropic-version: header is required"}}"#;
            let ok =
                write_plain(self.stream, "400 Bad Request", "application/json", &[], body).await;
            self.abandon();
            return ok;
        }
        let (tokens, ttft, itl) = (s.num("tokens", 8), s.num("ttft_ms", 50), s.num("itl_ms", 10));
        let open = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_fault\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"fault\",\"stop_reason\":null,\"usage\":{\"input_tokens\":8,\"output_tokens\":1}}}\n\n\
            event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n\
            event: ping\ndata: {\"type\":\"ping\"}\n\n";
        if !(self.head().await && self.chunk(None, open, false).await) {
            self.abandon();
            return false;
        }
        for i in 0..tokens {
            let frame = format!(
                "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\
                 \"delta\":{{\"type\":\"text_delta\",\"text\":\" tok{i}\"}}}}\n\n"
            );
            if !self.chunk(Some(ttft + i * itl), &frame, true).await {
                self.abandon();
                return false;
            }
        }
        let close = format!(
            "event: content_block_stop\ndata: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n\
             event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\
             \"end_turn\"}},\"usage\":{{\"output_tokens\":{tokens}}}}}\n\n\
             event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
        );
        self.chunk(None, &close, false).await && self.end().await
    }

    /// Ollama native `/api/chat`: only the `ok` scenario, one NDJSON record per token and a
    /// final `done` record with the server's counters.
    async fn respond_ollama(&mut self, s: &Scenario) -> bool {
        let (tokens, ttft, itl) = (s.num("tokens", 8), s.num("ttft_ms", 50), s.num("itl_ms", 10));
        if !self.head_of("application/x-ndjson").await {
            self.abandon();
            return false;
        }
        for i in 0..tokens {
            let line = format!(
                "{{\"model\":\"fault\",\"message\":{{\"role\":\"assistant\",\"content\":\" tok{i}\"}},\
                 \"done\":false}}\n"
            );
            if !self.chunk(Some(ttft + i * itl), &line, true).await {
                self.abandon();
                return false;
            }
        }
        let done = format!(
            "{{\"model\":\"fault\",\"message\":{{\"role\":\"assistant\",\"content\":\"\"}},\"done\":true,\
             \"done_reason\":\"stop\",\"prompt_eval_count\":8,\"eval_count\":{tokens},\
             \"total_duration\":1000000,\"eval_duration\":500000}}\n"
        );
        self.chunk(None, &done, false).await && self.end().await
    }

    /// Writes one HTTP chunk at `at_ms` after the request arrived (now if `None`).
    async fn chunk(&mut self, at_ms: Option<u64>, data: &str, token: bool) -> bool {
        if let Some(ms) = at_ms {
            pace_until(self.started + Duration::from_millis(ms)).await;
        }
        let framed = format!("{:x}\r\n{data}\r\n", data.len());
        if self.stream.write_all(framed.as_bytes()).await.is_err() {
            return false;
        }
        if token {
            let t = now_ns(self.epoch);
            self.record(|a| a.token_writes_ns.push(t));
        }
        true
    }

    async fn end(&mut self) -> bool {
        let ok = self.stream.write_all(b"0\r\n\r\n").await.is_ok();
        let t = now_ns(self.epoch);
        self.record(|a| a.end_ns = Some(t));
        ok
    }

    fn abandon(&self) {
        let t = now_ns(self.epoch);
        self.record(|a| a.end_ns = Some(t));
    }

    /// Serves `s`; returns whether the connection can take another request.
    async fn respond(&mut self, s: &Scenario) -> bool {
        let ttft = s.num("ttft_ms", 50);
        let itl = s.num("itl_ms", 10);
        let after = s.num("after", 2);
        match s.name.as_str() {
            "http429" => {
                let ra = s.num("retry_after", 2).to_string();
                let body =
                    r#"{"error":{"message":"rate limited","type":"rate_limit_error","code":429}}"#;
                let ok = write_plain(
                    self.stream,
                    "429 Too Many Requests",
                    "application/json",
                    &[("retry-after", ra)],
                    body,
                )
                .await;
                self.abandon();
                ok
            }
            "http500" => {
                let body =
                    r#"{"error":{"message":"internal error","type":"server_error","code":500}}"#;
                let ok = write_plain(
                    self.stream,
                    "500 Internal Server Error",
                    "application/json",
                    &[],
                    body,
                )
                .await;
                self.abandon();
                ok
            }
            "fast" => {
                let tokens = s.num("tokens", 16);
                let mut body = chunk_json(ROLE_FRAME, None);
                for i in 0..tokens {
                    body.push_str(&token_frame(i));
                }
                body.push_str(&tail_frames(8, tokens));
                let ok = self.head().await && self.chunk(None, &body, true).await;
                ok && self.end().await
            }
            "ok" => {
                let tokens = s.num("tokens", 8);
                if !(self.head().await
                    && self.chunk(None, &chunk_json(ROLE_FRAME, None), false).await)
                {
                    self.abandon();
                    return false;
                }
                for i in 0..tokens {
                    if !self.chunk(Some(ttft + i * itl), &token_frame(i), true).await {
                        self.abandon();
                        return false;
                    }
                }
                let ok = self.chunk(None, &tail_frames(8, tokens), false).await;
                ok && self.end().await
            }
            "error_in_stream" | "stall" | "reset" | "malformed" | "truncated" | "interrupted" => {
                if !self.head().await {
                    self.abandon();
                    return false;
                }
                for i in 0..after {
                    if !self.chunk(Some(ttft + i * itl), &token_frame(i), true).await {
                        self.abandon();
                        return false;
                    }
                }
                self.misbehave(s).await
            }
            _ => {
                let body =
                    format!("{{\"error\":{{\"message\":\"unknown scenario `{}`\"}}}}", s.name);
                let ok =
                    write_plain(self.stream, "400 Bad Request", "application/json", &[], &body)
                        .await;
                self.abandon();
                ok
            }
        }
    }

    async fn misbehave(&mut self, s: &Scenario) -> bool {
        match s.name.as_str() {
            "error_in_stream" => {
                let err = "data: {\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\",\"code\":503}}\n\ndata: [DONE]\n\n";
                self.chunk(None, err, false).await && self.end().await
            }
            "stall" => {
                // Hold the stream open, reading nothing and writing nothing, until the
                // client goes away or the stall ends.
                let mut probe = [0u8; 1];
                let _ = tokio::time::timeout(
                    Duration::from_millis(s.num("stall_ms", 60_000)),
                    self.stream.read(&mut probe),
                )
                .await;
                self.abandon();
                false
            }
            "reset" => {
                // Zero linger turns the close into an RST, as a crashed proxy would send.
                let _ = self.stream.set_zero_linger();
                self.abandon();
                false
            }
            "malformed" => {
                let broken = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"\n\n";
                let ok = self.chunk(None, broken, false).await
                    && self.chunk(None, &tail_frames(8, s.num("after", 2)), false).await;
                ok && self.end().await
            }
            "interrupted" => {
                // As llama-cpp-python does to a running stream when another request arrives.
                self.chunk(None, "data: [DONE]\n\n", false).await && self.end().await
            }
            _ => {
                // `truncated`: end the HTTP body cleanly with no finish reason and no [DONE].
                let _ = self.end().await;
                false
            }
        }
    }
}
