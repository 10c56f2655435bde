"""Login, users management (admin) and backups dialogs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.access import users
from app.core.infrastructure import backup
from app.core.infrastructure.database import Database
from app.core.infrastructure.permissions import (
    PERMISSION_LABELS,
    ROLE_LABELS,
    Permission,
    role_allows,
)
from app.errors import UserError
from app.i18n import _
from app.models.enums import Role
from app.operations import access as access_ops
from app.operations import backups as backup_ops
from app.operations.base import OperationContext, Outcome
from app.ui.shell.errors import show_error
from app.ui.shell.tasks import DatabaseRunner, local_runner
from app.ui.shell.theme import text_style
from app.ui.widgets.common import wrapped_label

logger = logging.getLogger(__name__)


def _readable_table(table: QTableWidget) -> None:
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)


class LoginDialog(QDialog):
    """Asks a username and password; on success the database acts as that user.

    The password is checked on a worker thread (hashing takes a moment): the window stays
    responsive, and a second OK while it is checked does nothing."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        runner: DatabaseRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.runner = runner or local_runner(database, self)
        self.checking = False
        self.setWindowTitle(_("Connexion"))
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet(text_style("error"))
        form.addRow(_("Utilisateur :"), self.username)
        form.addRow(_("Mot de passe :"), self.password)
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def try_login(self) -> None:
        """Check the password; stay open with an inline message when it is wrong."""
        if self.checking:
            return
        username, password = self.username.text().strip(), self.password.text()
        self._set_checking(True)
        self.message.setText("")
        self.runner.op(
            lambda op: access_ops.log_in(op, username, password),
            parent=self,
            label=_("Vérification du mot de passe…"),
            on_success=lambda _user: self.accept(),
            on_failure=self._refused,
            on_finally=lambda: self._set_checking(False),
            cancellable=False,
        )

    def _set_checking(self, checking: bool) -> None:
        self.checking = checking
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not checking)

    def _refused(self, exc: BaseException) -> None:
        """A wrong password is said under the boxes; anything else through the one dialog."""
        if isinstance(exc, UserError):
            self.message.setText(str(exc))
            self.password.clear()
            return
        show_error(self, exc)


def _can(database: Database, permission: Permission) -> bool:
    return role_allows(database.role, permission)


def _why_not(permission: Permission) -> str:
    return _("Votre rôle ne permet pas de {action}.").format(
        action=_(PERMISSION_LABELS[permission])
    )


class UsersDialog(QDialog):
    """List users; admins add, change role, reset passwords and deactivate.

    Every change runs in the background; the buttons wait meanwhile and the list is read
    again once it is done (a refused change leaves it as it was and says why)."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        runner: DatabaseRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.runner = runner or local_runner(database, self)
        self.busy = False
        self.setWindowTitle(_("Utilisateurs"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped_label(
                _(
                    "Sans utilisateur, Obole s'ouvre sans connexion (ordinateur à un seul "
                    "utilisateur) ; au-delà d'un utilisateur, chacun se connecte.\n"
                    "Attention : les rôles protègent contre les erreurs, pas contre "
                    "quelqu'un qui ouvre directement le fichier de la base (SQLite) : il "
                    "pourrait tout lire et changer son rôle. Obole signale à la connexion "
                    "un rôle modifié hors d'Obole. Protégez l'ordinateur et le dossier."
                )
            )
        )
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Utilisateur"), _("Rôle"), _("État")])
        _readable_table(self.table)
        layout.addWidget(self.table)
        self.resize(620, 380)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Ajouter…"))
        self.password_button = QPushButton(_("Mot de passe…"))
        self.deactivate_button = QPushButton(_("Désactiver"))
        for button, slot in (
            (self.add_button, self.add_user),
            (self.password_button, self.change_password),
            (self.deactivate_button, self.deactivate),
        ):
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        self.allowed = _can(database, Permission.SETTINGS_WRITE)
        for button in (self.add_button, self.deactivate_button):
            button.setToolTip("" if self.allowed else _why_not(Permission.SETTINGS_WRITE))
        self._set_busy(False)
        self.refresh()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.password_button.setEnabled(not busy)
        for button in (self.add_button, self.deactivate_button):
            button.setEnabled(self.allowed and not busy)

    def refresh(self) -> None:
        """Read the list again in the background."""
        self.runner.op(
            access_ops.list_users,
            parent=self,
            label=_("Lecture des utilisateurs…"),
            on_success=self._show_users,
            cancellable=False,
        )

    def _show_users(self, rows: list[users.UserInfo]) -> None:
        self.table.setRowCount(len(rows))
        for index, user in enumerate(rows):
            state = _("actif") if user.active else _("désactivé")
            for column, value in enumerate((user.username, _(ROLE_LABELS[Role(user.role)]), state)):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def selected_username(self) -> str | None:
        """The username on the current row."""
        item = self.table.item(self.table.currentRow(), 0)
        return item.text() if item else None

    def _change(self, operation: Callable[[OperationContext], Outcome[Any]], label: str) -> bool:
        """Run a change in the background, then read the list again; True once started."""
        if self.busy:
            return False
        self._set_busy(True)
        self.runner.op(
            operation,
            parent=self,
            label=label,
            on_success=lambda _result: self.refresh(),
            on_failure=lambda exc: show_error(self, exc),
            on_finally=lambda: self._set_busy(False),
            cancellable=False,
        )
        return True

    def add_user(
        self, *, username: str | None = None, role: str | None = None, password: str | None = None
    ) -> bool:
        """Ask (or take) a name, role and password, then create the user."""
        username = username or QInputDialog.getText(self, _("Ajouter"), _("Utilisateur :"))[0]
        if not username:
            return False
        if role is None:
            labels = [_(ROLE_LABELS[r]) for r in Role]
            label, ok = QInputDialog.getItem(self, _("Ajouter"), _("Rôle :"), labels, 0, False)
            if not ok:
                return False
            role = list(Role)[labels.index(label)].value
        password = password or _ask_password(self)
        if not password:
            return False
        name, chosen_role, secret = username, role, password
        return self._change(
            lambda op: access_ops.add_user(op, name, role=chosen_role, password=secret),
            _("Ajout de l'utilisateur…"),
        )

    def change_password(self, *, password: str | None = None) -> bool:
        """Set the selected user's password."""
        name = self.selected_username()
        password = password or (_ask_password(self) if name else None)
        if not name or not password:
            return False
        secret = password
        return self._change(
            lambda op: access_ops.change_password(op, name, secret),
            _("Changement du mot de passe…"),
        )

    def deactivate(self) -> bool:
        """Deactivate the selected user (the core keeps the last admin)."""
        name = self.selected_username()
        if not name:
            return False
        return self._change(
            lambda op: access_ops.deactivate_user(op, name), _("Désactivation de l'utilisateur…")
        )


def _ask_password(parent: QWidget) -> str:
    text, ok = QInputDialog.getText(
        parent, _("Mot de passe"), _("Nouveau mot de passe :"), QLineEdit.EchoMode.Password
    )
    return text if ok else ""


class BackupsDialog(QDialog):
    """List the backups; verify or restore one; make one now.

    Making, verifying and restoring run in the background through the runner (a progress
    window after half a second; a verification can be cancelled, a backup or a restore is
    never cut in the middle); failures go through the one error dialog."""

    def __init__(
        self,
        database: Database,
        backup_dir: Path,
        parent: QWidget | None = None,
        *,
        runner: DatabaseRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.database, self.backup_dir = database, backup_dir
        self.runner = runner or local_runner(database, self)
        self.restored = False
        self.busy = False
        self.verified: Path | None = None
        self.setWindowTitle(_("Sauvegardes"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _(
                    "Dossier : {dir}\nConservation : 7 sauvegardes "
                    "quotidiennes, 4 hebdomadaires, les autres 30 jours."
                ).format(dir=backup_dir)
            )
        )
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Date"), _("Motif"), _("Fichier")])
        _readable_table(self.table)
        layout.addWidget(self.table)
        self.resize(720, 420)
        row = QHBoxLayout()
        self.create_button = QPushButton(_("Sauvegarder maintenant"))
        self.verify_button = QPushButton(_("Vérifier"))
        self.restore_button = QPushButton(_("Restaurer…"))
        self.passphrase_button = QPushButton(_("Chiffrer toutes les sauvegardes…"))
        self.passphrase_button.setToolTip(
            _(
                "Une phrase de passe pour l'association : chaque sauvegarde, automatique "
                "ou non, sera chiffrée."
            )
        )
        self.encrypt = QComboBox()
        self.encrypt.addItems([_("Sans chiffrement"), _("Chiffrer (phrase de passe)")])
        for button, slot in (
            (self.create_button, self.create_backup),
            (self.verify_button, self.verify),
            (self.restore_button, self.restore),
            (self.passphrase_button, self.set_passphrase),
        ):
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addWidget(self.encrypt)
        layout.addLayout(row)
        self.may_restore = _can(database, Permission.BACKUP_RESTORE) and database.file is not None
        self.may_encrypt = _can(database, Permission.SETTINGS_WRITE)
        self.restore_button.setToolTip(
            "" if self.may_restore else _why_not(Permission.BACKUP_RESTORE)
        )
        self._set_busy(False)
        self.entries: list[backup.BackupEntry] = []
        self.refresh()

    def _set_busy(self, busy: bool) -> None:
        """While a backup is made, verified or restored, the other buttons wait."""
        self.busy = busy
        self.create_button.setEnabled(not busy)
        self.verify_button.setEnabled(not busy)
        self.restore_button.setEnabled(self.may_restore and not busy)
        self.passphrase_button.setEnabled(self.may_encrypt and not busy)

    def _run(
        self,
        operation: Callable[[OperationContext], Outcome[Any]],
        label: str,
        on_success: Callable[[Any], None],
        *,
        cancellable: bool = False,
    ) -> bool:
        if self.busy:
            return False
        self._set_busy(True)
        self.runner.op(
            operation,
            parent=self,
            label=label,
            on_success=on_success,
            on_failure=lambda exc: show_error(self, exc),
            on_finally=lambda: self._set_busy(False),
            cancellable=cancellable,
        )
        return True

    def refresh(self) -> None:
        """Reload the list of backup files."""
        self.entries = backup.list_backups(self.backup_dir)
        self.table.setRowCount(len(self.entries))
        for index, entry in enumerate(self.entries):
            for column, value in enumerate(
                (
                    f"{entry.created:%d/%m/%Y %H:%M}",
                    backup.reason_label(entry.reason),
                    entry.path.name,
                )
            ):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def _selected(self) -> backup.BackupEntry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _passphrase(self, needed: bool) -> str | None:
        if not needed:
            return None
        text, ok = QInputDialog.getText(
            self, _("Phrase de passe"), _("Phrase de passe :"), QLineEdit.EchoMode.Password
        )
        return text if ok and text else None

    def set_passphrase(self) -> None:
        """Ask the association's backup passphrase twice; every later backup is encrypted."""
        first, ok = QInputDialog.getText(
            self,
            _("Chiffrer toutes les sauvegardes"),
            _(
                "Phrase de passe des sauvegardes (gardez-la en lieu sûr : sans elle, une "
                "sauvegarde chiffrée ne peut pas être restaurée). Laissez vide pour ne plus "
                "chiffrer :"
            ),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        if first:
            again, ok = QInputDialog.getText(
                self,
                _("Chiffrer toutes les sauvegardes"),
                _("Confirmez :"),
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                return
            if again != first:
                QMessageBox.warning(
                    self, _("Sauvegardes"), _("Les deux phrases de passe diffèrent.")
                )
                return
        phrase = first or None
        self._run(
            lambda op: backup_ops.set_backup_passphrase(op, phrase),
            _("Enregistrement de la phrase de passe…"),
            self._passphrase_set,
        )

    def _passphrase_set(self, encrypted: bool) -> None:
        QMessageBox.information(
            self,
            _("Sauvegardes"),
            _("Toutes les sauvegardes seront désormais chiffrées.")
            if encrypted
            else _("Les prochaines sauvegardes ne seront plus chiffrées."),
        )

    def create_backup(self) -> bool:
        """Make a verified backup now (in the background); True once started."""
        passphrase = self._passphrase(self.encrypt.currentIndex() == 1)
        folder = self.backup_dir
        return self._run(
            lambda op: backup_ops.create_backup(op, passphrase=passphrase, backup_dir=folder),
            _("Sauvegarde en cours…"),
            lambda _made: self.refresh(),
        )

    def verify(self) -> bool:
        """Verify the selected backup in the background and say so; True once started."""
        entry = self._selected()
        if entry is None:
            return False
        passphrase = self._passphrase(entry.encrypted)
        self.verified = None
        return self._run(
            lambda op: backup_ops.verify_backup(op, entry.path, passphrase=passphrase),
            _("Vérification de la sauvegarde…"),
            self._verified,
            cancellable=True,
        )

    def _verified(self, path: Path) -> None:
        self.verified = path
        QMessageBox.information(
            self, _("Sauvegardes"), _("Sauvegarde intègre : {file}").format(file=path.name)
        )

    def restore(self, *, confirm: bool = True) -> bool:
        """Restore the selected backup over the current database (after a safety copy).

        Runs in the background; once done the dialog closes and the main window reopens the
        restored database and tells every view. True once started."""
        entry, file = self._selected(), self.database.file
        if entry is None or file is None:
            return False
        question = _(
            "Remplacer la base actuelle par la sauvegarde du {date} ? La base "
            "actuelle sera d'abord sauvegardée."
        ).format(date=f"{entry.created:%d/%m/%Y %H:%M}")
        if (
            confirm
            and QMessageBox.question(self, _("Restaurer"), question)
            != QMessageBox.StandardButton.Yes
        ):
            return False
        passphrase, folder = self._passphrase(entry.encrypted), self.backup_dir

        def restore(op: OperationContext) -> Outcome[backup.BackupResult]:
            # what changed is announced by the main window once it has reopened the file
            return Outcome(
                backup_ops.restore_backup(
                    op, entry.path, passphrase=passphrase, backup_dir=folder
                ).result
            )

        return self._run(restore, _("Restauration en cours…"), self._restored)

    def _restored(self, _safety: backup.BackupResult) -> None:
        self.restored = True
        self.accept()
