"""The task runner: results and errors come back on the GUI thread; cancel stops the work."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from shiboken6 import isValid

from app.errors import ValidationError
from app.ui.shell.tasks import DatabaseRunner, TaskRunner


def test_result_is_delivered_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    results: list[tuple[object, bool]] = []
    main = threading.current_thread()

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        assert threading.current_thread() is not main
        return 42

    runner.run(
        work,
        parent=None,
        label="x",
        on_success=lambda r: results.append((r, threading.current_thread() is main)),
    )
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [(42, True)]


def test_errors_reach_the_error_callback(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    errors: list[BaseException] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        raise ValidationError("Ligne 3, colonne Montant : nombre attendu")

    runner.run(work, parent=None, label="x", on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "Ligne 3" in str(errors[0])


def test_slow_work_shows_a_progress_dialog_that_can_cancel(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    runner = TaskRunner()
    cancelled: list[bool] = []
    steps: list[int] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        progress.start(1000, "Travail long")
        for i in range(1000):
            time.sleep(0.005)
            progress.advance()
            steps.append(i)
            cancel.raise_if_cancelled()
        return "fini"

    task = runner.run(
        work, parent=parent, label="Travail long", on_cancel=lambda: cancelled.append(True)
    )
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog) is not None, timeout=3000)
    dialog = parent.findChild(QProgressDialog)
    assert dialog.labelText() == "Travail long"
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=3000)
    (button,) = dialog.findChildren(QPushButton)
    assert button.text() == "Annuler"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(cancelled), timeout=5000)
    assert len(steps) < 1000 and not task.running


def test_quick_work_never_flashes_a_dialog(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner()
    done: list[object] = []
    runner.run(lambda p, c: 1, parent=parent, label="vite", on_success=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    qtbot.wait(600)
    assert parent.findChild(QProgressDialog) is None


def test_a_task_outlives_the_page_that_asked_for_it(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    """A page rebuilt while its read runs (the demo reloads every page) is deleted with its
    pending task: the task must still end, leave the runner, and not call the dead page."""
    runner = TaskRunner()
    release = threading.Event()
    called: list[object] = []
    page = QWidget()
    DatabaseRunner(runner, lambda: db).query(
        lambda _session: release.wait(5) and 1,
        parent=page,
        on_success=called.append,
        on_finally=lambda: called.append("finally"),
    )
    page.deleteLater()
    qtbot.waitUntil(lambda: not isValid(page), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: not runner._tasks, timeout=5000)
    assert called == []  # nothing reached the deleted page


def test_a_screen_task_announces_what_its_operations_changed(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    """Screens that call several operations in one background task (appeals, members,
    forms) tell the other views what changed, as `op` does."""
    from app.operations.base import Change, Outcome

    class Events:
        def __init__(self) -> None:
            self.heard: list[frozenset[Change]] = []

        def notify(self, changes: frozenset[Change]) -> None:
            self.heard.append(changes)

    events, got = Events(), []
    runner = DatabaseRunner(TaskRunner(), lambda: db, events)
    runner.task(
        lambda _p, _c: Outcome(7, frozenset({Change.CAMPAIGNS})),
        parent=None,
        label="x",
        on_success=got.append,
    )
    runner.task(lambda _p, _c: 8, parent=None, label="y", on_success=got.append)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    assert events.heard == [frozenset({Change.CAMPAIGNS})]
    assert got == [Outcome(7, frozenset({Change.CAMPAIGNS})), 8]
