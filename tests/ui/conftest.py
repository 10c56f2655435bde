"""GUI tests run offscreen; the main window is built over a temporary database.

A Qt warning fails the test (as an unexpected log warning does, tests/conftest.py): Qt
reports a wrong connection, a bad layout, a model misuse or a painter error only as a
warning, and a warning nobody reads is a bug nobody fixes.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler  # noqa: E402

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


# Known harmless platform noise, each explained. Keep this list short and the patterns narrow.
QT_NOISE = [
    # The offscreen platform has no window system: Qt says it cannot tell where a window
    # is or how it is decorated. Nothing a user of a real screen would see.
    re.compile(r"^This plugin does not support (propagateSizeHints|raise|grabbing)"),
    # Offscreen has no fonts of its own; Qt says so once and falls back to fontconfig's.
    re.compile(r"^QFontDatabase: Cannot find font directory"),
]
_FAILING = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}


@pytest.fixture(autouse=True)
def fail_on_qt_warning() -> Iterator[None]:
    """A Qt warning (or worse) during the test fails it, unless it is known platform noise."""
    caught: list[str] = []

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind in _FAILING and not any(p.search(message) for p in QT_NOISE):
            caught.append(f"{kind.name}: {message}")

    previous = qInstallMessageHandler(handler)
    yield
    qInstallMessageHandler(previous)
    if caught:
        pytest.fail("Qt warning(s): " + " | ".join(caught))
