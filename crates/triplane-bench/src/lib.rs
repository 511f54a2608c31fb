//! Triplane's latency benchmark: streaming clients for OpenAI-compatible chat completions,
//! Anthropic Messages and Ollama's native API; raw per-request timestamps; metrics with
//! their formulas; load models (sequential, fixed concurrency, constant rate, Poisson,
//! sweep) that count latency from the intended send time; and batched writes to the store.
//!
//! Layering, bottom up: `sse` and `ndjson` frame bytes; `protocol` says what each vendor's
//! messages mean; `record` stamps times while a body is read; `client` sends one request;
//! `load` paces requests; `runner` drives a whole run and its stop rules; `metrics` and
//! `charts` turn records into figures. No layer retries a request: a benchmark that re-sends
//! a generation measures something other than what it reports.

pub mod charts;
pub mod client;
pub mod load;
pub mod machine;
pub mod metrics;
pub mod ndjson;
pub mod prompt;
pub mod protocol;
pub mod record;
pub mod runner;
pub mod sse;
pub mod storage;

pub use client::{Endpoint, RequestOptions};
pub use load::Load;
pub use metrics::{summarize, Summary};
pub use protocol::Api;
pub use record::{Outcome, RequestRecord};
pub use runner::{run, Limits, Progress, RunResult, RunSpec};
