"""GUI tests run offscreen; the main window is built over a temporary database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.core.database import Database  # noqa: E402
from app.paths import app_paths  # noqa: E402


@pytest.fixture
def main_window(qtbot, db: Database, isolated_home: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The main window over the test database (shown offscreen)."""
    from app.ui.application import make_application
    from app.ui.main_window import MainWindow

    make_application()
    window = MainWindow(db, app_paths().ensure())
    qtbot.addWidget(window)
    window.show()
    yield window
    window.tasks.wait()
