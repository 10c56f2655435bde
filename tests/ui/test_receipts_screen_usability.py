"""Receipts screen for hundreds of receipts: search and sort in SQL, exclusions exported and
opened on the donor then cleared after issuing, cancel names the receipt, Duplicata without a
selection says so, the progress bar moves before the first receipt is stored."""

from __future__ import annotations

import csv
import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from app.core.infrastructure.database import Database
from app.core.receipts.listing import fetch_receipts
from app.ui.receipts.page import ReceiptsPage
from app.ui.shell.main_window import MainWindow
from app.ui.shell.tasks import DIALOG_DELAY_MS
from tests.ui.modal import ModalAnswer
from tests.ui.typing import type_text
from tests.unit.receipts_helpers import donor, gift, ready_association


def _issued(main_window: MainWindow, qtbot, db: Database) -> ReceiptsPage:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
        for name, amount in (("Alpha", 5000), ("Bravo", 9000), ("Charlie", 7000)):
            contact = donor(session, name)
            contact.search_text = f"helene {name.lower()} dijon"
            gift(session, contact, date(2025, 5, 1), amount)
        gift(session, donor(session, "Sansadresse", address=False), date(2025, 5, 1), 1000)
    page = main_window.show_section("receipts")
    assert isinstance(page, ReceiptsPage)
    page.year.setValue(2025)
    qtbot.mouseClick(page.prepare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    return page


def test_exclusions_exported_opened_and_cleared_after_issuing(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = _issued(main_window, qtbot, db)
    assert page.problems.rowCount() == 1
    target = tmp_path / "exclusions.csv"
    page.export_exclusions(str(target))
    with target.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0] == ["N° contact", "Donateur", "Motif"] and "SANSADRESSE" in rows[1][1]
    opened: list[dict[str, object]] = []
    main_window.ctx.navigate = lambda key, **kw: opened.append({"key": key, **kw})
    page.problems.selectRow(0)
    qtbot.mouseClick(page.open_donor_button, Qt.MouseButton.LeftButton)
    assert opened == [{"key": "contacts", "contact_id": int(rows[1][0])}]
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    assert page.problems.rowCount() == 0 and not page.export_exclusions_button.isEnabled()


def test_search_sort_and_actions_name_the_receipt(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    page = _issued(main_window, qtbot, db)
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)

    answer = ModalAnswer(qtbot, key=Qt.Key.Key_Return)
    qtbot.mouseClick(page.duplicate_button, Qt.MouseButton.LeftButton)
    assert answer.texts == ["Sélectionnez d'abord un reçu dans la liste."]

    type_text(qtbot, page.search, "bravo")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert "BRAVO" in page.model.row_at(0).donor  # type: ignore[union-attr]
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # amount, largest first
    assert [page.model.row_at(i).total_cents for i in range(3)] == [9000, 7000, 5000]  # type: ignore[union-attr]

    page.table.selectRow(0)
    question = page.cancel_question(replace=False)
    assert "Annuler le reçu n° 2025-0000" in question and "BRAVO" in question
    assert "90,00" in question.replace("\u202f", " ")
    with db.read() as session:  # the same search and sort, straight from SQL
        rows = fetch_receipts(session, 2025, offset=0, limit=10, text="dijon", sort="donor")
    assert [r.donor.split()[0] for r in rows] == ["CHARLIE", "BRAVO", "ALPHA"]


def test_the_progress_bar_moves_before_the_first_step(main_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        progress.start(41_000, "Émission des reçus fiscaux")
        release.wait(10)  # workers starting: nothing stored yet
        progress.advance(1_000)
        return "done"

    results: list[str] = []
    task = main_window.tasks.run(
        work, parent=main_window, label="Émission…", on_success=results.append
    )
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=DIALOG_DELAY_MS * 10)
    assert task.dialog.maximum() == 0  # a moving busy bar, not an empty one  # type: ignore[union-attr]
    release.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=10_000)
