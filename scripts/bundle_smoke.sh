#!/usr/bin/env bash
# Smoke test of a built desktop bundle, headless; the same on Linux (scripts/build_bundle.sh,
# on the bundle folder and on the installed .deb), Windows and macOS (release workflow).
#   scripts/bundle_smoke.sh CLI GUI LABEL OUTDIR
# CLI: the console launcher (obole), GUI: the windowed one (obole-gui). Creates a demo
# database of 200 contacts, issues last year's receipts through worker processes, checks
# one, and grabs the window to OUTDIR/bundle-LABEL.png.
set -euo pipefail
cli=$1 gui=$2 label=$3 out=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/obole-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OBOLE_HOME="$work/home" QT_QPA_PLATFORM=offscreen OBOLE_RECEIPT_WORKERS=2
db="$work/demo.sqlite3"
year=$(( $(date +%Y) - 1 ))
cd "$work"
"$cli" init --demo 200 --db "$db"
"$cli" info --db "$db"
"$cli" receipts issue --year "$year" --db "$db" --out "$work/receipts"
grep -h "worker processes" "$OBOLE_HOME"/log/obole-*.log \
  || { echo "bundle_smoke: FAIL: the receipts were not rendered by worker processes" >&2; exit 1; }
"$cli" receipts verify "$year-00001" --db "$db"
mkdir -p "$out"
shot="$out/bundle-$label.png"
rm -f "$shot"
"$gui" --db "$db" --screenshot "$shot"
pdfs=$(ls "$work/receipts"/*.pdf | wc -l)
[ "$pdfs" -ge 1 ] || { echo "bundle_smoke: FAIL: no receipt PDF" >&2; exit 1; }
[ -s "$shot" ] || { echo "bundle_smoke: FAIL: no screenshot of the window" >&2; exit 1; }
echo "bundle_smoke: $label OK: $pdfs receipts through workers, window grabbed to $shot"
