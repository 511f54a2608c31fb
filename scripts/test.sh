#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian/Ubuntu machine, then runs all of them:
# formatting and lints, the Rust unit, integration and system tests (real SQLite files, the
# SmolLM2 llama.cpp server, minisign, validators, rathole, srt, an MCP server, the real app
# through WebDriver under Xvfb), and the UI's own checks.
#
# Slow installs (llama.cpp build, Python venvs, tauri-driver, rathole) are cached outside the
# clone under ~/.cache/triplane, keyed by a lock of their versions: a cold run compiles
# llama.cpp (~16 CPU-minutes), a warm one reuses everything.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "== $* ($(( $(date +%s) - start )) s)" >&2; }

step "system packages"
scripts/setup-debian.sh
if ! command -v cargo >/dev/null; then
  echo "error: cargo is not installed; install the Rust toolchain (rustup) first" >&2
  exit 3
fi

step "cached tools (llama.cpp server, validators, LiteLLM, rathole, srt, tauri-driver)"
scripts/setup-llm.sh >/dev/null
scripts/setup-validators.sh >/dev/null
scripts/setup-litellm.sh >/dev/null
scripts/setup-rathole.sh >/dev/null
scripts/setup-srt.sh >/dev/null
TAURI_DRIVER="$(scripts/setup-tauri-driver.sh)"
export TAURI_DRIVER

# CI clones the repository anew for every run, so `target/` would start empty each time. When
# there is no `target/` yet, point it at a cache folder keyed by the compiler version: cargo's
# own fingerprints keep it correct, and a warm run rebuilds only what changed.
if [ ! -e target ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
  shared="$cache/cargo-target-$(rustc -V | sha256sum | cut -c1-12)"
  mkdir -p "$shared"
  ln -s "$shared" target
fi

step "UI build (the app embeds ui/dist)"
scripts/ui-build.sh

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build binaries the system tests drive"
cargo build --workspace --bins --locked

step "UI checks (types, language catalogs)"
(cd ui && npm test)

step "Rust tests (unit, integration, system, app end-to-end)"
# One test binary at a time for the system tests: they start servers and an X display, and
# the machine has two cores.
cargo test --workspace --locked --no-fail-fast

step "done in $(( $(date +%s) - start )) s"
