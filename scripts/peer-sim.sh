#!/usr/bin/env bash
# The simulation benchmark beside its peer (not a test; not run by scripts/test.sh or CI):
# `triplane simulate` (release build) and a SimPy model of the same agent loop
# (scripts/peer_sim.py) simulate the same example for the same number of days, one after the
# other on one core each; prints a Markdown row per tool. docs/performance.md has the figures.
#
#   scripts/peer-sim.sh [EXAMPLE] [DAYS]      # default: mcp-tunnel 30
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-mcp-tunnel}"
days="${2:-30}"

cache="${TRIPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target-release}"
echo "building the triplane CLI (release)…" >&2
cargo build --release --quiet --locked -p triplane-cli --bin triplane >&2
triplane="$CARGO_TARGET_DIR/release/triplane"
venv="$(scripts/cached-venv.sh peer-simpy scripts/peer-sim-requirements.txt)"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

exec taskset -c 1 "$venv/bin/python" scripts/peer_sim.py --triplane "$triplane" \
  --example "$example" --file "assets/examples/$example.yaml" --days "$days"
