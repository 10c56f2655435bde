"""RGPD requests: the person is picked by name (no contact number to know or mistype)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.core.gdpr import requests
from app.core.infrastructure.database import Database
from app.errors import NotFound
from app.models import Contact, RightsRequest
from app.models.enums import RightsRequestKind
from app.ui.shell.main_window import MainWindow
from tests.ui.typing import type_text


def test_pick_the_person_by_name_and_see_the_name_in_the_list(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        person = Contact(
            first_name="Hélène",
            last_name="Dupont",
            sort_name="dupont helene",
            search_text="helene dupont",
        )
        session.add(person)
    page = main_window.show_section("gdpr")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    assert not hasattr(page.request_contact, "setValue")  # type: ignore[attr-defined]
    type_text(qtbot, page.request_contact.search, "dupont")  # type: ignore[attr-defined]
    qtbot.keyClick(page.request_contact.search, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    type_text(qtbot, page.request_received, "01/03/2026")  # type: ignore[attr-defined]
    qtbot.mouseClick(page.add_request_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.requests_table.rowCount() == 1, timeout=10_000)  # type: ignore[attr-defined]
    with db.read() as session:
        request = session.scalars(select(RightsRequest)).one()
    assert request.contact_id == person.id
    assert page.requests_table.item(0, 3).text() == "DUPONT Hélène"  # type: ignore[attr-defined]
    assert page.request_contact.contact_id is None  # the form is ready for the next one  # type: ignore[attr-defined]


def test_an_unknown_contact_number_is_a_clear_error_not_an_sql_one(db: Database) -> None:
    with db.write() as session, pytest.raises(NotFound, match="Contact 999 introuvable"):
        requests.log_request(
            session,
            kind=RightsRequestKind.ACCESS,
            received_on=date(2026, 3, 1),
            requester="X",
            contact_id=999,
        )
