"""GDPR screen: register edit and export, requests with deadlines, erasure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.models import Contact, ProcessingActivity, RightsRequest
from app.models.enums import ContactStatus
from app.ui.gdpr.page import GdprPage
from app.ui.shell.main_window import MainWindow
from tests.unit.receipts_helpers import donor


def _page(main_window: MainWindow, qtbot) -> GdprPage:  # type: ignore[no-untyped-def]
    page = main_window.show_section("gdpr")
    assert isinstance(page, GdprPage)
    qtbot.waitUntil(lambda: all(page.loaded.values()), timeout=10_000)
    return page


def test_register_is_prefilled_editable_and_exported(
    main_window: MainWindow, db: Database, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    page = _page(main_window, qtbot)
    assert page.activity_list.count() == 6
    page.activity_fields["purposes"].setPlainText("Finalité revue")  # type: ignore[union-attr]
    page.save_activity()
    main_window.tasks.wait()
    with db.read() as session:
        assert session.scalars(select(ProcessingActivity.purposes)).first() == "Finalité revue"
    page.export_register(tmp_path / "r.xlsx", "xlsx")
    qtbot.waitUntil(lambda: "Registre écrit" in page.due_label.text(), timeout=10_000)
    assert load_workbook(tmp_path / "r.xlsx")["Activités"].max_row == 7


def test_log_a_request_and_see_it_due_then_erase(
    main_window: MainWindow, db: Database, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        person_id = donor(session).id
    page = _page(main_window, qtbot)
    page.tabs.setCurrentIndex(1)
    page.requester.setText("Hélène Dupont")
    page.request_contact.set_contact(person_id)
    page.request_received.setText("01/02/2026")
    page.add_request()
    qtbot.waitUntil(lambda: page.requests_table.rowCount() == 1, timeout=10_000)
    with db.read() as session:
        request = session.scalars(select(RightsRequest)).one()
    assert request.due_on == date(2026, 3, 1)
    assert "1 demande(s) en retard" in page.due_label.text()  # the test clock says 15/03/2026
    page.requests_table.selectRow(0)
    backups = tmp_path / "backups"
    before = set(backups.glob("*")) if backups.exists() else set()
    page.erase(person_id)
    main_window.tasks.wait()
    assert set(backups.glob("*")) - before, "erasure takes its automatic backup first"
    with db.read() as session:
        assert session.get(Contact, person_id).status == ContactStatus.ANONYMISED  # type: ignore[union-attr]


def test_an_unknown_contact_number_is_refused_on_its_field(
    main_window: MainWindow, db: Database, qtbot, shown
) -> None:  # type: ignore[no-untyped-def]
    """Was "Erreur inattendue" with an SQL IntegrityError; now a French message under the
    contact number, and nothing recorded."""
    page = _page(main_window, qtbot)
    page.requester.setText("Hélène Dupont")
    page.request_contact.contact_id = 999  # picked, then deleted meanwhile by someone else
    page.request_received.setText("01/02/2026")
    page.add_request()
    qtbot.waitUntil(lambda: bool(page.request_errors.visible()), timeout=10_000)
    assert "999 introuvable" in page.request_errors.visible()["contact_id"]
    assert shown.messages == []
    with db.read() as session:
        assert session.scalars(select(RightsRequest)).all() == []
