#!/usr/bin/env bash
# Builds rathole (crates.io) into a cache folder keyed by its version, for the tunnel system
# test. Prints the binary's path on stdout. About 4 CPU-minutes the first time.
set -euo pipefail
version="0.5.0"
cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
root="$cache/rathole-$version"
if [ ! -x "$root/bin/rathole" ]; then
  mkdir -p "$root"
  # Not --locked: rathole's lock file pins time 0.3.29, which no longer compiles on current
  # Rust (type inference change, fixed in time 0.3.35); the version of rathole stays pinned.
  cargo install rathole --version "$version" --root "$root" \
    --no-default-features --features server,client,noise >&2
fi
echo "$root/bin/rathole"
