"""What every page receives: the open database and the shared task runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from app.core.infrastructure.database import Database
from app.operations.base import EVERYTHING, Change, Changes
from app.paths import AppPaths
from app.ui.shell.tasks import DatabaseRunner, TaskRunner


class DataEvents(QObject):
    """What changed in the data, so that every view reloads what it shows (Anki's op changes).

    The database runner emits each operation's Change set; a page subscribes to `changes`
    and reloads when the set meets what it shows.
    """

    changes = Signal(object)  # frozenset[Change]

    def notify(self, changes: Changes | set[Change]) -> None:
        """Tell every view that `changes` happened."""
        self.changes.emit(frozenset(changes))

    def notify_everything(self) -> None:
        """After a restore, a database switch or demo data: every view reloads."""
        self.notify(EVERYTHING)


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

    @property
    def ops(self) -> DatabaseRunner:
        """The one way a page touches the database (operations, queries, table windows)."""
        return DatabaseRunner(self.tasks, lambda: self.database, self.events)
