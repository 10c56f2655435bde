#!/usr/bin/env bash
# Install Obole with its test dependencies, run the gates (ruff, mypy, import-linter: see
# scripts/gates.sh), start a throwaway PostgreSQL, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system_packages.sh
VENV=${OBOLE_VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
bash scripts/gates.sh "$VENV"
source scripts/pg_test_server.sh
export QT_QPA_PLATFORM=offscreen
"$VENV/bin/python" -m pytest -n 2 -p no:cacheprovider "$@"
