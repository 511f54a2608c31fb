#!/usr/bin/env bash
# Installs the LiteLLM proxy (pinned, with its proxy companions) that the router system test
# boots, into a virtualenv cached outside the clone, keyed by the lock file's hash. Prints the
# venv path on stdout; everything else goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/litellm-requirements.txt"
key="$(sha256sum "$lock" | cut -c1-16)"
cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
venv="$cache/litellm-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  "$venv/bin/pip" install --quiet -r "$lock" >&2
  touch "$venv/.complete"
fi
echo "$venv"
