#!/usr/bin/env bash
# Installs the UI's npm packages from package-lock.json (only when the lock changed since the
# last install) and builds ui/dist, which the app embeds at compile time.
set -euo pipefail
cd "$(dirname "$0")/../ui"
stamp=node_modules/.triplane-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund >&2
  echo "$want" > "$stamp"
fi
npm run build >&2
