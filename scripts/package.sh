#!/usr/bin/env bash
# Builds the release app and its Linux packages, a `.deb` and an `.rpm`, with the Tauri CLI
# that ui/package.json pins (npm `@tauri-apps/cli`, which carries its own binary), then checks
# what each package installs. Not part of .ci/run: a release build takes a long while.
#
#   scripts/package.sh            # packages land in test-output/packages/
#
# The release build goes to ~/.cache/triplane/target-release (or $CARGO_TARGET_DIR) so it
# never waits on, or invalidates, the debug builds in target/. AppImage is not built here: its
# bundler downloads tools while building (README, Packaging).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "== $* ($(( $(date +%s) - start )) s)" >&2; }

step "system packages (and rpm, lintian, cpio for the checks)"
scripts/setup-debian.sh
missing=()
for p in rpm lintian cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

step "UI build (and the Tauri CLI from the lockfile)"
scripts/ui-build.sh

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/triplane/target-release}"
step "release build and bundles into $CARGO_TARGET_DIR"
# The CLI finds the app by these two paths rather than by searching the tree, which also holds
# tools/hello-tauri. ui/dist is already built, so no `beforeBuildCommand` is configured.
TAURI_APP_PATH="$PWD/src-tauri" TAURI_FRONTEND_PATH="$PWD/ui" \
  ui/node_modules/.bin/tauri build --ci --bundles deb,rpm >&2

version=$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -1)
deb="$CARGO_TARGET_DIR/release/bundle/deb/Triplane_${version}_amd64.deb"
rpm_file="$CARGO_TARGET_DIR/release/bundle/rpm/Triplane-${version}-1.x86_64.rpm"
out=test-output/packages
mkdir -p "$out"
cp "$deb" "$rpm_file" "$out/"
deb="$out/$(basename "$deb")"
rpm_file="$out/$(basename "$rpm_file")"

# What a user's system gets: the binary, the desktop entry and the icons, in both packages.
expected=(
  usr/bin/triplane-app
  usr/share/applications/Triplane.desktop
  usr/share/icons/hicolor/32x32/apps/triplane-app.png
  usr/share/icons/hicolor/128x128/apps/triplane-app.png
  usr/share/icons/hicolor/256x256@2/apps/triplane-app.png
)
fail=0

step "check $deb"
dpkg-deb --info "$deb" >&2
dpkg-deb --contents "$deb" > "$out/deb-contents.txt"
for f in "${expected[@]}"; do
  # The Tauri bundler lists members as `usr/...`, dpkg-deb's own builds as `./usr/...`.
  grep -Eq " (\./)?$f\$" "$out/deb-contents.txt" || { echo "error: the .deb lacks /$f" >&2; fail=1; }
done
# Unpacked, the binary must load all its libraries: a bad option makes it exit with status 2
# before it opens a window, so no display is needed.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb --extract "$deb" "$root/deb"
status=0
"$root/deb/usr/bin/triplane-app" --no-such-option 2>"$out/deb-run.txt" || status=$?
if [ "$status" -ne 2 ] || ! grep -q "unknown option" "$out/deb-run.txt"; then
  echo "error: the packaged binary did not start (status $status):" >&2
  cat "$out/deb-run.txt" >&2
  fail=1
fi
# Lintian holds a package to Debian's archive policy (changelog, copyright file, man page),
# which a bundler-made package does not aim at; its findings are kept, not fatal.
lintian --no-tag-display-limit "$deb" > "$out/lintian.txt" 2>&1 || true
echo "lintian: $(grep -c '^E:' "$out/lintian.txt") errors, $(grep -c '^W:' "$out/lintian.txt") \
warnings (test-output/packages/lintian.txt)" >&2

step "check $rpm_file"
rpm -qip "$rpm_file" >&2
rpm -qlp "$rpm_file" > "$out/rpm-contents.txt"
rpm -qRp "$rpm_file" > "$out/rpm-requires.txt"
for f in "${expected[@]}"; do
  grep -qx "/$f" "$out/rpm-contents.txt" || { echo "error: the .rpm lacks /$f" >&2; fail=1; }
done
mkdir -p "$root/rpm"
# Debian 12's rpm2cpio (rpm 4.18) exits 1 even when it wrote the whole payload; whether the
# payload is whole is what the comparison of the two binaries below checks.
rpm2cpio "$rpm_file" > "$root/payload.cpio" || true
(cd "$root/rpm" && cpio -idm --quiet < "$root/payload.cpio")
# The Tauri bundler marks each copy with its package type (`__TAURI_BUNDLE_TYPE_VAR_DEB`,
# `_RPM`, read by the updater); apart from that mark the two binaries must be the same bytes.
python3 - "$root/deb/usr/bin/triplane-app" "$root/rpm/usr/bin/triplane-app" <<'PY' ||
import re, sys
mark = re.compile(rb"__TAURI_BUNDLE_TYPE_VAR_([A-Z]{3})")
deb, rpm = (open(p, "rb").read() for p in sys.argv[1:])
kinds = [[m.group(1) for m in mark.finditer(b)] for b in (deb, rpm)]
same = mark.sub(b"", deb) == mark.sub(b"", rpm)
sys.exit(0 if same and kinds == [[b"DEB"], [b"RPM"]] else 1)
PY
  { echo "error: the .rpm and the .deb carry different binaries (beyond the package-type mark)" >&2; fail=1; }

if [ "$fail" -ne 0 ]; then
  echo "package: FAILED checks above" >&2
  exit 1
fi
ls -l "$deb" "$rpm_file" >&2
step "done: $deb, $rpm_file"
