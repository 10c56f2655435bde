"""The main window: navigation between sections, File and Help menus, status bar."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME, __version__
from app.core.infrastructure.database import Database
from app.core.infrastructure.permissions import ROLE_LABELS
from app.core.opening import open_database
from app.errors import AppError
from app.i18n import SUPPORTED_LANGUAGES, _, current_language
from app.models.enums import Role
from app.operations import backups as backup_ops
from app.operations import demo as demo_ops
from app.paths import AppPaths
from app.ui.shell.context import DataEvents, UiContext
from app.ui.shell.errors import show_error
from app.ui.shell.sections import PageSpec, page_specs
from app.ui.shell.tasks import TaskRunner

logger = logging.getLogger(__name__)
DB_FILTER = "Base Obole (*.sqlite3 *.sqlite *.db);;Tous les fichiers (*)"


def scrollable(page: QWidget) -> QScrollArea:
    """The page in a frameless scroll area: on a small screen (1280x720) a page taller or
    wider than the window scrolls instead of pushing buttons and status bar off-screen."""
    area = QScrollArea()
    area.setObjectName(f"scroll_{page.objectName()}")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    return area


class MainWindow(QMainWindow):
    """Sections on the left, the current section on the right."""

    def __init__(self, database: Database, paths: AppPaths) -> None:
        super().__init__()
        self.paths = paths
        self.tasks = TaskRunner(self)
        self.events = DataEvents(self)
        self.ctx = UiContext(database, paths, self.tasks, self.events, navigate=self.navigate)
        self.specs: list[PageSpec] = page_specs()
        self.pages: dict[str, QWidget] = {}
        self.setWindowTitle(APP_NAME)
        self.resize(1200, 780)
        self._build_central()
        self._build_menus()
        self.db_label = QLabel()
        # a long database path must not widen the window past a laptop screen
        self.db_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.user_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)
        self._refresh_status()
        self.navigation.setCurrentRow(0)

    # --- layout ----------------------------------------------------------------------

    def _build_central(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(190)
        for spec in self.specs:
            self.navigation.addItem(_(spec.title))
        self.stack = QStackedWidget()
        for _spec in self.specs:
            self.stack.addWidget(QWidget())  # replaced by the real page on first visit
        self.navigation.currentRowChanged.connect(self.show_section_at)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&Fichier"))
        self._add_action(
            file_menu, _("&Nouvelle base…"), self.new_database, QKeySequence.StandardKey.New
        )
        self._add_action(
            file_menu,
            _("&Ouvrir une base…"),
            self.open_database_dialog,
            QKeySequence.StandardKey.Open,
        )
        self._add_action(file_menu, _("&Sauvegarder maintenant"), self.backup_now)
        self._add_action(file_menu, _("Sauve&gardes…"), self.show_backups)
        self._add_action(file_menu, _("&Utilisateurs…"), self.show_users)
        file_menu.addSeparator()
        self._add_action(
            file_menu, _("Importer des &contacts…"), lambda: self.open_import("contacts")
        )
        self._add_action(file_menu, _("Importer des &dons…"), lambda: self.open_import("gifts"))
        self._add_action(file_menu, _("&Imports effectués…"), self.show_imports)
        file_menu.addSeparator()
        self._add_action(file_menu, _("&Quitter"), self.close, QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu(_("Aff&ichage"))  # Alt+A opens Aide
        language_menu = view_menu.addMenu(_("Langue"))
        self.language_group = QActionGroup(self)  # one language ticked, never both
        self.language_group.setExclusive(True)
        for code in SUPPORTED_LANGUAGES:
            action = language_menu.addAction({"fr": "Français", "en": "English"}[code])
            self.language_group.addAction(action)
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _c=False, code=code: self.choose_language(code))
        help_menu = self.menuBar().addMenu(_("&Aide"))
        self._add_action(
            help_menu,
            _("&Guide d'utilisation"),
            lambda: self.show_guide(),
            QKeySequence.StandardKey.HelpContents,
        )
        self._add_action(help_menu, _("À &propos d'Obole"), self.about)

    def show_guide(self, *, modal: bool = True):  # type: ignore[no-untyped-def]
        """The short French user guide (first start, gifts, receipts, duplicates, RGPD)."""
        from app.ui.shell.guide import GuideDialog

        dialog = GuideDialog(self)
        if modal:
            dialog.exec()
            dialog.deleteLater()
        else:
            dialog.show()
        return dialog

    def show_imports(self) -> None:
        """The imports made so far, with undo."""
        from app.ui.importing.history import ImportsDialog

        ImportsDialog(self.ctx, self).exec()

    def _add_action(self, menu, text: str, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
        action: QAction = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    # --- sections --------------------------------------------------------------------

    def section_keys(self) -> list[str]:
        """Keys of the sections, in navigation order."""
        return [spec.key for spec in self.specs]

    def show_section(self, key: str) -> QWidget:
        """Switch to the section `key` and return its page."""
        self.navigation.setCurrentRow(self.section_keys().index(key))
        return self.pages[key]

    def current_page(self) -> QWidget | None:
        """The page shown (inside its scroll area)."""
        area = self.stack.currentWidget()
        return area.widget() if isinstance(area, QScrollArea) else area

    def navigate(self, key: str, **kwargs: object) -> None:
        """Show section `key`; its page opens the item described by kwargs, if it can."""
        page = self.show_section(key)
        open_item = getattr(page, "open_item", None)
        if kwargs and callable(open_item):
            open_item(**kwargs)

    def show_section_at(self, row: int) -> None:
        """Build the page on first visit, then show it."""
        if row < 0:
            return
        spec = self.specs[row]
        if spec.key not in self.pages:
            page = spec.factory(self.ctx)
            page.setObjectName(f"page_{spec.key}")
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, scrollable(page))
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.pages[spec.key] = page
        self.stack.setCurrentIndex(row)

    def _reset_pages(self) -> None:
        current = max(self.navigation.currentRow(), 0)
        for _index in range(self.stack.count()):
            old = self.stack.widget(0)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
        for _spec in self.specs:
            self.stack.addWidget(QWidget())
        self.pages.clear()
        self.show_section_at(current)

    # --- database --------------------------------------------------------------------

    def _refresh_status(self) -> None:
        database = self.ctx.database
        where = (
            str(database.file)
            if database.file
            else database.engine.url.render_as_string(hide_password=True)
        )
        self.db_label.setText(_("Base : {where}").format(where=where))
        role = _(ROLE_LABELS[Role(database.role)])
        self.user_label.setText(
            _("Utilisateur : {user} ({role})").format(user=database.user or "—", role=role)
        )
        self.setWindowTitle(f"{APP_NAME} — {Path(where).name if database.file else where}")

    def switch_database(self, target: str) -> bool:
        """Open `target` and show it in every section; returns False if it failed."""
        try:
            database = open_database(
                target, user=self.ctx.database.user, backup_dir=self.paths.backup_dir
            )
        except AppError as exc:
            show_error(self, exc)
            return False
        self.tasks.wait()
        self.ctx.database.dispose()
        self.ctx.database = database
        self._reset_pages()
        self._refresh_status()
        return True

    def new_database(self) -> None:
        """Ask for a file name, create an empty database there and open it."""
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Nouvelle base"), str(self.paths.data_dir), DB_FILTER
        )
        if path:
            if Path(path).exists():
                QMessageBox.warning(
                    self,
                    _("Nouvelle base"),
                    _("Ce fichier existe déjà : choisissez « Ouvrir une base »."),
                )
                return
            self.switch_database(path)

    def open_database_dialog(self) -> None:
        """Ask for an existing database file and open it."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Ouvrir une base"), str(self.paths.data_dir), DB_FILTER
        )
        if path:
            self.switch_database(path)

    def backup_now(self) -> None:
        """Write a verified copy of the database into the backup folder."""
        source = self.ctx.database.file
        if source is None:
            QMessageBox.information(
                self,
                _("Sauvegarde"),
                _("La sauvegarde d'une base PostgreSQL se fait avec pg_dump."),
            )
            return

        folder = self.paths.backup_dir
        self.ctx.ops.op(  # the same operation as `obole backup` and File > Sauvegardes
            lambda op: backup_ops.create_backup(op, backup_dir=folder),
            parent=self,
            label=_("Sauvegarde en cours…"),
            cancellable=False,
            on_success=lambda r: self.statusBar().showMessage(
                _("Sauvegarde vérifiée : {path}").format(path=r.path), 10_000
            ),
        )

    def daily_backup(self) -> None:
        """The day's backup, off the GUI thread (a failure is shown, never fatal)."""
        self.ctx.ops.op(
            backup_ops.daily_backup,
            parent=self,
            label=_("Sauvegarde du jour…"),
            cancellable=False,
        )

    def fill_with_demo(self, contacts: int, *, seed: int = 1) -> None:
        """Generate demo data in the background, then refresh the sections."""
        self.ctx.ops.op(
            lambda op: demo_ops.fill_with_demo(op, contacts=contacts, seed=seed),
            parent=self,
            label=_("Création des données de démonstration…"),
            on_success=lambda _report: self._reset_pages(),
        )

    def open_import(self, kind: str) -> None:
        """Open the import wizard for contacts or gifts."""
        from app.ui.importing.wizard import ImportWizard

        ImportWizard(self.ctx, kind, self).exec()

    def show_users(self) -> None:
        """The users dialog (changes are admin-only, enforced in the core)."""
        from app.ui.access.dialogs import UsersDialog

        UsersDialog(self.ctx.database, self, runner=self.ctx.ops).exec()

    def show_backups(self) -> None:
        """The backups dialog; after a restore the database is reopened."""
        from app.ui.access.dialogs import BackupsDialog

        self.tasks.wait()
        dialog = BackupsDialog(self.ctx.database, self.paths.backup_dir, self, runner=self.ctx.ops)
        dialog.exec()
        if dialog.restored:
            self.reopen_after_restore()

    def reopen_after_restore(self) -> None:
        """Open the restored file again as the same user."""
        database = self.ctx.database
        reopened = open_database(
            database.target,
            user=database.user,
            backup_dir=self.paths.backup_dir,
            clock=database.clock,
        )
        reopened.role = database.role
        self.ctx.database = reopened
        self._reset_pages()
        self._refresh_status()
        self.events.notify_everything()

    # --- misc ------------------------------------------------------------------------

    def choose_language(self, code: str) -> None:
        """Remember the language; it applies at the next start."""
        QSettings().setValue("ui/language", code)
        QMessageBox.information(
            self, _("Langue"), _("La langue choisie s'appliquera au prochain démarrage.")
        )

    def about(self) -> None:
        """Version and purpose."""
        QMessageBox.about(
            self,
            _("À propos d'Obole"),
            _(
                "<b>Obole {version}</b><br>Relations donateurs, reçus fiscaux et RGPD pour les "
                "petites associations."
            ).format(version=__version__),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Let running work finish so no transaction is cut in the middle."""
        self.tasks.wait()
        self.ctx.database.dispose()
        super().closeEvent(event)
