#!/usr/bin/env bash
# Creates (once) a Python virtualenv from a pinned requirements file, cached outside the clone
# under ~/.cache/triplane (or $TRIPLANE_CACHE) and keyed by the file's hash: change a pin, get
# a fresh venv. Prints the venv path on stdout; everything else goes to stderr.
#
#   scripts/cached-venv.sh NAME REQUIREMENTS-FILE
set -euo pipefail
name="$1"
lock="$2"
# When set, CMAKE_ARGS (how llama.cpp is compiled, scripts/setup-llm.sh) is part of the key.
key="$( { cat "$lock"; [ -z "${CMAKE_ARGS:-}" ] || printf 'CMAKE_ARGS=%s\n' "$CMAKE_ARGS"; } \
  | sha256sum | cut -c1-16)"
cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
venv="$cache/$name-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  # llama-cpp-python compiles llama.cpp; let it use every core.
  # With CMAKE_ARGS, pip's wheel cache is bypassed: it keys a built wheel by the source package
  # alone and would hand back a llama.cpp compiled with other flags.
  nocache=()
  [ -z "${CMAKE_ARGS:-}" ] || nocache=(--no-cache-dir)
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet "${nocache[@]}" \
    -r "$lock" >&2
  touch "$venv/.complete"
fi
echo "$venv"
