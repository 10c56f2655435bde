"""The one background-task runner: work off the GUI thread, progress, cancel, results back.

A task is a plain callable `work(progress, cancel) -> result` that opens its own session
(only ids and plain data cross threads). Progress reaches the GUI through queued signals;
the progress dialog appears only if the task is still running after DIALOG_DELAY_MS, so
quick work never flashes a dialog. Cancel sets a CancelToken the work checks between
batches; the work then raises OperationCancelled and its transaction rolls back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid
from sqlalchemy.orm import Session

from app.core.infrastructure.database import Database
from app.core.progress import CancelToken, Progress
from app.errors import OperationCancelled
from app.i18n import _
from app.operations.base import Changes, OperationContext, Outcome

logger = logging.getLogger(__name__)

DIALOG_DELAY_MS = 500
T = TypeVar("T")
Work = Callable[[Any, CancelToken], Any]


def alive(widget: QWidget | None) -> bool:
    """False once the widget's C++ object is gone (a page rebuilt while its work ran)."""
    return widget is None or isValid(widget)


def _while_alive(widget: QWidget | None, callback: Callable[[T], None]) -> Callable[[T], None]:
    """`callback`, skipped when `widget` was deleted before the result came back."""

    def call(result: T) -> None:
        if alive(widget):
            callback(result)

    return call


class _Signals(QObject):
    started = Signal(int, str)
    advanced = Signal(int)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _SignalProgress:
    """Progress protocol implementation that forwards to Qt signals (thread-safe)."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._lock = threading.Lock()
        self.done = 0

    def start(self, total: int, label: str = "") -> None:
        self._signals.started.emit(total, label)

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self.done += steps
            done = self.done
        self._signals.advanced.emit(done)


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _Signals, cancel: CancelToken) -> None:
        super().__init__()
        self._work, self._signals, self._cancel = work, signals, cancel
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._work(_SignalProgress(self._signals), self._cancel)
        except OperationCancelled:
            self._signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)


class Task(QObject):
    """One running task; keeps its dialog and callbacks alive until it ends."""

    done = Signal()

    def __init__(
        self, owner: QObject, parent: QWidget | None, label: str, *, cancellable: bool
    ) -> None:
        # Owned by the runner, not by the widget that asked: a page rebuilt while its read
        # runs must not delete the task that still has to finish (and leave the runner).
        super().__init__(owner)
        self.cancel_token = CancelToken()
        self.signals = _Signals()
        self._parent = parent
        self._label = label
        self._cancellable = cancellable
        self._total = 0
        self._done = 0
        self._dialog: QProgressDialog | None = None
        self._timer = QTimer(self, singleShot=True, interval=DIALOG_DELAY_MS)
        self._timer.timeout.connect(self._show_dialog)
        self.signals.started.connect(self._on_started, Qt.ConnectionType.QueuedConnection)
        self.signals.advanced.connect(self._on_advanced, Qt.ConnectionType.QueuedConnection)
        self.running = True

    def _show_dialog(self) -> None:
        if not self.running or not alive(self._parent):
            return
        # until the first step is done the bar is a moving "busy" bar (range 0..0): a big
        # batch spends seconds starting its workers before the first receipt is stored
        dialog = QProgressDialog(
            self._label,
            _("Annuler") if self._cancellable else "",
            0,
            self._total if self._done else 0,
            self._parent,
        )
        dialog.setWindowTitle(_("Veuillez patienter"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self._cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        dialog.show()
        self._dialog = dialog

    def _on_started(self, total: int, label: str) -> None:
        self._total = total
        if label:
            self._label = label
        if self._dialog is not None:
            self._dialog.setMaximum(total if self._done else 0)
            self._dialog.setLabelText(self._label)

    def _on_advanced(self, done: int) -> None:
        self._done = done
        if self._dialog is not None:
            if self._dialog.maximum() != self._total:
                self._dialog.setMaximum(self._total)
            self._dialog.setValue(min(done, self._total) if self._total else 0)

    @property
    def dialog(self) -> QProgressDialog | None:
        """The progress dialog once shown (None before DIALOG_DELAY_MS or after the end)."""
        return self._dialog

    def cancel(self) -> None:
        """Ask the work to stop (it stops at its next check)."""
        self.cancel_token.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(_("Annulation en cours…"))

    def finish(self) -> None:
        """Close the dialog; called on the GUI thread when the work ends."""
        self.running = False
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        self.done.emit()


class TaskRunner(QObject):
    """Runs tasks one at a time on a single worker thread (SQLite allows one writer)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tasks: set[Task] = set()

    def run(
        self,
        work: Work,
        *,
        parent: QWidget | None,
        label: str,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        cancellable: bool = True,
    ) -> Task:
        """Start `work` in the background and call back on the GUI thread."""
        task = Task(self, parent, label, cancellable=cancellable)
        self._tasks.add(task)

        def finished(result: Any) -> None:
            task.finish()
            self._tasks.discard(task)
            if on_success:
                on_success(result)

        def failed(exc: BaseException) -> None:
            task.finish()
            self._tasks.discard(task)
            if on_error:
                on_error(exc)
            else:
                from app.ui.shell.errors import show_error

                show_error(parent if alive(parent) else None, exc)

        def cancelled() -> None:
            task.finish()
            self._tasks.discard(task)
            if on_cancel:
                on_cancel()

        queued = Qt.ConnectionType.QueuedConnection
        task.signals.finished.connect(finished, queued)
        task.signals.failed.connect(failed, queued)
        task.signals.cancelled.connect(cancelled, queued)
        task._timer.start()
        self._pool.start(_Runnable(work, task.signals, task.cancel_token))
        return task

    def wait(self, msecs: int = -1) -> bool:
        """Block until every task ended (used on quit and by tests)."""
        return self._pool.waitForDone(msecs)


# --- database runner (Anki's CollectionOp / QueryOp) ---------------------------------
#
# This is the one module of app/ui that opens database sessions: operations open their
# own (app/operations), `query` opens a read session on the worker thread, and
# `read_window` is the synchronous read a lazy table model makes when Qt asks it for a
# window of rows (a bounded LIMIT/OFFSET query by design, see LazyTableModel).


class DatabaseRunner:
    """Runs operations and queries on the single worker thread; tells views what changed.

    `op` runs `operation(OperationContext) -> Outcome[T]` and, on the GUI thread, emits the
    outcome's Change set on `events.changes` before calling `on_success(result)`.
    `query` runs `read(session) -> T` in a read session. Failures reach `on_failure` (or the
    one error dialog, app/ui/shell/errors.py); `on_finally` runs after either, to restore a page.
    """

    def __init__(
        self,
        tasks: TaskRunner,
        database: Callable[[], Database],
        events: DataEventsLike | None = None,
    ) -> None:
        self._tasks = tasks
        self._database = database
        self._events = events

    @property
    def database(self) -> Database:
        """The open database (it changes after a restore or a switch)."""
        return self._database()

    def op(
        self,
        operation: Callable[[OperationContext], Outcome[T]],
        *,
        parent: QWidget | None,
        label: str,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        on_finally: Callable[[], None] | None = None,
        cancellable: bool = True,
    ) -> Task:
        """Run a user action off the GUI thread, then announce its changes."""
        database = self.database

        def work(progress: Progress, cancel: CancelToken) -> Outcome[T]:
            return operation(OperationContext(database, progress=progress, cancel=cancel))

        def succeeded(outcome: Outcome[T]) -> None:
            if self._events is not None and outcome.changes:
                self._events.notify(outcome.changes)
            if on_success is not None and alive(parent):
                on_success(outcome.result)

        return self._start(
            work, parent, label, succeeded, on_failure, on_cancel, on_finally, cancellable
        )

    def query(
        self,
        read: Callable[[Session], T],
        *,
        parent: QWidget | None,
        label: str = "",
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_finally: Callable[[], None] | None = None,
    ) -> Task:
        """Read in the background (a preview, a plan, a form's data)."""
        database = self.database

        def work(_progress: Progress, _cancel: CancelToken) -> T:
            with database.read() as session:
                return read(session)

        return self._start(
            work,
            parent,
            label or _("Lecture des données…"),
            None if on_success is None else _while_alive(parent, on_success),
            on_failure,
            None,
            on_finally,
            False,
        )

    def task(
        self,
        work: Callable[[Progress, CancelToken], T],
        *,
        parent: QWidget | None,
        label: str,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        cancellable: bool = False,
    ) -> Task:
        """Run `work` (which calls one or several operations) off the GUI thread; when it
        returns an Outcome, announce its changes like `op`, and hand the Outcome itself to
        `on_success` (for screens that read more than the result)."""

        def succeeded(value: T) -> None:
            if isinstance(value, Outcome) and self._events is not None and value.changes:
                self._events.notify(value.changes)
            if on_success is not None and alive(parent):
                on_success(value)

        return self._start(work, parent, label, succeeded, on_failure, None, None, cancellable)

    def read_window(self, read: Callable[[Session], T]) -> T:
        """A bounded synchronous read for a lazy table model (count or one window of rows)."""
        with self.database.read() as session:
            return read(session)

    def _start(
        self,
        work: Work,
        parent: QWidget | None,
        label: str,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
        on_cancel: Callable[[], None] | None,
        on_finally: Callable[[], None] | None,
        cancellable: bool,
    ) -> Task:
        def after(callback: Callable[..., None] | None) -> Callable[..., None]:
            def call(*args: Any) -> None:
                try:
                    if callback is not None:
                        callback(*args)
                finally:
                    if on_finally is not None and alive(parent):
                        on_finally()

            return call

        def failed(exc: BaseException) -> None:
            if on_failure is not None and alive(parent):
                on_failure(exc)
            else:
                from app.ui.shell.errors import show_error

                show_error(parent if alive(parent) else None, exc)

        return self._tasks.run(
            work,
            parent=parent,
            label=label,
            on_success=after(on_success),
            on_error=after(failed),
            on_cancel=after(on_cancel),
            cancellable=cancellable,
        )


def local_runner(database: Database, parent: QObject | None) -> DatabaseRunner:
    """A runner of its own, for a window opened before the main window (the login) or on
    its own (a dialog under test): one worker thread, no view to tell what changed."""
    return DatabaseRunner(TaskRunner(parent), lambda: database)


class DataEventsLike(Protocol):
    """What the runner needs of app.ui.shell.context.DataEvents."""

    def notify(self, changes: Changes) -> None:
        """Tell every view what changed."""
        ...
