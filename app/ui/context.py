"""What every page receives: the open database and the shared task runner."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.core.database import Database
from app.paths import AppPaths
from app.ui.tasks import TaskRunner


class DataEvents(QObject):
    """Signals pages emit after a change so that other pages refresh (Anki's op changes)."""

    changed = Signal(str)  # entity name: "contact", "gift", "receipt", "settings"...


@dataclass
class UiContext:
    """Shared objects of the main window, handed to each page."""

    database: Database
    paths: AppPaths
    tasks: TaskRunner
    events: DataEvents
