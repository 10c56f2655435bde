"""Deposit slip: Enter only adds lines; a mismatch or a probable double needs a deliberate save."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.core.infrastructure.database import Database
from app.models import Gift
from app.ui.gifts.deposit_slip import DepositSlipDialog
from app.ui.gifts.dialog import GiftDialog
from app.ui.shell.main_window import MainWindow
from tests.factories import add_contacts
from tests.ui.modal import ModalAnswer
from tests.ui.typing import type_text


def _donor(db: Database, name: str) -> int:
    return add_contacts(db, name, address=False)[0]


def _gift_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(Gift.id))) or 0


def _type_cheque(qtbot, dialog: DepositSlipDialog, name: str, amount: str, number: str) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, dialog.donor.search, name)
    qtbot.keyClick(dialog.donor.search, Qt.Key.Key_Return)
    type_text(qtbot, dialog.amount, amount)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    type_text(qtbot, dialog.cheque_number, number)
    qtbot.keyClick(dialog.cheque_number, Qt.Key.Key_Return)


def _save(qtbot, dialog: DepositSlipDialog) -> None:  # type: ignore[no-untyped-def]
    """Click "Enregistrer la remise" and wait for the check (and the save) to end."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving)


def _slip(main_window: MainWindow, qtbot, count: int, total: str) -> DepositSlipDialog:  # type: ignore[no-untyped-def]
    dialog = DepositSlipDialog(main_window.ctx, main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.reference, "REM-7")
    type_text(qtbot, dialog.received_on, "10/03/2026")
    dialog.expected_count.setValue(count)
    type_text(qtbot, dialog.expected_total, total)
    return dialog


def test_enter_adds_a_line_and_a_mismatch_is_saved_only_by_a_deliberate_click(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _donor(db, "Moreau")
    dialog = _slip(main_window, qtbot, 3, "245,00")
    _type_cheque(qtbot, dialog, "moreau", "45", "111")
    for box in (dialog.donor.search, dialog.amount, dialog.cheque_number, dialog.reference):
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the reported "two Enters" and more
    qtbot.keyClick(dialog.expected_count, Qt.Key.Key_Enter)
    assert dialog.isVisible() and dialog.table.rowCount() == 1
    assert _gift_count(db) == 0

    answer = ModalAnswer(qtbot, key=Qt.Key.Key_Return)  # a reflex Enter on the question
    _save(qtbot, dialog)
    assert answer.default_button.replace("&", "") == "Revenir à la saisie"
    assert "1 chèques saisis pour 3 attendus" in answer.texts[0]
    assert dialog.isVisible() and _gift_count(db) == 0

    escape = ModalAnswer(qtbot, key=Qt.Key.Key_Escape)
    _save(qtbot, dialog)
    assert escape.texts and _gift_count(db) == 0

    deliberate = ModalAnswer(qtbot, button="Enregistrer malgré l'écart")
    _save(qtbot, dialog)
    assert deliberate.texts
    assert _gift_count(db) == 1 and not dialog.isVisible()


def test_the_same_slip_saved_twice_is_warned_with_the_existing_gift(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _donor(db, "Moreau")
    first = _slip(main_window, qtbot, 1, "30,00")
    _type_cheque(qtbot, first, "moreau", "30", "111")
    _save(qtbot, first)
    assert _gift_count(db) == 1

    again = _slip(main_window, qtbot, 1, "30,00")
    _type_cheque(qtbot, again, "moreau", "30", "111")
    answer = ModalAnswer(qtbot, key=Qt.Key.Key_Return)
    _save(qtbot, again)
    shown = answer.texts[0].replace("\u202f", " ").replace("\xa0", " ")
    assert "Ligne 1 : déjà enregistré (don n° 1 du 10/03/2026, 30,00 €" in shown
    assert "chèque n° 111, remise REM-7" in shown
    assert _gift_count(db) == 1 and again.isVisible()

    deliberate = ModalAnswer(qtbot, button="Enregistrer quand même")
    _save(qtbot, again)
    assert deliberate.texts
    assert _gift_count(db) == 2


def test_the_same_gift_typed_twice_in_the_gift_form_is_warned(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _donor(db, "Moreau")

    def type_gift() -> GiftDialog:
        dialog = GiftDialog(main_window.ctx, parent=main_window)
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(qtbot, dialog.contact.search, "moreau")
        qtbot.keyClick(dialog.contact.search, Qt.Key.Key_Return)
        type_text(qtbot, dialog.received_on, "14/03/2026")
        type_text(qtbot, dialog.amount, "50")
        type_text(qtbot, dialog.cheque_number, "9876")
        return dialog

    first = type_gift()
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _gift_count(db) == 1, timeout=10_000)

    second = type_gift()
    answer = ModalAnswer(qtbot, button="Revenir au formulaire")
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answer.texts), timeout=10_000)
    assert "don n° 1 du 14/03/2026" in answer.texts[0] and "chèque n° 9876" in answer.texts[0]
    qtbot.waitUntil(lambda: not second._saving, timeout=10_000)
    assert _gift_count(db) == 1 and second.isVisible()

    type_text(qtbot, second.cheque_number, "9877")  # another cheque: not a double
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _gift_count(db) == 2, timeout=10_000)


def test_a_refused_slip_stays_typed_and_can_be_saved_later(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    """A volunteer may type a slip but not record gifts: told once through the one dialog,
    the lines stay, the button comes back; nothing is recorded."""
    _donor(db, "Moreau")
    dialog = _slip(main_window, qtbot, 1, "30,00")
    _type_cheque(qtbot, dialog, "moreau", "30", "111")
    db.role = "volunteer"
    _save(qtbot, dialog)
    assert shown.kinds() == ["warning"] and "rôle" in shown.texts()[0]
    assert dialog.isVisible() and dialog.table.rowCount() == 1
    assert dialog.save_button.isEnabled() and _gift_count(db) == 0
