#!/usr/bin/env bash
# Installs llama-cpp-python (it compiles llama.cpp: ~16 CPU-minutes) and the SmolLM2 GGUF
# package into a cached virtualenv; prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/cached-venv.sh" llm "$here/llm-requirements.txt"
