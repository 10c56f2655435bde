"""GUI start-up: QApplication, language, first-start choice, database, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app import APP_AUTHOR, APP_NAME
from app.core.database import open_database
from app.errors import AppError
from app.i18n import _, detect_language, set_language
from app.paths import AppPaths, app_paths, database_target
from app.ui.errors import show_error
from app.ui.first_start import FirstStartChoice, FirstStartDialog
from app.ui.main_window import DB_FILTER, MainWindow

logger = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    """Create (or reuse) the QApplication with names, language and Qt's own translations."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    language = str(QSettings().value("ui/language", detect_language()))
    set_language(language if language in ("fr", "en") else "fr")
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
    try:
        database = open_database(target, user=_default_user(), backup_dir=paths.backup_dir)
    except AppError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(database, paths)
    window.show()
    if demo_contacts:
        window.fill_with_demo(demo_contacts, seed=1)
    return app.exec()


def _default_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "utilisateur"
