#!/usr/bin/env bash
# Installs Anthropic's sandbox runtime (`srt`, npm) into a cache folder keyed by its version,
# for the sandbox system test. Needs bubblewrap, socat and ripgrep (scripts/setup-debian.sh).
# Prints the `srt` path on stdout.
set -euo pipefail
version="0.0.83"
cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
root="$cache/srt-$version"
if [ ! -x "$root/node_modules/.bin/srt" ]; then
  mkdir -p "$root"
  npm install --prefix "$root" --no-audit --no-fund --silent "@anthropic-ai/sandbox-runtime@$version" >&2
fi
echo "$root/node_modules/.bin/srt"
