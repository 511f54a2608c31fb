#!/usr/bin/env bash
# End-to-end test of the real desktop app through WebDriver (tests/app/e2e.rs): installs what
# it needs (Debian packages, tauri-driver), builds the UI, the app and the CLI, runs the UI's
# language check, then drives the app. Screenshots land in test-output/app-e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/setup-debian.sh
driver=$(scripts/setup-tauri-driver.sh)
scripts/ui-build.sh
(cd ui && npm test >&2)
cargo build -p triplane-app -p triplane-cli
TAURI_DRIVER="$driver" cargo test -p triplane-systests --test app -- --nocapture

echo "test-e2e: passed in $(( $(date +%s) - start )) s" >&2
