#!/usr/bin/env bash
# The main job: set up a fresh Debian machine, build the UI and the desktop app, and start
# the app on the bundled examples. Arguments go to the app (`--db FILE`, a deployment file or
# `example:ID` to open at start).
#
# With no $DISPLAY the app runs under Xvfb; once its first interactive paint is logged, a
# screenshot is saved to test-output/run-app.png and the app is stopped (set
# TRIPLANE_KEEP_RUNNING=1 to leave it running until Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-debian.sh
scripts/ui-build.sh
cargo build -p triplane-app
app="${CARGO_TARGET_DIR:-target}/debug/triplane-app"

if [ -n "${DISPLAY:-}" ]; then
  exec "$app" "$@"
fi

# Headless: open an example so the screenshot shows the plane view, not only the list.
if [ "$#" -eq 0 ]; then
  first=$(ls assets/examples | grep -m1 -E '^hybrid' || ls assets/examples | head -1)
  set -- "example:${first%.yaml}"
fi
mkdir -p test-output
display=":${TRIPLANE_XVFB_DISPLAY:-77}"
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
log=test-output/run-app.log
DISPLAY="$display" "$app" "$@" >"$log" 2>&1 &
app_pid=$!
trap 'kill "$app_pid" 2>/dev/null; kill "$xvfb" 2>/dev/null; wait 2>/dev/null' EXIT

for _ in $(seq 1 120); do
  grep -q first-interactive-paint "$log" && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$log" >&2; echo "the app exited" >&2; exit 3; }
  sleep 0.5
done
grep first-interactive-paint "$log" >&2 || { echo "no first paint after 60 s; see $log" >&2; exit 3; }
sleep 1
xwd -root -silent -display "$display" | convert xwd:- test-output/run-app.png
echo "screenshot: test-output/run-app.png" >&2

if [ "${TRIPLANE_KEEP_RUNNING:-0}" = 1 ]; then
  echo "the app runs on display $display; Ctrl-C to stop" >&2
  wait "$app_pid"
fi
