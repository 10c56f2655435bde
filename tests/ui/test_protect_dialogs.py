"""Login, users and backups dialogs; an unexpected task error reaches the log file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.core.access import users
from app.core.demo import generate_demo
from app.core.infrastructure import backup
from app.core.infrastructure.database import Database
from app.ui.access.dialogs import BackupsDialog, LoginDialog, UsersDialog


def _two_users(db: Database) -> None:
    with db.write() as session:
        users.create_user(session, "chef", role="admin", password="secret-123")
        users.create_user(session, "paul", role="volunteer", password="secret-123")


def test_login_dialog_sets_user_and_role(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    _two_users(db)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("paul")
    dialog.password.setText("wrong-one")
    dialog.try_login()
    assert dialog.checking  # checked on the worker thread: the window stays responsive
    qtbot.waitUntil(lambda: not dialog.checking)
    assert "incorrect" in dialog.message.text() and not dialog.result()
    assert dialog.password.text() == "" and dialog.username.text() == "paul"
    dialog.password.setText("secret-123")
    dialog.try_login()
    qtbot.waitUntil(lambda: bool(dialog.result()))
    assert db.user == "paul" and db.role == "volunteer"


def test_volunteer_sees_disabled_user_buttons_with_a_reason(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    _two_users(db)
    db.role = "volunteer"
    dialog = UsersDialog(db)
    qtbot.addWidget(dialog)
    assert not dialog.add_button.isEnabled()
    assert "rôle ne permet pas" in dialog.add_button.toolTip()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)


def test_admin_adds_a_user_from_the_dialog(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = UsersDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.add_user(username="lea", role="treasurer", password="secret-123")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and not dialog.busy)
    assert dialog.table.item(0, 0).text() == "lea"


def test_a_refused_user_change_is_explained_and_the_list_kept(qtbot, db: Database, shown) -> None:  # type: ignore[no-untyped-def]
    """Deactivating the last administrator is refused: said once, nothing changed."""
    with db.write() as session:
        users.create_user(session, "chef", role="admin", password="secret-123")
    dialog = UsersDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.table.selectRow(0)
    assert dialog.deactivate()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert shown.kinds() == ["warning"] and "administrateur" in shown.texts()[0]
    assert dialog.table.item(0, 2).text() == "actif" and dialog.deactivate_button.isEnabled()


def test_backups_dialog_verifies_and_restores(
    qtbot,
    db: Database,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "b"
    backup.automatic_backup(db.engine, folder, reason="manual")
    with db.write() as session:
        generate_demo(session, contacts=5, seed=1)
    dialog = BackupsDialog(db, folder)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    monkeypatch.setattr("app.ui.access.dialogs.QMessageBox.information", lambda *a: None)
    assert dialog.verify()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.verified == backup.list_backups(folder)[0].path
    assert dialog.restore(confirm=False)
    qtbot.waitUntil(lambda: dialog.restored)
    with db.read() as session:
        assert (
            session.execute(__import__("sqlalchemy").text("SELECT count(*) FROM contact")).scalar()
            == 0
        )
    assert any(e.reason == "before-restore" for e in backup.list_backups(folder))


@pytest.mark.allow_log_warnings
def test_unexpected_task_error_is_written_to_the_log_file(
    qtbot,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.logging_setup import configure_logging
    from app.paths import app_paths
    from app.ui.shell.tasks import TaskRunner

    shown: list[BaseException] = []
    monkeypatch.setattr(
        "app.ui.shell.errors.CrashDialog.exec", lambda self: shown.append(self) or 0
    )
    root = logging.getLogger()
    before = list(root.handlers)
    configure_logging()
    try:
        runner = TaskRunner()

        def work(_progress, _cancel):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom in a task")

        runner.run(work, parent=None, label="x")
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        for handler in root.handlers:
            handler.flush()
        log_files = list(app_paths().log_dir.glob("*.log"))
        assert log_files and "boom in a task" in log_files[0].read_text(encoding="utf-8")
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    QApplication.processEvents()


def test_backups_dialog_sets_the_association_backup_passphrase(
    qtbot, db, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """#14.9: from the GUI, every later backup (automatic ones too) is encrypted."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from app.core.infrastructure import backup
    from app.ui.access.dialogs import BackupsDialog

    dialog = BackupsDialog(db, tmp_path / "backups")
    qtbot.addWidget(dialog)
    answers = iter([("phrase secrète", True), ("phrase secrète", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    dialog.set_passphrase()
    qtbot.waitUntil(lambda: bool(told))
    assert told == ["Toutes les sauvegardes seront désormais chiffrées."]
    assert backup.configured_key(db.engine) is not None
    made = backup.automatic_backup(db.engine, tmp_path / "backups", reason="import")
    assert made is not None and backup.is_encrypted(made.path)


def test_backups_made_in_the_background_and_a_damaged_one_explained(
    qtbot, db: Database, tmp_path: Path, shown
) -> None:  # type: ignore[no-untyped-def]
    """File > Sauvegardes: "Sauvegarder maintenant" runs off the GUI thread; verifying a
    damaged file says what is wrong through the one error dialog, the buttons come back."""
    folder = tmp_path / "b"
    dialog = BackupsDialog(db, folder)
    qtbot.addWidget(dialog)
    assert dialog.create_backup()
    assert dialog.busy and not dialog.restore_button.isEnabled()  # the others wait
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.table.rowCount() == 1 and dialog.restore_button.isEnabled()
    made = backup.list_backups(folder)[0].path
    made.write_bytes(made.read_bytes()[:200])  # a copy cut short
    dialog.table.selectRow(0)
    assert dialog.verify()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.verified is None and shown.kinds() == ["warning"]
    assert made.name in shown.texts()[0] and "abîmée" in shown.texts()[0]
    assert dialog.verify_button.isEnabled()


def test_a_refused_restore_keeps_the_dialog_open(
    qtbot, db: Database, tmp_path: Path, shown
) -> None:  # type: ignore[no-untyped-def]
    """A volunteer cannot restore: the button says why; forced, the operation refuses it."""
    folder = tmp_path / "b"
    backup.automatic_backup(db.engine, folder, reason="manual")
    db.role = "volunteer"
    dialog = BackupsDialog(db, folder)
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    assert "rôle ne permet pas" in dialog.restore_button.toolTip()
    dialog.table.selectRow(0)
    assert dialog.restore(confirm=False)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert not dialog.restored and shown.kinds() == ["warning"]
    assert "Demandez à un administrateur" in shown.texts()[0]


def test_the_login_at_start_checks_the_password_off_the_gui_thread(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    """The login shown before the main window (application._log_in) answers while the
    password is checked on its runner's worker thread, then lets the user in."""
    from PySide6.QtCore import QTimer

    from app.ui.shell.application import _log_in

    _two_users(db)
    seen: dict[str, bool] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(10, answer)
            return
        dialog.username.setText("paul")
        dialog.password.setText("secret-123")
        dialog.try_login()
        seen["checking"] = dialog.checking  # the dialog's loop still runs meanwhile

    QTimer.singleShot(0, answer)
    assert _log_in(db)
    assert seen == {"checking": True} and db.user == "paul" and db.role == "volunteer"
