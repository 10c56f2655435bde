"""No database session is opened in app/ui outside the runner module (issue #13, point 3).

app/ui/shell/tasks.py (DatabaseRunner) is the only place allowed to open one: operations open
their own on its worker thread, `query` opens a read session there, and `read_window` is
the bounded read a lazy table model makes when Qt asks it for a window of rows (a Qt
model fetching rows on demand is a read by design; it goes through the runner too).

REMAINING lists the sites not converted yet; it is empty (20 sites were left after the
first pass, 0 now), so any session opened in app/ui outside the runner fails this test.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "app" / "ui"
RUNNER = UI / "shell" / "tasks.py"
OPENERS = {"read", "write", "sessions"}
HOLDERS = {"database", "sessions", "db"}

# file -> sessions still opened there (GUI-thread work not moved to the runner yet): none.
REMAINING: dict[str, int] = {}


def _holder(node: ast.expr) -> str | None:
    """`database`, `ctx.database`, and `ctx.database()` (the CLI opens it lazily)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def session_openings(path: Path) -> int:
    """Calls like `database.read()`, `ctx.database().write()`, `database.sessions()`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in OPENERS
        and _holder(node.func.value) in HOLDERS
    )


def ui_openings() -> Counter[str]:
    """Session openings per file of app/ui, the runner module excepted."""
    found: Counter[str] = Counter()
    for path in sorted(UI.rglob("*.py")):
        if path != RUNNER and (count := session_openings(path)):
            found[str(path.relative_to(ROOT))] = count
    return found


def test_the_runner_is_the_only_place_that_opens_sessions() -> None:
    assert dict(ui_openings()) == REMAINING


def test_the_runner_opens_them() -> None:
    assert session_openings(RUNNER) >= 1
