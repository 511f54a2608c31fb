#!/usr/bin/env bash
# The side-by-side benchmark of issue #5 item 11 (not a test; not run by scripts/test.sh or CI):
# Triplane's `bench latency --rate R`, GuideLLM and oha against the fault server, one
# workload, the server's own record as ground truth. Prints Markdown tables; see
# scripts/peer_bench.py for what is measured and docs/performance.md for the figures.
#
#   scripts/peer-bench.sh [--duration S] [--ladder R,R,…] [--guidellm-ladder R,R,…] [--out FILE]
#
# Installs what it needs in caches under ~/.cache/triplane: a release build of the triplane CLI
# and the fault server (in target-release, beside the app's release build), oha from crates.io,
# GuideLLM from PyPI in a venv. Needs taskset (util-linux) and two cores; runs the
# server and clients at nice -10, so run it as root (or drop PRIORITY in peer_bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
oha_version="1.16.0"

echo "building the triplane CLI and the fault server (release)…" >&2
# The release target folder scripts/measure-app.sh and scripts/package.sh use too.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target-release}"
cargo build --release --quiet -p triplane-cli -p triplane-systests --bin triplane --bin fault-server >&2

oha="$cache/oha-$oha_version/bin/oha"
if [ ! -x "$oha" ]; then
  echo "installing oha $oha_version…" >&2
  cargo install oha --version "$oha_version" --locked --root "$cache/oha-$oha_version" >&2
fi

venv="$(scripts/cached-venv.sh peer-guidellm scripts/peer-bench-requirements.txt)"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec python3 scripts/peer_bench.py \
  --triplane "$CARGO_TARGET_DIR/release/triplane" \
  --fault-server "$CARGO_TARGET_DIR/release/fault-server" \
  --oha "$oha" \
  --guidellm "$venv/bin/guidellm" \
  "$@"
