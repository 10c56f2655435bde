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
#    OBOLE_BUNDLE_REUSE=1 skips steps 1 and 2 when dist/bundle/obole exists (packaging only).
BUNDLE=$OUT/bundle/obole
if [ "${OBOLE_BUNDLE_REUSE:-0}" = 1 ] && [ -x "$BUNDLE/obole" ]; then
  version=$("$BUNDLE/obole" --version 2>/dev/null | awk '{print $NF}')
  step "reusing $BUNDLE ($version)"
else
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
  step "bundle built: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
fi
bundle_size=$(du -sh "$BUNDLE" | cut -f1)

# 3. Smoke test of the built binaries (the same script runs on the installed .deb below,
#    and on Windows and macOS in the release workflow).
step "smoke test of the bundle folder"
bash scripts/bundle_smoke.sh "$BUNDLE/obole" "$BUNDLE/obole-gui" folder "$OUT"
tarball=$OUT/obole-$version-linux-$(uname -m).tar.gz
tar -C "$OUT/bundle" -czf "$tarball" obole

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
dpkg-deb --root-owner-group -Zzstd --build "$ROOT" "$DEB" >/dev/null  # zstd: xz took >15 min here
deb_size=$(du -h "$DEB" | cut -f1)
step ".deb built: $DEB ($deb_size)"

# 5. Install it with dpkg and run what a user runs.
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi
if [ "$SUDO" = none ]; then
  echo "build_bundle: not root: the .deb was built but not installed" >&2
else
  # dpkg installs the package; apt then brings the system libraries it depends on (Qt's
  # xcb plugin needs a few that a headless machine may lack), as a user's apt would.
  if ! $SUDO dpkg -i "$DEB" >/dev/null 2>"$WORK/dpkg.err"; then
    grep -q "dependency problems" "$WORK/dpkg.err" || { cat "$WORK/dpkg.err" >&2; exit 1; }
    step "installing the .deb's dependencies with apt"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >/dev/null
  fi
  dpkg-query -W -f='${Status}\n' obole | grep -q "install ok installed"
  step ".deb installed: $(dpkg-query -W -f='${Package} ${Version}' obole)"
  command -v desktop-file-validate >/dev/null \
    && desktop-file-validate /usr/share/applications/obole.desktop
  step "smoke test of the installed .deb"
  bash scripts/bundle_smoke.sh /usr/bin/obole /usr/bin/obole-gui deb "$OUT"
  [ "${KEEP_INSTALLED:-0}" = 1 ] || { $SUDO dpkg -r obole >/dev/null; step ".deb removed"; }
fi
elapsed=$(( $(date +%s) - start ))
echo "build_bundle: OK in ${elapsed} s: bundle $bundle_size ($BUNDLE), .deb $deb_size ($DEB)," \
  "archive $(du -h "$tarball" | cut -f1)"
