#!/usr/bin/env bash
# Installs `tauri-driver` (the WebDriver proxy in front of WebKitWebDriver) into a cache folder
# outside the clone, keyed by its version, and prints the binary's path on stdout. Idempotent:
# a warm cache costs nothing. WebKitWebDriver itself comes from Debian (setup-debian.sh).
set -euo pipefail
version="${TAURI_DRIVER_VERSION:-2.1.0}"
root="${XDG_CACHE_HOME:-$HOME/.cache}/triplane/tauri-driver-$version"
bin="$root/bin/tauri-driver"
if [ ! -x "$bin" ]; then
  echo "installing tauri-driver $version into $root" >&2
  cargo install tauri-driver --version "=$version" --locked --root "$root" >&2
fi
echo "$bin"
