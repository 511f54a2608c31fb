//! A minimal MCP client over Streamable HTTP, for `pins capture` and `pins check`:
//! `initialize`, `notifications/initialized`, then `tools/list` page by page.
//!
//! The server may answer a POST with a JSON object or an SSE stream; both are read. A session
//! id from `initialize` is sent back on later requests, as servers before the 2026-07-28
//! stateless revision require.

use std::time::Duration;

use serde_json::{json, Value};

const PROTOCOL_VERSION: &str = "2025-06-18";
/// A server that pages forever is refused rather than followed.
const MAX_PAGES: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error("cannot reach `{url}`: {message}")]
    Http { url: String, message: String },
    #[error("`{url}` answered `{method}` with HTTP {status}: {body}")]
    Status { url: String, method: String, status: u16, body: String },
    #[error("`{url}` sent no JSON-RPC response to `{method}`")]
    NoResponse { url: String, method: String },
    #[error("`{url}` returned an error to `{method}`: {error}")]
    Rpc { url: String, method: String, error: String },
    #[error("`{url}` returned a malformed `tools/list` result")]
    Malformed { url: String },
    #[error("`{url}` kept paging `tools/list` past {MAX_PAGES} pages")]
    TooManyPages { url: String },
}

struct Session {
    client: reqwest::Client,
    url: String,
    session_id: Option<String>,
    next_id: u64,
}

impl Session {
    async fn post(
        &mut self,
        method: &str,
        params: Value,
        notification: bool,
    ) -> Result<Option<Value>, McpError> {
        let mut body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        let id = self.next_id;
        if !notification {
            body["id"] = json!(id);
            self.next_id += 1;
        }
        let mut req = self
            .client
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", PROTOCOL_VERSION)
            .json(&body);
        if let Some(s) = &self.session_id {
            req = req.header("mcp-session-id", s);
        }
        let http =
            |e: reqwest::Error| McpError::Http { url: self.url.clone(), message: e.to_string() };
        let resp = req.send().await.map_err(http)?;
        if let Some(s) = resp.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()) {
            self.session_id = Some(s.to_string());
        }
        let status = resp.status();
        let is_sse = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let text = resp
            .text()
            .await
            .map_err(|e| McpError::Http { url: self.url.clone(), message: e.to_string() })?;
        if !status.is_success() {
            return Err(McpError::Status {
                url: self.url.clone(),
                method: method.into(),
                status: status.as_u16(),
                body: text.chars().take(200).collect(),
            });
        }
        if notification {
            return Ok(None);
        }
        let messages: Vec<Value> = if is_sse {
            sse_data(&text).filter_map(|d| serde_json::from_str(&d).ok()).collect()
        } else {
            serde_json::from_str(&text).into_iter().collect()
        };
        let reply = messages
            .into_iter()
            .find(|m| m.get("id") == Some(&json!(id)))
            .ok_or_else(|| McpError::NoResponse { url: self.url.clone(), method: method.into() })?;
        if let Some(err) = reply.get("error") {
            return Err(McpError::Rpc {
                url: self.url.clone(),
                method: method.into(),
                error: err.to_string(),
            });
        }
        Ok(reply.get("result").cloned())
    }
}

/// The `data` payloads of an SSE body, multi-line data joined with `\n`.
fn sse_data(text: &str) -> impl Iterator<Item = String> + '_ {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|event| {
            event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|l| l.strip_prefix(' ').unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|d| !d.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

/// Every tool a live server lists.
pub async fn list_tools(url: &str) -> Result<Vec<Value>, McpError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| McpError::Http { url: url.into(), message: e.to_string() })?;
    let mut s = Session { client, url: url.to_string(), session_id: None, next_id: 1 };
    s.post(
        "initialize",
        json!({"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
               "clientInfo": {"name": "triplane", "version": env!("CARGO_PKG_VERSION")}}),
        false,
    )
    .await?;
    s.post("notifications/initialized", json!({}), true).await?;

    let mut tools = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let params = match &cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let result = s
            .post("tools/list", params, false)
            .await?
            .ok_or_else(|| McpError::Malformed { url: url.into() })?;
        let page = result
            .get("tools")
            .and_then(Value::as_array)
            .ok_or_else(|| McpError::Malformed { url: url.into() })?;
        tools.extend(page.iter().cloned());
        cursor = result.get("nextCursor").and_then(Value::as_str).map(String::from);
        if cursor.is_none() {
            return Ok(tools);
        }
    }
    Err(McpError::TooManyPages { url: url.into() })
}

#[cfg(test)]
mod tests {
    use super::sse_data;

    #[test]
    fn sse_payloads_are_joined_per_event() {
        let body = "event: message\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n: ping\n\ndata: {}\n\n";
        let got: Vec<String> = sse_data(body).collect();
        assert_eq!(got, vec!["{\"a\":\n1}".to_string(), "{}".to_string()]);
    }
}
