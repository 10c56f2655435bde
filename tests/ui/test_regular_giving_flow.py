"""Members and SEPA direct debits, clicked through: membership, mandate, plan, bank file."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from app.core.clock import FixedClock
from app.core.infrastructure.database import Database
from app.core.sepa.creditor import CreditorSettings
from app.models import Gift, Membership, SepaMandate
from app.models.enums import MembershipKind, MembershipPeriod
from app.operations import memberships as member_ops
from app.operations import sepa as sepa_ops
from app.operations.base import OperationContext
from app.ui.main_window import MainWindow
from tests.factories import add_contacts
from tests.ui.typing import type_text


def _pick(qtbot, picker, text: str) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, picker.search, text)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.contact_id is not None


def _idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.tasks._tasks)  # noqa: SLF001 - every task ended


def test_membership_from_the_form_to_the_list(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    add_contacts(db, "Moreau", address=False)[0]
    member_ops.add_type(
        OperationContext(db),
        name="Individuelle",
        kind=MembershipKind.INDIVIDUAL,
        fee_cents=2500,
        period=MembershipPeriod.CALENDAR_YEAR,
    )
    page = main_window.show_section("regular")
    _idle(qtbot, main_window)
    page.new_membership()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())  # type: ignore[attr-defined]
    dialog = page.dialog  # type: ignore[attr-defined]
    _pick(qtbot, dialog.picker, "moreau")
    dialog.method.setCurrentIndex(dialog.method.findData("cash"))
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: page.members.rowCount() == 1)  # type: ignore[attr-defined]
    assert page.members.item(0, 1).text() == "MOREAU Anne"  # type: ignore[attr-defined]
    assert page.members.item(0, 3).text() == "31/12/2026"  # type: ignore[attr-defined]
    with db.read() as session:
        membership = session.scalars(select(Membership)).one()
        assert session.get(Gift, membership.gift_id).is_membership_fee  # type: ignore[union-attr]


def test_mandate_form_shows_a_wrong_iban_next_to_the_field_then_saves(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(db, "Moreau", address=False)[0]
    page = main_window.show_section("regular")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    dialog = page.new_mandate()  # type: ignore[attr-defined]
    _pick(qtbot, dialog.picker, "moreau")
    type_text(qtbot, dialog.iban, "FR14 2004 1010 0505 0001 3M02 607")
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "iban" in dialog.errors.visible())
    assert "clé de contrôle" in dialog.errors.visible()["iban"]
    dialog.iban.clear()
    type_text(qtbot, dialog.iban, "FR14 2004 1010 0505 0001 3M02 606")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.mandates.rowCount() == 1)  # type: ignore[attr-defined]
    with db.read() as session:
        assert session.scalars(select(SepaMandate.iban)).one() == "FR1420041010050500013M02606"


def test_plan_preview_and_bank_file_from_the_screen(
    main_window: MainWindow,
    qtbot,
    db: Database,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from app.core.sepa.mandates import MandateDraft

    contact = add_contacts(db, "Moreau", address=False)[0]
    ctx = OperationContext(db)
    sepa_ops.save_creditor(
        ctx,
        CreditorSettings(
            name="Amis", creditor_id="FR72ZZZ123456", iban="FR7630006000011234567890189"
        ),
    )
    sepa_ops.add_mandate(
        ctx, MandateDraft(contact, "FR1420041010050500013M02606", date(2026, 3, 1))
    )
    page = main_window.show_section("regular")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.mandates.rowCount() == 1)  # type: ignore[attr-defined]
    dialog = page.new_plan()  # type: ignore[attr-defined]
    type_text(qtbot, dialog.amount, "15,00")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())
    debit_day = date(2026, 4, 5)
    page.collection_date.setDate(debit_day)  # type: ignore[attr-defined]
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Écarté" in page.sepa_summary.text())  # type: ignore[attr-defined]
    assert "pré-notification" in page.sepa_summary.text()  # type: ignore[attr-defined]
    notices = tmp_path / "lettres.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(notices), ""))
    qtbot.mouseClick(page.notify_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(notices.exists)
    clock.current = datetime(2026, 4, 2, 9, tzinfo=UTC)
    bank_file = tmp_path / "avril.xml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(bank_file), ""))
    qtbot.mouseClick(page.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Fichier" in page.sepa_summary.text())  # type: ignore[attr-defined]
    assert bank_file.exists() and "<SeqTp>FRST</SeqTp>" in bank_file.read_text(encoding="utf-8")
    _idle(qtbot, main_window)
    page.resize(1280, 720)
    page.grab().save(str(tmp_path / "regular.png"))
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        page.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "regular.png"))
