#!/usr/bin/env bash
# End-to-end tests of the real desktop app through WebDriver (tests/app/*.rs): installs what
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
# Every `[[test]]` of tests/Cargo.toml whose name starts with `app` drives the app.
tests=$(sed -n 's/^name = "\(app[a-z_]*\)"$/--test \1/p' tests/Cargo.toml)
# `--workspace` rather than `-p triplane-systests`: Cargo resolves features for the packages a
# command selects, and only this selection shares its compiled dependencies with
# scripts/test.sh's `cargo test --workspace` (tests/build/features.rs checks it).
# shellcheck disable=SC2086
TAURI_DRIVER="$driver" cargo test --workspace $tests -- --nocapture

echo "test-e2e: passed in $(( $(date +%s) - start )) s" >&2
