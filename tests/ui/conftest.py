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
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler  # noqa: E402

from app.core.infrastructure.database import Database  # noqa: E402
from app.paths import app_paths  # noqa: E402


@pytest.fixture
def main_window(qtbot, db: Database, isolated_home: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The main window over the test database (shown offscreen)."""
    from app.ui.shell.application import make_application
    from app.ui.shell.main_window import MainWindow

    make_application()
    window = MainWindow(db, app_paths().ensure())
    qtbot.addWidget(window)
    window.show()
    yield window
    window.tasks.wait()


@dataclass
class Shown:
    """What the user was shown: message boxes and the crash dialog, in order."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)
    answer: object = None  # what a question box answers (Yes when None)

    def texts(self) -> list[str]:
        """The texts shown, in order."""
        return [text for _kind, _title, text in self.messages]

    def kinds(self) -> list[str]:
        """warning / information / critical / question / crash, in order."""
        return [kind for kind, _title, _text in self.messages]


@pytest.fixture
def shown(qapp, monkeypatch: pytest.MonkeyPatch) -> Shown:  # type: ignore[no-untyped-def]
    """Records every message box and crash dialog instead of showing it (offscreen modal
    boxes would block); a test then asserts what the user was told."""
    from PySide6.QtWidgets import QMessageBox

    from app.ui.shell.errors import CrashDialog

    record = Shown()

    def box(kind: str) -> object:
        def show(_parent: object, title: str, text: str, *args: object, **kwargs: object) -> object:
            record.messages.append((kind, title, text))
            if kind == "question":
                return record.answer or QMessageBox.StandardButton.Yes
            return QMessageBox.StandardButton.Ok

        return staticmethod(show)

    for kind in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))

    def crash(dialog: CrashDialog) -> int:
        record.messages.append(("crash", dialog.windowTitle(), dialog.details))
        return 0

    monkeypatch.setattr(CrashDialog, "exec", crash)
    return record


# Known harmless platform noise, each with its reason. Keep it short and the patterns narrow.
QT_NOISE: list[re.Pattern[str]] = [
    # The offscreen platform cannot resize a window to its size hints; printed when a
    # window-modal dialog is opened with QDialog.open(). Real platforms do it silently.
    re.compile(r"^This plugin does not support propagateSizeHints\(\)$"),
]
_FAILING = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}


class QtWarnings:
    """The Qt warnings (or worse) seen during a test, except the known noise."""

    def __init__(self) -> None:
        self.caught: list[str] = []

    def handle(self, kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        """Qt's message handler."""
        if kind in _FAILING and not any(p.search(message) for p in QT_NOISE):
            self.caught.append(f"{kind.name}: {message}")


@pytest.fixture(autouse=True)
def fail_on_qt_warning() -> Iterator[QtWarnings]:
    """A Qt warning (or worse) during the test fails it, unless it is known platform noise."""
    warnings = QtWarnings()
    previous = qInstallMessageHandler(warnings.handle)
    yield warnings
    qInstallMessageHandler(previous)
    if warnings.caught:
        pytest.fail("Qt warning(s): " + " | ".join(warnings.caught))
