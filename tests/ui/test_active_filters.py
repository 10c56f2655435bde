"""Every filter in force on the contact list is shown, with one button to clear them all.

A dashboard drill-down used to leave a hidden list of ids on the contact list: 705 contacts
after clearing the search, nothing said it was filtered and nothing cleared it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.infrastructure.database import Database
from app.ui.shell.main_window import MainWindow
from tests.factories import add_contacts
from tests.ui.typing import type_text


def _contacts(db: Database, *names: str) -> list[int]:
    return add_contacts(db, *names, first_name="", address=False)


def test_a_drill_down_is_shown_and_cleared(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    ids = _contacts(db, "Arnaud", "Bernard", "Chevalier")
    page = main_window.show_section("contacts")
    assert not page.active_filters.isVisibleTo(page)  # type: ignore[attr-defined]
    main_window.navigate("contacts", contact_ids=ids[:2], origin="le tableau de bord (NPAI)")
    assert page.model.rowCount() == 2  # type: ignore[attr-defined]
    shown = page.active_filters.text()  # type: ignore[attr-defined]
    assert "2 contacts choisis depuis le tableau de bord (NPAI)" in shown
    assert page.clear_filters_button.isVisibleTo(page)  # type: ignore[attr-defined]

    type_text(qtbot, page.search, "arn")  # type: ignore[attr-defined]
    page.apply_filters()  # type: ignore[attr-defined]
    assert "Recherche « arn »" in page.active_filters.text()  # type: ignore[attr-defined]
    page.search.clear()  # type: ignore[attr-defined]
    page.apply_filters()  # type: ignore[attr-defined]
    assert page.model.rowCount() == 2  # type: ignore[attr-defined]
    assert "tableau de bord" in page.active_filters.text()  # still said, not hidden  # type: ignore[attr-defined]

    page.npai.setCurrentIndex(2)  # "Sans NPAI"  # type: ignore[attr-defined]
    assert "Sans NPAI" in page.active_filters.text()  # type: ignore[attr-defined]
    qtbot.mouseClick(page.clear_filters_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert page.model.rowCount() == 3  # type: ignore[attr-defined]
    assert page.npai.currentIndex() == 0  # type: ignore[attr-defined]
    assert not page.active_filters.isVisibleTo(page)  # type: ignore[attr-defined]
    assert not page.clear_filters_button.isVisibleTo(page)  # type: ignore[attr-defined]


def test_a_consent_status_needs_a_channel(main_window: MainWindow) -> None:
    page = main_window.show_section("contacts")
    assert not page.consent_status.isEnabled()  # type: ignore[attr-defined]
    page.consent_channel.setCurrentIndex(1)  # type: ignore[attr-defined]
    assert page.consent_status.isEnabled()  # type: ignore[attr-defined]
