"""The main window: every section opens, settings validate, long work shows progress."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from sqlalchemy import func, select

from app.core.infrastructure.database import Database
from app.core.organisation import load_identity
from app.models import Contact
from app.operations import demo as demo_ops
from app.ui.settings.page import SettingsPage
from app.ui.shell.first_start import FirstStartChoice, FirstStartDialog
from app.ui.shell.main_window import MainWindow


def test_every_section_can_be_visited(main_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    for row, key in enumerate(main_window.section_keys()):
        main_window.navigation.setCurrentRow(row)
        assert main_window.current_page() is main_window.pages[key]
        assert main_window.pages[key].isVisible()
    assert set(main_window.section_keys()) >= {
        "contacts",
        "gifts",
        "receipts",
        "duplicates",
        "gdpr",
        "dashboard",
        "settings",
    }


def test_status_bar_names_database_and_user(main_window: MainWindow, db: Database) -> None:
    assert str(db.file) in main_window.db_label.text()
    assert "test" in main_window.user_label.text()


def test_menus_offer_database_backup_quit_and_about(main_window: MainWindow) -> None:
    texts = [a.text() for menu in main_window.menuBar().actions() for a in menu.menu().actions()]
    for expected in (
        "&Nouvelle base…",
        "&Ouvrir une base…",
        "&Sauvegarder maintenant",
        "&Quitter",
        "À &propos d'Obole",
    ):
        assert expected in texts


def _type(page: SettingsPage, name: str, value: str) -> None:
    editor = page.editors[name]
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(value)
    else:
        assert isinstance(editor, QLineEdit)
        editor.clear()
        editor.insert(value)


def test_settings_refuse_invalid_identity_and_save_nothing(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: page.loaded)
    _type(page, "name", "Les Amis du Moulin")
    _type(page, "rna", "12345")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["rna"].isVisible() and "W" in page.errors["rna"].text()
    assert page.errors["purpose"].isVisible()
    with db.read() as session:
        assert load_identity(session).name == ""


def test_settings_save_a_valid_identity(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: page.loaded)
    values = {
        "name": "Les Amis du Moulin",
        "rna": "W212004567",
        "address_line": "2 rue du Moulin",
        "postcode": "21000",
        "city": "Dijon",
        "purpose": "Sauvegarde du moulin (culturel)",
        "signatory_name": "Anne Petit",
        "signatory_title": "Présidente",
    }
    for name, value in values.items():
        _type(page, name, value)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == "Paramètres enregistrés.")
    assert not any(label.isVisible() for label in page.errors.values())
    with db.read() as session:
        identity = load_identity(session)
    assert identity.name == "Les Amis du Moulin" and identity.rna == "W212004567"


def test_demo_data_is_generated_in_the_background(
    main_window: MainWindow, qtbot, db: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    threads: list[threading.Thread] = []
    real = demo_ops.generate_demo

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(demo_ops, "generate_demo", recording)
    main_window.fill_with_demo(300, seed=2)
    qtbot.waitUntil(lambda: not main_window.tasks._tasks, timeout=30_000)
    assert threads and threads[0] is not threading.main_thread()  # the GUI thread is not blocked
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 300


def test_first_start_dialog_offers_demo_empty_or_open(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstStartDialog()
    qtbot.addWidget(dialog)
    assert dialog.choice() == FirstStartChoice.DEMO
    dialog.empty.setChecked(True)
    assert dialog.choice() == FirstStartChoice.EMPTY and not dialog.contacts.isEnabled()
    dialog.open_existing.setChecked(True)
    assert dialog.choice() == FirstStartChoice.OPEN


def test_a_qt_warning_is_caught_for_the_test_to_fail(fail_on_qt_warning) -> None:  # type: ignore[no-untyped-def]
    """Qt's warnings reach the fixture that fails the test (tests/ui/conftest.py)."""
    from PySide6.QtCore import qWarning

    qWarning("QObject::connect: No such signal")  # what a wrong connection prints
    assert fail_on_qt_warning.caught == ["QtWarningMsg: QObject::connect: No such signal"]
    fail_on_qt_warning.caught.clear()  # expected here: the test itself passes


def test_settings_refused_keep_what_was_typed(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    """Saving the identity needs an administrator: a treasurer is told once, the form keeps
    what was typed and the button comes back; nothing is stored."""
    page = main_window.show_section("settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: page.loaded)
    values = {
        "name": "Les Amis du Moulin",
        "rna": "W212004567",
        "address_line": "2 rue du Moulin",
        "postcode": "21000",
        "city": "Dijon",
        "purpose": "Sauvegarde du moulin (culturel)",
        "signatory_name": "Anne Petit",
        "signatory_title": "Présidente",
    }
    for name, value in values.items():
        _type(page, name, value)
    db.role = "treasurer"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.saving)
    assert shown.kinds() == ["warning"] and "rôle" in shown.texts()[0]
    assert page.status.text() == "Rien n'a été enregistré." and page.save_button.isEnabled()
    assert page.identity().name == "Les Amis du Moulin"
    with db.read() as session:
        assert load_identity(session).name == ""


def test_backup_now_runs_the_backup_operation_in_the_background(
    main_window: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """File > Sauvegarder maintenant: the operation shared with `obole backup`, off the GUI
    thread; the status bar names the verified file."""
    from app.core.infrastructure import backup

    main_window.backup_now()
    qtbot.waitUntil(lambda: "Sauvegarde vérifiée" in main_window.statusBar().currentMessage())
    made = backup.list_backups(main_window.paths.backup_dir)
    assert [e.reason for e in made] == ["manual"]
    assert made[0].path.name in main_window.statusBar().currentMessage()


def test_the_days_backup_is_taken_in_the_background_once(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    from app.core.infrastructure.backup import list_backups

    assert db.backup_dir is not None
    main_window.daily_backup()
    qtbot.waitUntil(lambda: not main_window.tasks._tasks, timeout=30_000)
    assert [b.reason for b in list_backups(db.backup_dir)] == ["daily"]
    main_window.daily_backup()  # the same day: none due
    qtbot.waitUntil(lambda: not main_window.tasks._tasks, timeout=30_000)
    assert len(list_backups(db.backup_dir)) == 1
