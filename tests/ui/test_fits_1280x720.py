"""Every page and dialog fits a 1280x720 screen (a 1366x768 laptop minus the task bar).

With demo data the window could not be narrower than 1375 px nor shorter than 846 px, so
buttons and the status bar were off-screen. Each page is visited at 1280x720: the window's
minimum size fits, the page fits its area without being cut, and every visible control lies
inside the window. Each dialog is opened over demo data and checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QAbstractScrollArea, QDialog, QScrollArea, QTabWidget, QWidget

from app.core.demo import generate_demo
from app.core.infrastructure.database import Database
from app.models.enums import ContactKind
from app.ui.shell.main_window import MainWindow

SCREEN = QSize(1280, 720)


def _fits(size: QSize) -> bool:
    return size.width() <= SCREEN.width() and size.height() <= SCREEN.height()


def _cut_controls(top: QWidget) -> list[str]:
    """Visible controls that stick out of `top` (ignoring what scroll areas contain)."""
    frame = QRect(0, 0, top.width(), top.height())
    cut = []
    for child in top.findChildren(QWidget):
        if not child.isVisibleTo(top) or child.width() <= 1:
            continue
        if any(isinstance(a, QAbstractScrollArea) for a in _ancestors(child, top)):
            continue
        rect = QRect(child.mapTo(top, child.rect().topLeft()), child.size())
        if not frame.contains(rect):
            cut.append(f"{type(child).__name__}({child.objectName()}) at {rect.getRect()}")
    return cut


def _sideways_scrolling(top: QWidget) -> list[str]:
    """Forms in scroll areas that need a horizontal scroll bar (their right side is cut)."""
    return [
        f"{type(area.widget()).__name__} in {area.objectName() or 'a scroll area'} is "
        f"{area.widget().minimumSizeHint().width()} px wide for {area.viewport().width()} px"
        for area in top.findChildren(QScrollArea)
        if area.isVisibleTo(top) and area.horizontalScrollBar().maximum() > 0
    ]


def _ancestors(widget: QWidget, top: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        found.append(parent)
        parent = parent.parentWidget()
    return found


@pytest.fixture
def demo_window(main_window: MainWindow, db: Database) -> MainWindow:
    with db.write() as session:
        generate_demo(session, contacts=120, seed=3)
    main_window.events.notify_everything()
    main_window.resize(SCREEN)
    return main_window


def test_every_page_fits_1280x720(demo_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    problems = []
    for key in window.section_keys():
        page = window.show_section(key)
        tabs = page.findChildren(QTabWidget)
        for index in range(max((t.count() for t in tabs[:1]), default=1)):
            if tabs:
                tabs[0].setCurrentIndex(index)
            window.resize(SCREEN)
            qtbot.waitUntil(lambda: window.size() == SCREEN)
            if not _fits(window.minimumSizeHint()):
                problems.append(f"{key}/{index}: window minimum {window.minimumSizeHint()}")
            area = window.stack.currentWidget()
            hint = page.minimumSizeHint()
            if hint.width() > area.width() or hint.height() > area.height():
                problems.append(f"{key}/{index}: page minimum {hint} > area {area.size()}")
            problems += [f"{key}/{index}: {c}" for c in _cut_controls(window)]
            problems += [f"{key}/{index}: {c}" for c in _sideways_scrolling(window)]
    assert problems == []


def _dialogs(window: MainWindow, tmp_path: Path) -> dict[str, Callable[[], QDialog]]:
    from app.operations.sepa import PlanRow
    from app.ui.access.dialogs import BackupsDialog, UsersDialog
    from app.ui.contacts.dialog import ContactDialog
    from app.ui.gifts.deposit_slip import DepositSlipDialog
    from app.ui.gifts.dialog import GiftDialog
    from app.ui.importing.history import ImportsDialog
    from app.ui.importing.wizard import ImportWizard
    from app.ui.receipts.smtp import SmtpDialog
    from app.ui.regular_giving.dialogs import MembershipTypeDialog, PlanChangeDialog
    from app.ui.regular_giving.settings import MembershipTypesDialog
    from app.ui.shell.first_start import FirstStartDialog

    ctx = window.ctx
    return {
        "contact (new)": lambda: ContactDialog(ctx, kind=ContactKind.PERSON, parent=window),
        "contact (existing)": lambda: ContactDialog(ctx, contact_id=1, parent=window),
        "organisation": lambda: ContactDialog(ctx, kind=ContactKind.ORGANISATION, parent=window),
        "gift": lambda: GiftDialog(ctx, parent=window),
        "deposit slip": lambda: DepositSlipDialog(ctx, window),
        "import contacts": lambda: ImportWizard(ctx, "contacts", window),
        "import gifts": lambda: ImportWizard(ctx, "gifts", window),
        "imports": lambda: ImportsDialog(ctx, window),
        "smtp": lambda: SmtpDialog(ctx, window),
        "users": lambda: UsersDialog(ctx.database, window),
        "backups": lambda: BackupsDialog(ctx.database, tmp_path, window),
        "first start": lambda: FirstStartDialog(),
        "membership types": lambda: MembershipTypesDialog(ctx, window),
        "membership type": lambda: MembershipTypeDialog(ctx, None, window),
        "regular gift change": lambda: PlanChangeDialog(
            ctx,
            PlanRow(
                1,
                1,
                "MOREAU Anne",
                "OBOLE-1",
                1500,
                "monthly",
                5,
                date(2026, 1, 1),
                None,
                "active",
                0,
                False,
            ),  # fmt: skip
            window,
        ),
    }


def test_every_dialog_fits_1280x720(demo_window: MainWindow, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.contacts.dialog import ContactDialog

    problems = []
    for name, make in _dialogs(demo_window, tmp_path).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        if isinstance(dialog, ContactDialog):  # an existing contact is read in the background
            qtbot.waitUntil(lambda d=dialog: d.loaded)
        for hint_name, hint in (("minimum", dialog.minimumSizeHint()), ("size", dialog.size())):
            if not _fits(hint):
                problems.append(f"{name}: {hint_name} {hint.width()}x{hint.height()}")
        problems += [f"{name}: {c}" for c in _cut_controls(dialog)]
        dialog.reject()
    demo_window.tasks.wait()
    assert problems == []


def test_columns_can_be_hidden_from_the_header(main_window: MainWindow) -> None:
    table = main_window.show_section("contacts").table  # type: ignore[attr-defined]
    actions = table.horizontalHeader().actions()
    email = next(a for a in actions if "Courriel" in a.text())
    email.setChecked(False)  # the header's context menu entry, unticked
    assert table.isColumnHidden(1)
    email.setChecked(True)
    assert not table.isColumnHidden(1)
