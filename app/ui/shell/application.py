"""GUI start-up: QApplication, language, first-start choice, database, main window."""

from __future__ import annotations

import atexit
import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    QTranslator,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from app import APP_AUTHOR, APP_NAME
from app.core.access import session_login
from app.core.infrastructure import backup, instance_lock
from app.core.infrastructure.database import Database
from app.core.infrastructure.integrity import DatabaseDamaged
from app.core.opening import open_database
from app.errors import AppError
from app.i18n import _, detect_language, set_language
from app.paths import AppPaths, app_paths, database_target
from app.resources import file_path
from app.ui.shell.errors import show_error
from app.ui.shell.first_start import FirstStartChoice, FirstStartDialog
from app.ui.shell.main_window import DB_FILTER, MainWindow
from app.ui.widgets.common import name_controls

logger = logging.getLogger(__name__)


class _AccessibleNames(QObject):
    """Names every form control of a window or page when it is first shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and (watched.isWindow() or watched.objectName().startswith("page_"))
        ):
            name_controls(watched)
        return False


_accessible_names: _AccessibleNames | None = None


def make_application(argv: list[str] | None = None) -> QApplication:
    """Create (or reuse) the QApplication with names, language and Qt's own translations."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QApplication.setWindowIcon(QIcon(str(file_path("icons", "obole.png"))))
    QGuiApplication.setDesktopFileName("obole")  # matches the .deb's obole.desktop
    language = str(QSettings().value("ui/language", detect_language()))
    set_language(language if language in ("fr", "en") else "fr")
    global _accessible_names  # noqa: PLW0603 - one filter per process, kept alive here
    if _accessible_names is None or _accessible_names.parent() is not app:
        _accessible_names = _AccessibleNames(app)
        app.installEventFilter(_accessible_names)
    translator = QTranslator(app)
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(language), "qtbase", "_", translations):
        app.installTranslator(translator)
    return app  # type: ignore[return-value]


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    logger.error("uncaught exception", exc_info=(exc_type, exc, tb))
    show_error(QApplication.activeWindow(), exc)


def choose_database(paths: AppPaths, db_target: str | None) -> tuple[str, int] | None:
    """The database to open and how many demo contacts to add (0: none).

    On first start (no database yet) the user is asked; None means they gave up.
    """
    target = database_target(db_target, paths=paths)
    if db_target or "://" in target or Path(target).exists():
        return target, 0
    dialog = FirstStartDialog()
    if not dialog.exec():
        return None
    choice = dialog.choice()
    if choice == FirstStartChoice.OPEN:
        path, _filter = QFileDialog.getOpenFileName(
            None, _("Ouvrir une base"), str(paths.data_dir), DB_FILTER
        )
        return (path, 0) if path else None
    return target, dialog.contacts.value() if choice == FirstStartChoice.DEMO else 0


def run_gui(*, db_target: str | None = None) -> int:
    """Start the graphical application; returns the exit code."""
    app = make_application()
    sys.excepthook = _excepthook
    paths = app_paths().ensure()
    chosen = choose_database(paths, db_target)
    if chosen is None:
        return 0
    target, demo_contacts = chosen
    database = open_protected(target, paths)
    if database is None:
        return 1
    window = MainWindow(database, paths)
    window.show()
    window.daily_backup()  # in the background: a big file takes seconds to copy and verify
    if demo_contacts:
        window.fill_with_demo(demo_contacts, seed=1)
    code = app.exec()
    tear_down(window)
    return code


def tear_down(window: MainWindow) -> None:
    """Destroy the window tree now, while the QApplication still exists.

    PySide hands a dialog back to Python once its exec() returns, although the dialog keeps
    its Qt parent (a page). Left alive until interpreter exit, such a dialog was deleted
    twice by PySide's exit sweep (directly, and again with its parent window), the
    segmentation fault seen on quitting after opening a contact form. Deleting the window
    here, with the task thread stopped, deletes each widget once, through its parent.
    """
    import gc

    from shiboken6 import Shiboken

    window.tasks.wait()
    for dialog in window.findChildren(QDialog):
        if Shiboken.isValid(dialog):
            Shiboken.delete(dialog)
    Shiboken.delete(window)
    gc.collect()


def open_protected(target: str, paths: AppPaths) -> Database | None:
    """Open with integrity check (restore offer), instance lock and login (the day's backup
    is taken by the main window, in the background)."""
    try:
        database = open_database(target, user=_default_user(), backup_dir=paths.backup_dir)
    except DatabaseDamaged as exc:
        return _offer_restore(exc, target, paths)
    except AppError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return None
    if not _take_lock(database) or not _log_in(database):
        database.dispose()
        return None
    return database


def _take_lock(database: Database) -> bool:
    """Hold the lock file; if another instance does, offer read-only or quit."""
    if database.file is None:
        return True
    taken = instance_lock.acquire(database.file)
    if isinstance(taken, instance_lock.InstanceLock):
        atexit.register(taken.release)
        return True
    answer = QMessageBox.question(
        None,
        APP_NAME,
        _(
            "Cette base est déjà ouverte par {holder}.\nL'ouvrir en lecture seule ? (Non : quitter)"
        ).format(holder=taken.describe()),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    instance_lock.make_read_only(database.engine, taken)
    return True


def _log_in(database: Database) -> bool:
    """Ask for a login when the database has more than one active user."""
    if session_login.login_required(database):
        from app.ui.access.dialogs import LoginDialog

        if not LoginDialog(database).exec():
            return False
    warnings = session_login.role_warnings(database)  # roles changed outside Obole
    if warnings:
        QMessageBox.warning(None, APP_NAME, "\n\n".join(warnings))
    return True


def _offer_restore(exc: DatabaseDamaged, target: str, paths: AppPaths) -> Database | None:
    """A damaged database: say so and offer to restore the newest good backup."""
    entries = backup.list_backups(paths.backup_dir)
    if not entries:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return None
    newest = entries[0]
    answer = QMessageBox.question(
        None,
        APP_NAME,
        _("{error}\n\nRestaurer la sauvegarde du {date} ?").format(
            error=exc, date=f"{newest.created:%d/%m/%Y %H:%M}"
        ),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        backup.restore_sqlite(newest.path, exc.file, paths.backup_dir)
    except AppError as error:
        QMessageBox.critical(None, APP_NAME, str(error))
        return None
    return open_protected(target, paths)


def _default_user() -> str:
    """Who acts without a login: the operating-system account (as in the CLI)."""
    return session_login.os_identity()
