#!/usr/bin/env bash
# Benchmark system tests: the fault server cases, then a short run against SmolLM2 through
# the CLI (installs the cached llama-cpp-python venv on first use, ~16 CPU-minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p triplane-cli
cargo test -p triplane-systests --test bench_faults --test bench_cli
cargo test -p triplane-systests --test bench_llm -- --nocapture
