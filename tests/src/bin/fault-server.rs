//! Runs the fault server until killed: `fault-server [--port N] [--canned FILE]`. Prints the
//! base URL on stdout once listening; `GET /_arrivals` returns what it recorded, as JSON.
//!
//! `--canned FILE` registers canned answers for the `canned;set=NAME` scenario from a JSON
//! array of `{"set": …, "key": …, "content": … | null, "tool_calls": [[name, arguments]]}`,
//! so the app's quality view can be driven against known answers.

use std::net::SocketAddr;

use triplane_systests::fault_server::{CannedAnswer, FaultServer};

fn usage(msg: &str) -> ! {
    eprintln!("error: {msg}; usage: fault-server [--port N] [--canned FILE]");
    std::process::exit(2)
}

fn canned(path: &str) -> Vec<(String, String, CannedAnswer)> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| usage(&format!("cannot read `{path}`: {e}")));
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text)
        .unwrap_or_else(|e| usage(&format!("`{path}` is not a JSON array: {e}")));
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let field = |k: &str| {
                e[k].as_str().map(str::to_owned).unwrap_or_else(|| {
                    usage(&format!("entry {i} of `{path}` needs a string `{k}`"))
                })
            };
            let tool_calls = e["tool_calls"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let part = |j: usize| c[j].as_str().unwrap_or_default().to_owned();
                    (part(0), part(1))
                })
                .collect();
            let answer =
                CannedAnswer { content: e["content"].as_str().map(str::to_owned), tool_calls };
            (field("set"), field("key"), answer)
        })
        .collect()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut port = 0u16;
    let mut answers = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| usage("`--port` needs a number"))
            }
            "--canned" => {
                let path = args.next().unwrap_or_else(|| usage("`--canned` needs a file"));
                answers.extend(canned(&path));
            }
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let server = FaultServer::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    for (set, key, answer) in answers {
        server.add_canned(&set, &key, answer);
    }
    println!("{}", server.url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
