"""The CLI's commands open no database session: writes are operations, reads go through
`CliContext.query` (app/operations/base.read), as the GUI's go through its runner (#13).

A session opened by a command (also `ctx.database().write()`) fails this test.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.unit.test_ui_sessions import session_openings

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ROOT / "app" / "clicommands"
CONTEXT = COMMANDS / "context.py"

# file -> sessions still opened there (none left: keep it so).
REMAINING: dict[str, int] = {}


def cli_openings() -> Counter[str]:
    """Session openings per CLI module, the context excepted."""
    found: Counter[str] = Counter()
    for path in sorted(COMMANDS.rglob("*.py")):
        if path != CONTEXT and (count := session_openings(path)):
            found[str(path.relative_to(ROOT))] = count
    return found


def test_commands_open_no_session() -> None:
    assert dict(cli_openings()) == REMAINING
