#!/usr/bin/env bash
# The rules a tool enforces, run by scripts/test.sh before the tests (so in CI too):
# lint, formatting, types (strict below the GUI and the CLI), and the import layers
# described in docs/architecture.md. Usage: scripts/gates.sh [VENV]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-${OBOLE_VENV:-.venv}}
echo "gates: ruff check" >&2
"$VENV/bin/ruff" check --quiet .
echo "gates: ruff format --check" >&2
"$VENV/bin/ruff" format --check --quiet .
echo "gates: mypy (strict on app/core, app/models, app/reports, app/operations)" >&2
"$VENV/bin/mypy"
echo "gates: lint-imports" >&2
"$VENV/bin/lint-imports" --no-cache
