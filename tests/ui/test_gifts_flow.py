"""Whole user flows on the gifts screen: add a gift, enter a deposit slip, locks, export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.models import Gift, Receipt
from app.models.enums import PaymentMethod, ReceiptKind, ReceiptMode
from app.ui.gifts.deposit_slip import DepositSlipDialog
from app.ui.gifts.dialog import GiftDialog
from app.ui.shell.main_window import MainWindow
from tests.factories import add_contacts
from tests.ui.modal import ModalAnswer
from tests.ui.typing import type_text


def test_add_a_gift_picking_the_donor_by_keyboard(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(db, "Moreau", address=False)
    page = main_window.show_section("gifts")
    dialog = page.new_gift()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.contact.search, "moreau")
    qtbot.keyClick(dialog.contact.search, Qt.Key.Key_Return)
    assert dialog.contact.contact_id is not None
    type_text(qtbot, dialog.received_on, "14/03/2026")
    type_text(qtbot, dialog.amount, "1 234,56 €")
    type_text(qtbot, dialog.cheque_number, "1234567")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 234,56" in page.totals_label.text().replace("\u202f", " "))
    with db.read() as session:
        gift = session.scalars(select(Gift)).one()
    assert (gift.amount_cents, gift.received_on, gift.payment_method) == (
        123456,
        date(2026, 3, 14),
        PaymentMethod.CHEQUE,
    )
    assert "1" in page.totals_label.text() and "1 234,56" in page.totals_label.text().replace(
        "\u202f", " "
    )  # type: ignore[attr-defined]


def test_bad_gift_input_saves_nothing(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    add_contacts(db, "Moreau", address=False)
    dialog = GiftDialog(main_window.ctx, parent=main_window)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.amount, "abc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "abc" in dialog.errors.visible()["amount_cents"]
    type_text(qtbot, dialog.amount, "50")
    type_text(qtbot, dialog.received_on, "31/02/2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "31/02/2026" in dialog.errors.visible()["received_on"]
    type_text(qtbot, dialog.received_on, "01/02/2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "contact_id" in dialog.errors.visible(), timeout=10_000)
    shown = dialog.errors.visible()
    assert "Donateur" in shown["contact_id"] and "chèque" in shown["cheque_number"]
    with db.read() as session:
        assert session.scalars(select(Gift)).all() == []


def test_enter_a_deposit_slip_by_keyboard(
    main_window: MainWindow, qtbot, db: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(db, "Moreau", "Girard", address=False)
    dialog = DepositSlipDialog(main_window.ctx, main_window)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.reference, "REM-2026-03")
    type_text(qtbot, dialog.received_on, "10/03/2026")
    dialog.expected_count.setValue(2)
    type_text(qtbot, dialog.expected_total, "80,00")
    for name, amount, number in (("moreau", "30", "111"), ("girard", "40", "222")):
        type_text(qtbot, dialog.donor.search, name)
        qtbot.keyClick(dialog.donor.search, Qt.Key.Key_Return)
        type_text(qtbot, dialog.amount, amount)
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        type_text(qtbot, dialog.cheque_number, number)
        qtbot.keyClick(dialog.cheque_number, Qt.Key.Key_Return)
    assert dialog.table.rowCount() == 2
    assert "⚠" in dialog.status.text() and "70,00" in dialog.status.text()
    answer = ModalAnswer(qtbot, button="Revenir à la saisie")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving)
    assert "70,00" in answer.texts[0].replace("\u202f", " ")
    with db.read() as session:
        assert session.scalars(select(Gift)).all() == []  # mismatch refused: nothing saved
    type_text(qtbot, dialog.expected_total, "70,00")
    assert "✔" in dialog.status.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving)
    with db.read() as session:
        gifts = session.scalars(select(Gift).order_by(Gift.id)).all()
    assert [(g.amount_cents, g.cheque_number, g.deposit_slip) for g in gifts] == [
        (3000, "111", "REM-2026-03"),
        (4000, "222", "REM-2026-03"),
    ]


def test_a_receipted_gift_explains_its_lock_and_links_to_the_receipt(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    (donor,) = add_contacts(db, "Moreau", address=False)
    with db.write() as session:
        receipt = Receipt(
            number="2026-00001",
            year=2026,
            sequence=1,
            kind=ReceiptKind.INDIVIDUAL,
            mode=ReceiptMode.PER_GIFT,
            contact_id=donor,
            period_start=date(2026, 1, 5),
            period_end=date(2026, 1, 5),
            total_cents=5000,
            snapshot={},
            issued_at=datetime(2026, 1, 6, tzinfo=UTC),
        )
        session.add(receipt)
        session.flush()
        gift = Gift(
            contact_id=donor,
            received_on=date(2026, 1, 5),
            amount_cents=5000,
            payment_method=PaymentMethod.CARD,
            receipt_id=receipt.id,
        )
        session.add(gift)
    dialog = GiftDialog(main_window.ctx, gift_id=gift.id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert "2026-00001" in dialog.lock_label.text() and not dialog.amount.isEnabled()
    opened: list[dict[str, object]] = []
    main_window.ctx.navigate = lambda key, **kw: opened.append({"key": key, **kw})
    qtbot.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    assert opened == [{"key": "receipts", "receipt_id": receipt.id}]


def test_filter_totals_and_export(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (donor,) = add_contacts(db, "Moreau", address=False)
    with db.write() as session:
        for day, amount, method in ((3, 1000, "cash"), (4, 2500, "card"), (5, 4000, "card")):
            session.add(
                Gift(
                    contact_id=donor,
                    received_on=date(2026, 2, day),
                    amount_cents=amount,
                    payment_method=method,
                )
            )
    page = main_window.show_section("gifts")
    page.method.setCurrentIndex(page.method.findData(PaymentMethod.CARD))  # type: ignore[attr-defined]
    assert page.model.rowCount() == 2 and "65,00" in page.totals_label.text()  # type: ignore[attr-defined]
    target = tmp_path / "dons.xlsx"
    page.export_to(str(target))  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.last_export == 2, timeout=10_000)  # type: ignore[attr-defined]
    assert load_workbook(target).active.max_row == 3


def test_a_company_that_asked_gets_its_receipt_right_after_the_gift(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.receipts_helpers import donor, ready_association

    with db.write() as session:
        ready_association(session)
        firm = donor(session, "Forge", company=True)
        firm.receipt_mode = "per_gift"
        firm_id = firm.id
    dialog = GiftDialog(main_window.ctx, contact_id=firm_id, parent=main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.received_on, "02/03/2026")
    type_text(qtbot, dialog.amount, "500")
    type_text(qtbot, dialog.cheque_number, "7654321")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.offer.isVisible, timeout=10_000)
    assert not dialog.form_box.isEnabled()  # saved, not closed
    assert "reçu fiscal pour chaque don" in dialog.offer_label.text()
    qtbot.mouseClick(dialog.issue_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2026-00001" in dialog.offer_label.text(), timeout=10_000)
    assert "2026-00001" in dialog.offer_label.text() and dialog.see_receipt_button.isVisible()
    with db.read() as session:
        receipt = session.scalars(select(Receipt)).one()
        assert (receipt.mode, receipt.total_cents) == ("per_gift", 50000)
        assert session.scalars(select(Gift.receipt_id)).one() == receipt.id
    assert dialog.receipt_id == receipt.id
