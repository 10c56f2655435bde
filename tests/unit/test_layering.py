"""The domain layers never import Qt, so they run headless (CLI, tests, servers)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_FREE = [
    ROOT / "app" / "core",
    ROOT / "app" / "models",
    ROOT / "app" / "reports",
    ROOT / "app" / "cli.py",
    ROOT / "app" / "clicommands",
    ROOT / "app" / "db.py",
    ROOT / "app" / "paths.py",
    ROOT / "app" / "i18n.py",
    ROOT / "app" / "errors.py",
]


def _python_files() -> list[Path]:
    files: list[Path] = []
    for target in QT_FREE:
        files += [target] if target.is_file() else sorted(target.rglob("*.py"))
    return files


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_does_not_import_qt_or_ui(path: Path) -> None:
    imported = _imported_modules(path)
    offending = sorted(
        m
        for m in imported
        if m.split(".")[0] in {"PySide6", "PyQt5", "PyQt6"}
        or m == "app.ui"
        or m.startswith("app.ui.")
    )
    assert not offending, f"{path.relative_to(ROOT)} imports {offending}"


def test_cli_and_core_run_without_loading_pyside6() -> None:
    code = (
        "import sys, pkgutil, importlib, app.cli, app.core, app.models\n"
        "import app.reports\n"
        "for pkg in (app.core, app.reports, app.models):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
