#!/usr/bin/env bash
# Build Obole's desktop bundle (PyInstaller, one folder) on Linux, smoke-test the built
# binaries headless, wrap the bundle in a .deb, install the .deb with dpkg and run it.
#   ./scripts/build_bundle.sh            -> dist/bundle/obole/ and dist/obole_<version>_<arch>.deb
# .github/workflows/release.yml runs the same steps (build_bundle_smoke below) on Windows
# and macOS. Needs root (or sudo) for the dpkg step only; KEEP_INSTALLED=1 keeps the .deb
# installed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
PY=${PYTHON:-python3}
OUT=$SRC/dist
BUILD_VENV=${OBOLE_BUNDLE_VENV:-/tmp/obole-bundle-venv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/obole-bundle.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)
step() { echo "== build_bundle: $* ($(( $(date +%s) - start )) s)"; }

bash scripts/system_packages.sh
# 1. The wheel, installed (not editable) with PyInstaller in a build environment of its own.
step "wheel and build environment"
[ -x "$BUILD_VENV/bin/python" ] || "$PY" -m venv "$BUILD_VENV"
PIP=("$BUILD_VENV/bin/python" -m pip -q --disable-pip-version-check)
rm -rf "$WORK/dist" && "${PIP[@]}" wheel --no-deps -w "$WORK/dist" "$SRC"
"${PIP[@]}" install --no-compile --force-reinstall --no-deps "$WORK"/dist/obole-*.whl
"${PIP[@]}" install --no-compile "$(ls "$WORK"/dist/obole-*.whl)[bundle]"
version=$("$BUILD_VENV/bin/python" -c 'import app; print(app.__version__)')

# 2. The bundle, from the spec (outside the checkout, so only the wheel's files go in).
step "pyinstaller"
rm -rf "$OUT/bundle" "$WORK/build"
(cd "$WORK" && "$BUILD_VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$OUT/bundle" --workpath "$WORK/build" "$SRC/packaging/obole.spec")
BUNDLE=$OUT/bundle/obole
bundle_size=$(du -sh "$BUNDLE" | cut -f1)
step "bundle built: $BUNDLE ($bundle_size)"

# 3. Smoke test of the built binaries: the same function runs on the installed .deb below.
bundle_smoke() {  # bundle_smoke CLI GUI LABEL
  local cli=$1 gui=$2 label=$3 home="$WORK/home-$3" db="$WORK/$3.sqlite3"
  local year
  year=$(date +%Y); year=$((year - 1))
  (
    export OBOLE_HOME="$home" QT_QPA_PLATFORM=offscreen OBOLE_RECEIPT_WORKERS=2
    cd "$WORK"
    "$cli" init --demo 200 --db "$db"
    "$cli" info --db "$db"
    "$cli" receipts issue --year "$year" --db "$db" --out "$WORK/receipts-$label"
    grep -h "worker processes" "$home"/log/obole-*.log \
      || { echo "build_bundle: FAIL: receipts were not rendered by worker processes" >&2; exit 1; }
    "$cli" receipts verify "$year-00001" --db "$db"
    "$gui" --db "$db" --screenshot "$OUT/bundle-$label.png"
  )
  local pdfs
  pdfs=$(ls "$WORK/receipts-$label"/*.pdf | wc -l)
  [ "$pdfs" -ge 1 ] && [ -s "$OUT/bundle-$label.png" ] \
    || { echo "build_bundle: FAIL: $label: $pdfs PDFs, screenshot missing?" >&2; exit 1; }
  step "smoke test of $label passed: $pdfs receipts, window in dist/bundle-$label.png"
}
bundle_smoke "$BUNDLE/obole" "$BUNDLE/obole-gui" folder

# 4. The .deb: the bundle in /opt/obole, launchers in /usr/bin, a menu entry and an icon.
step ".deb"
arch=$(dpkg --print-architecture)
ROOT=$WORK/deb
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/256x256/apps" "$ROOT/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$ROOT/opt/obole"
ln -s /opt/obole/obole "$ROOT/usr/bin/obole"
ln -s /opt/obole/obole-gui "$ROOT/usr/bin/obole-gui"
cp packaging/linux/obole.desktop "$ROOT/usr/share/applications/obole.desktop"
cp resources/icons/obole.png "$ROOT/usr/share/icons/hicolor/256x256/apps/obole.png"
cp resources/icons/obole.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/obole.svg"
installed_kib=$(du -sk "$ROOT" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$installed_kib/" \
  packaging/linux/control.in > "$ROOT/DEBIAN/control"
DEB=$OUT/obole_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
deb_size=$(du -h "$DEB" | cut -f1)
step ".deb built: $DEB ($deb_size)"

# 5. Install it with dpkg and run what a user runs.
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi
if [ "$SUDO" = none ]; then
  echo "build_bundle: not root: the .deb was built but not installed" >&2
else
  $SUDO dpkg -i "$DEB" >/dev/null
  command -v desktop-file-validate >/dev/null \
    && desktop-file-validate /usr/share/applications/obole.desktop
  bundle_smoke /usr/bin/obole /usr/bin/obole-gui deb
  [ "${KEEP_INSTALLED:-0}" = 1 ] || { $SUDO dpkg -r obole >/dev/null; step ".deb removed"; }
fi
elapsed=$(( $(date +%s) - start ))
echo "build_bundle: OK in ${elapsed} s: bundle $bundle_size ($BUNDLE), .deb $deb_size ($DEB)"
