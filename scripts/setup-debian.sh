#!/usr/bin/env bash
# Debian packages the app build and the system tests need. Idempotent; skips apt when
# everything is already installed (the common warm case).
set -euo pipefail
pkgs=(
  # Tauri v2 on Linux (WebKitGTK 4.1)
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
  librsvg2-dev libsoup-3.0-dev libxdo-dev libgtk-3-dev
  # the real app under WebDriver, and screenshots
  webkit2gtk-driver xvfb x11-apps imagemagick
  # secret service for keyring tests
  gnome-keyring dbus-x11 libsecret-1-dev libdbus-1-dev
  # export targets checked by system tests
  minisign bubblewrap socat ripgrep
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
