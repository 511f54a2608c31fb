//! The exported router on the real LiteLLM proxy (pinned in scripts/litellm-requirements.txt,
//! offline price map). The hybrid example is exported and signed with the built CLI, checked
//! with `triplane verify`, and that very folder is served: `router/config.yaml` with the
//! bundled `triplane_hook.py`, overridden only through environment variables. The sovereign
//! group points at SmolLM2 (`scripts/start-llm.sh`), the frontier group at the fault server
//! speaking Anthropic Messages, which records every request it gets. Nothing is skipped: a
//! missing tool fails the test with the setup script to run.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};
use triplane_systests::fault_server::FaultServer;
use triplane_systests::{repo, start_llm, triplane_bin, Llm};

const MASTER_KEY: &str = "sk-strong-test-key";

/// The venv scripts/setup-litellm.sh builds, keyed like the script.
fn litellm_venv() -> PathBuf {
    let lock = std::fs::read(repo().join("scripts/litellm-requirements.txt")).unwrap();
    let key = &hex::encode(Sha256::digest(lock))[..16];
    let cache = match std::env::var_os("TRIPLANE_CACHE") {
        Some(c) => PathBuf::from(c),
        None => std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"))
            .join("triplane"),
    };
    let venv = cache.join(format!("litellm-venv-{key}"));
    assert!(
        venv.join(".complete").exists() && venv.join("bin/litellm").exists(),
        "the LiteLLM proxy is not installed at {}: run scripts/setup-litellm.sh",
        venv.display()
    );
    venv
}

fn require_binary(name: &str, script: &str) {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().unwrap();
    assert!(found.status.success(), "`{name}` is not installed: run {script}");
}

fn run_cli(args: &[&str]) -> Output {
    let out = Command::new(triplane_bin()).args(args).output().expect("the triplane binary runs");
    assert!(
        out.status.success(),
        "`triplane {}` exited {:?}:\n{}{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The hybrid example, exported and signed by the CLI, and accepted by `triplane verify`.
fn verified_bundle(tmp: &Path) -> PathBuf {
    let keys = tmp.join("keys");
    let bundle = tmp.join("bundle");
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    run_cli(&["keygen", "--dir", &path(&keys)]);
    let example = repo().join("assets/examples/hybrid.yaml");
    let key = keys.join("triplane.key");
    run_cli(&["export", &path(&example), "--out", &path(&bundle), "--sign", &path(&key)]);
    let public = keys.join("triplane.pub");
    run_cli(&["verify", &path(&bundle), "--pubkey", &path(&public)]);
    bundle
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The proxy in its own process group, killed with the group on drop (it may fork workers).
struct Proxy {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Proxy {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// Starts `litellm --config router/config.yaml` from the router folder (so the hook imports)
/// with only environment overrides, and waits for its readiness endpoint.
fn start_proxy(venv: &Path, bundle: &Path, env: &[(&str, String)], log: PathBuf) -> Proxy {
    let port = free_port();
    let file = std::fs::File::create(&log).unwrap();
    let mut cmd = Command::new(venv.join("bin/litellm"));
    cmd.args(["--config", "config.yaml", "--host", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(bundle.join("router"))
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .env("LITELLM_MASTER_KEY", MASTER_KEY)
        .env("LITELLM_TELEMETRY", "False")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .process_group(0);
    let child = cmd.spawn().expect("the litellm entry point runs");
    let mut proxy = Proxy { child, url: format!("http://127.0.0.1:{port}"), log };

    // A cold start imports a large package tree; 120 s is ample on a loaded 2-core machine.
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        let ready = curl(&["--max-time", "2", &format!("{}/health/readiness", proxy.url)]);
        if ready.status == 200 {
            return proxy;
        }
        if let Ok(Some(status)) = proxy.child.try_wait() {
            panic!(
                "the LiteLLM proxy exited ({status}) before it was ready; log:\n{}",
                proxy.log()
            );
        }
        assert!(
            Instant::now() < until,
            "the LiteLLM proxy was not ready within 120 s; log:\n{}",
            proxy.log()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One HTTP exchange through `curl`; status 0 when nothing answered.
fn curl(args: &[&str]) -> Reply {
    let out = Command::new("curl")
        .args(["-sS", "-D", "/dev/stdout", "-o", "/dev/stdout"])
        .args(args)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply { status, headers: headers.to_owned(), body: body.to_owned() }
}

/// A chat completion for the public name `router`, with a data-class header when given.
fn chat(proxy: &Proxy, class: Option<&str>, prompt: &str, stream: bool) -> Reply {
    let body = serde_json::json!({
        "model": "router",
        "max_tokens": 8,
        "temperature": 0,
        "stream": stream,
        "messages": [{"role": "user", "content": prompt}],
    });
    let auth = format!("Authorization: Bearer {MASTER_KEY}");
    let class = class.map(|c| format!("x-triplane-data-class: {c}"));
    let mut args = vec!["--max-time", "120", "-H", "Content-Type: application/json", "-H", &auth];
    if let Some(c) = &class {
        args.extend(["-H", c.as_str()]);
    }
    let body = body.to_string();
    let url = format!("{}/v1/chat/completions", proxy.url);
    args.extend(["--data", &body, &url]);
    let reply = curl(&args);
    assert_eq!(
        reply.status,
        200,
        "class {class:?}: the proxy answered {}:\n{}\nproxy log:\n{}",
        reply.status,
        reply.body,
        proxy.log()
    );
    reply
}

/// SmolLM2's count of answered chat completions once it reaches `n`, or after 5 s: the access
/// line is written just after the response.
fn answered(llm: &Llm, n: usize) -> usize {
    let until = Instant::now() + Duration::from_secs(5);
    while llm.chat_requests() < n && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    llm.chat_requests()
}

#[test]
fn the_proxy_sends_personal_to_smollm2_and_public_to_the_frontier() {
    require_binary("curl", "scripts/setup-debian.sh");
    let venv = litellm_venv();
    let tmp = tempfile::tempdir().unwrap();
    let bundle = verified_bundle(tmp.path());

    let llm = start_llm(None);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let frontier = runtime.block_on(FaultServer::start()).unwrap();
    let env = [
        ("QWEN_SPARK_API_BASE", llm.url.clone()),
        ("QWEN_SPARK_API_KEY", "local".to_owned()),
        ("CLASSIFIER_API_BASE", llm.url.clone()),
        ("CLASSIFIER_API_KEY", "local".to_owned()),
        ("ANTHROPIC_API_KEY", "dummy".to_owned()),
        // LiteLLM's `anthropic/` provider reads its base URL from this variable.
        ("ANTHROPIC_API_BASE", format!("http://{}", frontier.addr())),
    ];
    let proxy = start_proxy(&venv, &bundle, &env, tmp.path().join("litellm.log"));

    let asked = llm.chat_requests();
    let personal =
        chat(&proxy, Some("personal"), "Summarise: patient Marie D., HbA1c 8.2 %.", false);
    assert_eq!(
        personal.header("x-litellm-model-id"),
        Some("sovereign.qwen-spark"),
        "a personal request is served by the sovereign deployment; headers:\n{}",
        personal.headers
    );
    let json: Value = serde_json::from_str(&personal.body).expect("a JSON chat completion");
    let id = json["id"].as_str().unwrap_or_default();
    assert!(id.starts_with("chatcmpl-"), "llama-cpp-python's completion id, got `{id}`");
    assert!(
        json["choices"][0]["message"]["content"].as_str().is_some_and(|c| !c.contains("tok0")),
        "SmolLM2 wrote the answer, not the fault server: {json}"
    );
    assert!(frontier.arrivals().is_empty(), "a personal request never reaches the frontier");
    assert_eq!(
        answered(&llm, asked + 1),
        asked + 1,
        "a class set by the client is not asked of the classifier: one request to SmolLM2"
    );

    let public = chat(&proxy, Some("public"), "What is the capital of France?", true);
    assert_eq!(
        public.header("x-litellm-model-id"),
        Some("frontier.claude"),
        "a public request is served by the frontier deployment; headers:\n{}",
        public.headers
    );
    assert!(public.body.contains("tok0"), "the fault server's text streams back:\n{}", public.body);
    let arrivals = frontier.arrivals();
    assert_eq!(arrivals.len(), 1, "one public request reached the frontier: {arrivals:?}");
    assert_eq!(arrivals[0].scenario, "claude-sonnet-4-6", "LiteLLM sent the configured model");

    // No class: the hook asks the classifier (SmolLM2, whose greedy answer here is the start of
    // a letter, not a label), and an answer that is not exactly a label sends the request to
    // the sovereign group.
    let asked = llm.chat_requests();
    let unclassified = chat(&proxy, None, "Draft a reply to the discharge letter.", false);
    assert_eq!(
        unclassified.header("x-litellm-model-id"),
        Some("sovereign.qwen-spark"),
        "an unclassified request takes the sovereign default; headers:\n{}",
        unclassified.headers
    );
    assert_eq!(frontier.arrivals().len(), 1, "the unclassified request stayed sovereign");
    assert_eq!(
        answered(&llm, asked + 2),
        asked + 2,
        "SmolLM2 answered the classifier's question and then the request itself"
    );

    drop(proxy);
    drop(llm);
}
