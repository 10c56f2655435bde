#!/usr/bin/env bash
# Install Obole in a local virtual environment and start it (local SQLite database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system_packages.sh
VENV=${OBOLE_VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e .
exec "$VENV/bin/obole" "$@"
