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
from app.ui.shell.main_window import MainWindow
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


def _settings_tab(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    page = window.show_section("settings")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    tab = page.tabs.currentWidget()  # type: ignore[attr-defined]
    _idle(qtbot, window)
    return page, tab


def test_creditor_from_the_settings_tab_errors_inline_then_saved(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page, tab = _settings_tab(qtbot, main_window)
    assert not page.save_button.isVisible()  # type: ignore[attr-defined]  # first tab's bar
    box = tab.creditor
    type_text(qtbot, box.editors["name"], "Amis du Parc")
    type_text(qtbot, box.editors["creditor_id"], "FR73ZZZ123456")  # wrong check digits
    type_text(qtbot, box.editors["iban"], "FR76 3000 6000 0112 3456 7890 180")  # wrong key
    box.reject_limit.setValue(3)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    shown = box.errors.visible()
    assert set(shown) == {"creditor_id", "iban"}
    assert "ICS" in shown["creditor_id"]
    assert "rien n'a été enregistré" in box.status.text()
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        main_window.resize(1280, 720)
        main_window.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "settings_err.png"))
    box.editors["creditor_id"].clear()
    type_text(qtbot, box.editors["creditor_id"], "fr72 zzz 123456")
    box.editors["iban"].clear()
    type_text(qtbot, box.editors["iban"], "FR76 3000 6000 0112 3456 7890 189")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.status.text() == "Créancier SEPA enregistré.")
    assert box.errors.visible() == {}
    saved = sepa_ops.load_creditor(OperationContext(db))
    assert (saved.creditor_id, saved.iban, saved.reject_limit) == (
        "FR72ZZZ123456",
        "FR7630006000011234567890189",
        3,
    )
    assert saved.bic and saved.complete  # derived from the French IBAN
    assert box.editors["iban"].text() == "FR76 3000 6000 0112 3456 7890 189"
    _idle(qtbot, main_window)
    main_window.resize(1280, 720)
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        main_window.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "settings_sepa.png"))


def test_membership_types_created_changed_deactivated_from_the_settings_tab(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _page, tab = _settings_tab(qtbot, main_window)
    types = tab.types
    dialog = types.new_type()
    type_text(qtbot, dialog.name, "Famille")
    dialog.kind.setCurrentIndex(dialog.kind.findData("family"))
    type_text(qtbot, dialog.fee, "-5")
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "fee" in dialog.errors.visible())
    dialog.fee.clear()
    type_text(qtbot, dialog.fee, "40,00")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: types.table.rowCount() == 1)
    assert types.table.item(0, 1).text() == "Famille"
    assert types.table.item(0, 2).text() == "famille"
    # a second type with the same name: refused next to the name field
    again = types.new_type()
    type_text(qtbot, again.name, "Famille")
    type_text(qtbot, again.fee, "10")
    qtbot.mouseClick(
        again.buttons.button(again.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: "name" in again.errors.visible())
    assert "existe déjà" in again.errors.visible()["name"]
    again.reject()
    types.table.selectRow(0)
    edit = types.edit_selected()
    assert edit is not None and edit.fee.text().startswith("40,00")
    edit.fee.clear()
    type_text(qtbot, edit.fee, "45")
    edit.period.setCurrentIndex(edit.period.findData("school_year"))
    qtbot.mouseClick(edit.buttons.button(edit.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: types.table.item(0, 3).text().startswith("45,00"))
    assert "scolaire" in types.table.item(0, 4).text()
    types.table.selectRow(0)
    assert types.active_button.text() == "Désactiver"
    qtbot.mouseClick(types.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: types.table.item(0, 5).text() == "désactivé")
    types.renewal_days.setValue(45)
    qtbot.mouseClick(types.renewal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "45 jours" in types.status.text())
    context = OperationContext(db)
    (kind,) = member_ops.list_types(context)
    assert (kind.name, kind.fee_cents, kind.period, kind.active) == (
        "Famille",
        4500,
        "school_year",
        False,
    )
    assert member_ops.renewal_days(context) == 45
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        main_window.resize(1280, 720)
        main_window.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "types.png"))
    # the members screen's "Types d'adhésion…" shows the same box
    regular = main_window.show_section("regular")
    _idle(qtbot, main_window)
    shown_types = regular.show_types()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: shown_types.types.table.rowCount() == 1)
    shown_types.reject()


def test_member_cards_from_the_members_tab(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    contact = add_contacts(db, "Moreau", address=False)[0]
    context = OperationContext(db)
    kind = member_ops.add_type(
        context,
        name="Individuelle",
        kind=MembershipKind.INDIVIDUAL,
        fee_cents=2500,
        period=MembershipPeriod.CALENDAR_YEAR,
    ).result.type_id
    from app.core.memberships.service import MembershipDraft
    from app.models.enums import PaymentMethod

    member_ops.join(
        context,
        MembershipDraft(contact, kind, date(2026, 2, 1), payment_method=PaymentMethod.CASH),
    )
    page = main_window.show_section("regular")
    _idle(qtbot, main_window)
    cards = tmp_path / "cartes.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(cards), ""))
    qtbot.mouseClick(page.cards_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "1 carte(s)" in page.members_summary.text())  # type: ignore[attr-defined]
    assert cards.read_bytes().startswith(b"%PDF")
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        main_window.resize(1280, 720)
        main_window.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "members.png"))


def test_mandate_suspended_resumed_revoked_and_plan_changed_from_the_screen(
    main_window: MainWindow, qtbot, db: Database, shown, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from app.core.sepa.mandates import MandateDraft
    from app.core.sepa.plans import PlanDraft
    from app.models import AuditEvent, RegularGiftPlan
    from app.models.enums import MandateStatus, PlanFrequency, PlanStatus

    ctx = OperationContext(db)
    sepa_ops.save_creditor(
        ctx,
        CreditorSettings(
            name="Amis", creditor_id="FR72ZZZ123456", iban="FR7630006000011234567890189"
        ),
    )
    contact = add_contacts(db, "Moreau", address=False)[0]
    mandate = sepa_ops.add_mandate(
        ctx, MandateDraft(contact, "FR1420041010050500013M02606", date(2026, 3, 1))
    ).result
    sepa_ops.add_plan(
        ctx, PlanDraft(mandate.mandate_id, 1500, PlanFrequency.MONTHLY, date(2026, 3, 1))
    )
    page = main_window.show_section("regular")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.plans.rowCount() == 1)  # type: ignore[attr-defined]
    assert "pré-notification à envoyer" in page.plans.item(0, 5).text()  # type: ignore[attr-defined]
    assert not page.change_plan_button.isEnabled()  # type: ignore[attr-defined]
    page.plans.selectRow(0)  # type: ignore[attr-defined]
    dialog = page.change_plan()  # type: ignore[attr-defined]
    dialog.amount.clear()
    type_text(qtbot, dialog.amount, "20")
    dialog.has_end.setChecked(True)
    dialog.end.setDate(date(2026, 12, 31))
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: page.plans.item(0, 2).text().startswith("20,00"))  # type: ignore[attr-defined]
    assert page.plans.item(0, 4).text() == "31/12/2026"  # type: ignore[attr-defined]
    with db.read() as session:
        plan = session.scalars(select(RegularGiftPlan)).one()
        assert (plan.amount_cents, plan.ends_on) == (2000, date(2026, 12, 31))
        fields = set(
            session.scalars(
                select(AuditEvent.field).where(AuditEvent.entity == "regular_gift_plan")
            )
        )
        assert {"amount_cents", "ends_on"} <= fields
    page.mandates.selectRow(0)  # type: ignore[attr-defined]
    assert page.suspend_button.isEnabled() and not page.resume_button.isEnabled()  # type: ignore[attr-defined]
    qtbot.mouseClick(page.suspend_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.mandates.item(0, 4).text() == "suspendu")  # type: ignore[attr-defined]
    page.mandates.selectRow(0)  # type: ignore[attr-defined]
    qtbot.mouseClick(page.resume_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.mandates.item(0, 4).text() == "actif")  # type: ignore[attr-defined]
    _idle(qtbot, main_window)
    page.resize(1280, 720)
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        main_window.resize(1280, 720)
        main_window.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "sepa_tab.png"))
    page.mandates.selectRow(0)  # type: ignore[attr-defined]
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.mandates.item(0, 4).text() == "révoqué")  # type: ignore[attr-defined]
    assert shown.kinds() == ["question"] and "Révoquer" in shown.messages[0][1]
    qtbot.waitUntil(lambda: "terminé" in page.plans.item(0, 5).text())  # type: ignore[attr-defined]
    with db.read() as session:
        assert session.scalars(select(SepaMandate.status)).one() == MandateStatus.REVOKED
        assert session.scalars(select(RegularGiftPlan.status)).one() == PlanStatus.ENDED
    qtbot.mouseClick(page.calls_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Aucun donateur à appeler" in page.sepa_summary.text())  # type: ignore[attr-defined]


def test_prenotifications_by_email_without_a_mail_server_say_what_to_set(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("regular")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    _idle(qtbot, main_window)
    qtbot.mouseClick(page.notify_email_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: shown.messages != [])
    assert shown.kinds() == ["warning"]
    assert "serveur" in shown.texts()[0].lower() or "smtp" in shown.texts()[0].lower()
