//! Shared helpers for the system tests: the fault server, the SmolLM2 server they start
//! through `scripts/start-llm.sh`, and the path of the `triplane` binary they drive.

pub mod app_driver;
pub mod fault_server;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// SmolLM2-135M-Instruct served by llama-cpp-python (`scripts/start-llm.sh`); stopped with
/// SIGTERM on drop so the script's trap stops Python too.
pub struct Llm {
    child: Child,
    /// The OpenAI-compatible base URL, `http://127.0.0.1:PORT/v1`.
    pub url: String,
    /// The server's output (`TRIPLANE_LLM_LOG`), uvicorn's access lines included.
    pub log: PathBuf,
}

impl Llm {
    /// How many chat completions the server has answered so far, from its access log.
    pub fn chat_requests(&self) -> usize {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines().filter(|l| l.contains("\"POST /v1/chat/completions ")).count()
    }
}

impl Drop for Llm {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// Starts the SmolLM2 server on a free loopback port, with llama-cpp-python's `chat_format`
/// when given (`TRIPLANE_LLM_CHAT_FORMAT`), and waits until it announces its URL.
pub fn start_llm(chat_format: Option<&str>) -> Llm {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let log = std::env::temp_dir().join(format!(
        "triplane-llm-{}-{}.log",
        std::process::id(),
        stamp.as_nanos()
    ));
    let mut cmd = Command::new(repo().join("scripts/start-llm.sh"));
    cmd.env("TRIPLANE_LLM_LOG", &log);
    if let Some(format) = chat_format {
        cmd.env("TRIPLANE_LLM_CHAT_FORMAT", format);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("scripts/start-llm.sh runs");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    // A cold venv build takes about 16 CPU-minutes; a cached one starts in seconds.
    let url = rx
        .recv_timeout(Duration::from_secs(40 * 60))
        .expect("the LLM server announced its URL")
        .trim()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "unexpected start-llm.sh output `{url}`");
    Llm { child, url, log }
}

/// The CLI of this very build (`target/debug`, where the test binary's `deps/` lives), or
/// `$TRIPLANE_BIN`. Cargo does not build another package's binary for a test, so
/// `cargo build -p triplane-cli` must run first (scripts/test.sh does).
pub fn triplane_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let default = exe.parent().and_then(Path::parent).unwrap().join("triplane");
    let path = std::env::var_os("TRIPLANE_BIN").map(PathBuf::from).unwrap_or(default);
    assert!(path.is_file(), "`{}` is missing; hint: cargo build -p triplane-cli", path.display());
    path
}
