"""What every page receives: the open database and the shared task runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    # navigate("receipts", receipt_id=3): show a section and, if its page has
    # open_item(**kwargs), let it open that item (e.g. the gift form links to its receipt).
    navigate: Callable[..., None] = field(default=lambda key, **kwargs: None)
