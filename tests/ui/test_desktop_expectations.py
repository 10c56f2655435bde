"""What people expect of a desktop app: a first start that says what to do, an icon and
window titles, a user guide under Help, named controls for screen readers, no ambiguous
keyboard shortcut."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from app.core.infrastructure.database import Database
from app.models import Contact
from app.operations.base import Change
from app.ui.settings.page import SettingsPage
from app.ui.shell.main_window import MainWindow
from tests.ui.test_fits_1280x720 import _dialogs

INPUTS = ("QLineEdit", "QComboBox", "QSpinBox", "QPlainTextEdit", "QCheckBox", "QRadioButton")


def test_an_empty_first_start_says_what_to_do_first(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    assert page.first_steps.isVisible() and not page.table.isVisible()  # type: ignore[attr-defined]
    first, _import, add = page.first_step_buttons()  # type: ignore[attr-defined]
    assert "association" in first.text() and "Importer" in _import.text()
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert isinstance(main_window.current_page(), SettingsPage)
    main_window.show_section("contacts")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.windowTitle() == "Nouveau contact"
    dialog.reject()
    with db.write() as session:
        session.add(Contact(last_name="Moreau", sort_name="moreau"))
    main_window.events.notify({Change.CONTACTS})
    assert not page.first_steps.isVisible() and page.table.isVisible()  # type: ignore[attr-defined]


def test_icon_titles_and_accessible_names(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert not QApplication.windowIcon().isNull()
    with db.write() as session:
        session.add(Contact(last_name="Moreau", sort_name="moreau"))
    unnamed, untitled = [], []
    for name, make in _dialogs(main_window, tmp_path).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        if not dialog.windowTitle().strip():
            untitled.append(name)
        for child in dialog.findChildren(QWidget):
            if not child.isVisibleTo(dialog) or not any(child.inherits(n) for n in INPUTS):
                continue
            if child.parentWidget() is not None and child.parentWidget().inherits("QComboBox"):
                continue  # the line edit inside an editable combo box: the box has the name
            label = child.accessibleName() or getattr(child, "text", lambda: "")()
            if not label:
                unnamed.append(f"{name}: {type(child).__name__}({child.objectName()})")
        dialog.reject()
    main_window.tasks.wait()
    assert untitled == [] and unnamed == []


def test_help_opens_the_french_guide_with_its_screenshots(main_window: MainWindow) -> None:
    help_menu = next(
        a.menu() for a in main_window.menuBar().actions() if a.text().replace("&", "") == "Aide"
    )
    guide = next(a for a in help_menu.actions() if "Guide" in a.text())
    assert guide.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    dialog = main_window.show_guide(modal=False)
    text = dialog.browser.toPlainText()
    for section in ("Premier démarrage", "Saisir les dons", "reçus fiscaux", "doublons", "RGPD"):
        assert section in text
    image = dialog.browser.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl("premier-demarrage.png")
    )
    assert image is not None and not image.isNull()
    dialog.close()


def _shortcuts(window: MainWindow, *, pages: list[str]) -> Counter[str]:
    keys: Counter[str] = Counter()
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            for sequence in action.shortcuts():
                keys[sequence.toString()] += 1
    for key in pages:
        for shortcut in window.show_section(key).findChildren(QShortcut):
            keys[shortcut.key().toString()] += 1
    return keys


def _mnemonic_clashes(window: MainWindow) -> list[str]:
    clashes = []
    menus = [("menu bar", [a.text() for a in window.menuBar().actions()])] + [
        (m.title(), [a.text() for a in m.actions() if a.text()])
        for m in window.menuBar().findChildren(QMenu)
        if m.title()  # the unnamed one is Qt's overflow menu of the menu bar
    ]
    for title, texts in menus:
        letters = Counter(t[t.index("&") + 1].lower() for t in texts if "&" in t[:-1])
        clashes += [f"{title}: Alt+{k}" for k, n in letters.items() if n > 1]
    return clashes


def test_no_ambiguous_shortcut_in_menus_and_screens(main_window: MainWindow) -> None:
    screens = [k for k in main_window.section_keys() if k != "duplicates"]
    keys = _shortcuts(main_window, pages=screens)
    assert [k for k, n in keys.items() if n > 1] == []
    assert _mnemonic_clashes(main_window) == []


def test_no_shortcut_of_the_duplicates_screen_clashes(main_window: MainWindow) -> None:
    keys = _shortcuts(main_window, pages=["duplicates"])
    assert [k for k, n in keys.items() if n > 1] == []
