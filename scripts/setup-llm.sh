#!/usr/bin/env bash
# Installs llama-cpp-python (it compiles llama.cpp: ~16 CPU-minutes) and the SmolLM2 GGUF
# package into a virtualenv cached outside the clone, keyed by the lock file's hash.
# Prints the venv path on stdout; everything else goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/llm-requirements.txt"
key="$(sha256sum "$lock" | cut -c1-16)"
cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
venv="$cache/llm-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet -r "$lock" >&2
  touch "$venv/.complete"
fi
echo "$venv"
