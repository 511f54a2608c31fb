#!/usr/bin/env bash
# Creates (once) a Python virtualenv from a pinned requirements file, cached outside the clone
# under ~/.cache/triplane (or $TRIPLANE_CACHE) and keyed by the file's hash: change a pin, get
# a fresh venv. Prints the venv path on stdout; everything else goes to stderr.
#
#   scripts/cached-venv.sh NAME REQUIREMENTS-FILE
set -euo pipefail
name="$1"
lock="$2"
key="$(sha256sum "$lock" | cut -c1-16)"
cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
venv="$cache/$name-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  # llama-cpp-python compiles llama.cpp; let it use every core.
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet -r "$lock" >&2
  touch "$venv/.complete"
fi
echo "$venv"
