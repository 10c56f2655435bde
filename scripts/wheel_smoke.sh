#!/usr/bin/env bash
# Build Obole's wheel, install it (not editable) in a fresh virtual environment outside the
# checkout, and run a short smoke test from there: what a user's `pip install obole` gets.
# Fast on purpose (CI runs it after the tests): pip's cache is reused and the dependencies
# come from the wheel's own metadata.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/obole-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

"$PY" -m venv "$WORK/venv"
PIP=("$WORK/venv/bin/python" -m pip -q --disable-pip-version-check)
"${PIP[@]}" wheel --no-deps -w "$WORK/dist" "$SRC"
wheel=$(ls "$WORK"/dist/obole-*.whl)
"${PIP[@]}" install --no-compile "$wheel"
echo "wheel_smoke: built and installed $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

# From outside the checkout, with a private home: nothing may come from $SRC.
cd "$WORK"
export OBOLE_HOME="$WORK/home" QT_QPA_PLATFORM=offscreen PYTHONPATH= PYTHONSAFEPATH=1
BIN="$WORK/venv/bin"
where=$("$BIN/python" -c 'import app, app.resources as r; print(app.__file__, r.root())')
case "$where" in
  *"$SRC"*) echo "wheel_smoke: FAIL: app imported from the checkout: $where" >&2; exit 1 ;;
esac
echo "wheel_smoke: app and resources from $where"
DB="$WORK/x.sqlite3"
"$BIN/obole" init --demo 50 --db "$DB"
"$BIN/obole" info --db "$DB"
year=$("$BIN/python" -c 'import datetime; print(datetime.date.today().year - 1)')
"$BIN/obole" receipts issue --year "$year" --db "$DB" --out "$WORK/receipts"
count=$(ls "$WORK/receipts"/*.pdf | wc -l)
[ "$count" -ge 1 ] || { echo "wheel_smoke: FAIL: no receipt PDF written" >&2; exit 1; }
"$BIN/obole" receipts verify "$year-00001" --db "$DB"
"$BIN/obole-gui" --db "$DB" --screenshot "$WORK/window.png"
[ -s "$WORK/window.png" ] || { echo "wheel_smoke: FAIL: no screenshot" >&2; exit 1; }
echo "wheel_smoke: OK ($count receipts for $year, window grabbed) in $(( $(date +%s) - start )) s"
