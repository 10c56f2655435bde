"""The smaller list: SIREN typed with spaces, Escape asks before losing a typed contact, Tab
leaves Notes, round chart ticks in euros, a legend instead of cut pie labels, plurals, one
language ticked, arrows only on sortable columns, colours that follow a dark palette."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.core.chart_scale import euro_label, nice_ticks
from app.core.infrastructure.database import Database
from app.core.organisation import siren_is_valid
from app.models import Contact, Gift
from app.models.enums import ContactKind, PaymentMethod
from app.ui.shell import theme
from app.ui.shell.main_window import MainWindow
from tests.ui.modal import ModalAnswer
from tests.ui.typing import type_text


def test_siren_with_spaces_is_accepted(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    assert siren_is_valid("552 100 554") and not siren_is_valid("552 100 555")
    dialog = main_window.show_section("contacts").new_contact(ContactKind.ORGANISATION)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.organisation_name, "Moulin SA")
    type_text(qtbot, dialog.siren, "552 100 554")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with db.read() as session:
        assert session.scalars(select(Contact.siren)).one() == "552100554"


def test_escape_asks_before_losing_a_typed_contact_and_tab_leaves_notes(
    main_window: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    untouched = page.new_contact(ContactKind.PERSON)  # type: ignore[attr-defined]
    qtbot.addWidget(untouched)
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible()  # nothing typed: closes at once

    dialog = page.new_contact(ContactKind.PERSON)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.last_name, "Moreau")
    answer = ModalAnswer(qtbot, key=Qt.Key.Key_Return)  # a reflex Enter keeps the typing
    qtbot.keyClick(dialog.last_name, Qt.Key.Key_Escape)
    assert answer.default_button.replace("&", "") == "Continuer la saisie"
    assert dialog.isVisible() and dialog.last_name.text() == "Moreau"

    dialog.tabs.setCurrentIndex(0)
    dialog.notes.setFocus()
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Tab)
    assert "\t" not in dialog.notes.toPlainText()
    assert QApplication.focusWidget() is not dialog.notes

    ModalAnswer(qtbot, button="Abandonner la saisie")
    qtbot.keyClick(dialog.last_name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_dashboard_ticks_legend_and_plurals(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    assert nice_ticks(158155) == [0, 50000, 100000, 150000, 200000]
    assert euro_label(150000) == "150\u202f000\u00a0€"
    with db.write() as session:
        contact = Contact(last_name="Moreau", sort_name="moreau")
        session.add(contact)
        session.flush()
        for month, cents, method in (
            (2, 15815500, PaymentMethod.CHEQUE),
            (3, 5000, PaymentMethod.CASH),
        ):
            session.add(
                Gift(
                    contact_id=contact.id,
                    received_on=date(2026, month, 1),
                    amount_cents=cents,
                    payment_method=method,
                )
            )
    page = main_window.show_section("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)  # type: ignore[attr-defined]
    assert "<b>1</b> donateur (" in page.kpis.text()  # type: ignore[attr-defined]
    chart = page.months_chart.chart()  # type: ignore[attr-defined]
    axis = chart.axes(Qt.Orientation.Vertical)[0]
    assert axis.categoriesLabels()[:3] == ["0\u00a0€", "50\u202f000\u00a0€", "100\u202f000\u00a0€"]
    pie = page.methods_chart.chart()  # type: ignore[attr-defined]
    assert pie.legend().isVisible()
    slices = pie.series()[0].slices()
    assert not any(s.isLabelVisible() for s in slices)
    assert slices[0].label() == "Chèque — 100 %"


def test_one_language_ticked_and_arrows_only_on_sortable_columns(main_window: MainWindow) -> None:
    actions = main_window.language_group.actions()
    assert [a.isChecked() for a in actions].count(True) == 1
    actions[1].setChecked(True)
    assert [a.isChecked() for a in actions] == [False, True]
    table = main_window.show_section("contacts").table  # type: ignore[attr-defined]
    header = table.horizontalHeader()
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # "Courriel" cannot sort
    assert header.sortIndicatorSection() == 0


def test_colours_follow_a_dark_palette(main_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    saved = app.palette()  # type: ignore[union-attr]
    dark = QPalette(saved)
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#eeeeee"),
        (QPalette.ColorRole.WindowText, "#eeeeee"),
    ):
        dark.setColor(role, QColor(colour))
    app.setPalette(dark)  # type: ignore[union-attr]
    try:
        assert theme.is_dark() and theme.text_colour("error") == "#ff7a8a"
        assert theme.tint(theme.RED).lightness() < 100  # a deep tint, not a pastel
        dialog = main_window.show_section("contacts").new_contact(ContactKind.PERSON)  # type: ignore[attr-defined]
        qtbot.addWidget(dialog)
        dialog.tabs.setCurrentIndex(1)
        type_text(qtbot, dialog.line4, "1 rue Haute")
        style = dialog.preview.styleSheet()
        assert "white" not in style and "palette(base)" in style and "palette(text)" in style
        shown = dialog.preview.grab().toImage()
        background = shown.pixelColor(shown.width() - 4, shown.height() - 4)
        assert background.lightness() < 100  # the address preview is dark in dark mode
    finally:
        app.setPalette(saved)  # type: ignore[union-attr]
