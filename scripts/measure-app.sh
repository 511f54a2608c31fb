#!/usr/bin/env bash
# Measures the release desktop app beside a hello-world Tauri app built the same way
# (tools/hello-tauri: same tauri version, features and release profile), in one run under Xvfb:
#   - start-up: process start to the start screen's first interactive paint (the marker the app
#     prints, `first-interactive-paint ... unix_ms=`), median of $RUNS launches (default 10);
#   - memory: PSS summed over each app's process tree (WebKit's web and network processes
#     included) when idle, and for Triplane after a simulation driven through WebDriver.
# Figures and per-run data land in test-output/measure-app/; docs/performance.md reports them.
# Not part of .ci/run. Release builds go to ~/.cache/triplane/target-release.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-10}"

scripts/setup-debian.sh
driver=$(scripts/setup-tauri-driver.sh)
scripts/ui-build.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane/target-release}"
cargo build --release --locked -p triplane-app >&2
cargo build --release --locked --manifest-path tools/hello-tauri/Cargo.toml >&2
app="$CARGO_TARGET_DIR/release/triplane-app"
hello="$CARGO_TARGET_DIR/release/hello-tauri"

# A display of its own, so a desktop session or another test's Xvfb does not skew the run.
n=$(for i in $(seq 120 180); do [ -e "/tmp/.X11-unix/X$i" ] || { echo "$i"; break; }; done)
Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null || true' EXIT
sleep 1

out=test-output/measure-app
mkdir -p "$out"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(nproc) x $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "webkit2gtk: $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0)"
  echo "rustc: $(rustc -V)"
  echo "app binary: $(du -h "$app" | cut -f1), hello binary: $(du -h "$hello" | cut -f1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

DISPLAY=":$n" python3 scripts/measure_app.py --app "$app" --hello "$hello" \
  --driver "$driver" --native-driver "$(command -v WebKitWebDriver)" --runs "$runs" --out "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
cat "$out/machine.txt"
