"""Login, users management (admin) and backups dialogs."""

from __future__ import annotations

import logging
from pathlib import Path

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

from app.core.access import session_login, users
from app.core.infrastructure import backup
from app.core.infrastructure.database import Database
from app.core.infrastructure.permissions import (
    PERMISSION_LABELS,
    ROLE_LABELS,
    Permission,
    role_allows,
)
from app.errors import UserError
from app.i18n import N_, _
from app.models.enums import Role
from app.operations import backups as backup_ops
from app.operations.base import OperationContext
from app.ui.errors import show_error
from app.ui.theme import text_style
from app.ui.widgets_common import wrapped_label

logger = logging.getLogger(__name__)


REASONS = {
    "manual": N_("manuelle"),
    "daily": N_("quotidienne"),
    "migration": N_("avant mise à jour"),
    "import": N_("avant import"),
    "receipts": N_("avant reçus fiscaux"),
    "merge-batch": N_("avant fusion en lot"),
    "anonymisation": N_("avant effacement RGPD"),
    "retention": N_("avant conservation RGPD"),
    "before-restore": N_("avant restauration"),
}


def _readable_table(table: QTableWidget) -> None:
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)


class LoginDialog(QDialog):
    """Asks a username and password; on success the database acts as that user."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("Connexion"))
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet(text_style("error"))
        form.addRow(_("Utilisateur :"), self.username)
        form.addRow(_("Mot de passe :"), self.password)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def try_login(self) -> None:
        """Check the password; stay open with an inline message when it is wrong."""
        try:
            session_login.log_in(self.database, self.username.text().strip(), self.password.text())
        except UserError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            return
        self.accept()


def _can(database: Database, permission: Permission) -> bool:
    return role_allows(database.role, permission)


def _why_not(permission: Permission) -> str:
    return _("Votre rôle ne permet pas de {action}.").format(
        action=_(PERMISSION_LABELS[permission])
    )


class UsersDialog(QDialog):
    """List users; admins add, change role, reset passwords and deactivate."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
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
        allowed = _can(database, Permission.SETTINGS_WRITE)
        for button in (self.add_button, self.deactivate_button):
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else _why_not(Permission.SETTINGS_WRITE))
        self.refresh()

    def refresh(self) -> None:
        """Reload the list from the database."""
        with self.database.read() as session:
            rows = users.list_users(session)
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

    def _write(self, action) -> bool:  # type: ignore[no-untyped-def]
        try:
            with self.database.write() as session:
                action(session)
        except UserError as exc:
            show_error(self, exc)
            return False
        self.refresh()
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
        return self._write(lambda s: users.create_user(s, username, role=role, password=password))

    def change_password(self, *, password: str | None = None) -> bool:
        """Set the selected user's password."""
        name = self.selected_username()
        password = password or (_ask_password(self) if name else None)
        if not name or not password:
            return False
        return self._write(
            lambda s: users.set_password(s, name, password, acting_user=self.database.user)
        )

    def deactivate(self) -> bool:
        """Deactivate the selected user (the core keeps the last admin)."""
        name = self.selected_username()
        if not name:
            return False
        return self._write(lambda s: users.deactivate_user(s, name))


def _ask_password(parent: QWidget) -> str:
    text, ok = QInputDialog.getText(
        parent, _("Mot de passe"), _("Nouveau mot de passe :"), QLineEdit.EchoMode.Password
    )
    return text if ok else ""


class BackupsDialog(QDialog):
    """List the backups; verify or restore one; make one now."""

    def __init__(self, database: Database, backup_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database, self.backup_dir = database, backup_dir
        self.restored = False
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
        allowed = _can(database, Permission.BACKUP_RESTORE) and database.file is not None
        self.passphrase_button.setEnabled(_can(database, Permission.SETTINGS_WRITE))
        self.restore_button.setEnabled(allowed)
        self.restore_button.setToolTip("" if allowed else _why_not(Permission.BACKUP_RESTORE))
        self.entries: list[backup.BackupEntry] = []
        self.refresh()

    def refresh(self) -> None:
        """Reload the list of backup files."""
        self.entries = backup.list_backups(self.backup_dir)
        self.table.setRowCount(len(self.entries))
        for index, entry in enumerate(self.entries):
            for column, value in enumerate(
                (
                    f"{entry.created:%d/%m/%Y %H:%M}",
                    _(REASONS.get(entry.reason, entry.reason)),
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
        try:
            backup_ops.set_backup_passphrase(OperationContext(self.database), first or None)
        except UserError as exc:
            show_error(self, exc)
            return
        QMessageBox.information(
            self,
            _("Sauvegardes"),
            _("Toutes les sauvegardes seront désormais chiffrées.")
            if first
            else _("Les prochaines sauvegardes ne seront plus chiffrées."),
        )

    def create_backup(self) -> None:
        """Make a verified backup now."""
        try:
            backup_ops.create_backup(
                OperationContext(self.database),
                passphrase=self._passphrase(self.encrypt.currentIndex() == 1),
                backup_dir=self.backup_dir,
            )
        except UserError as exc:
            show_error(self, exc)
        self.refresh()

    def verify(self) -> bool:
        """Verify the selected backup and say so."""
        entry = self._selected()
        if entry is None:
            return False
        try:
            backup.verify_backup(entry.path, passphrase=self._passphrase(entry.encrypted))
        except UserError as exc:
            show_error(self, exc)
            return False
        QMessageBox.information(
            self, _("Sauvegardes"), _("Sauvegarde intègre : {file}").format(file=entry.path.name)
        )
        return True

    def restore(self, *, confirm: bool = True) -> bool:
        """Restore the selected backup over the current database (after a safety copy)."""
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
        try:
            backup_ops.restore_backup(
                OperationContext(self.database),
                entry.path,
                passphrase=self._passphrase(entry.encrypted),
                backup_dir=self.backup_dir,
            )
        except UserError as exc:
            show_error(self, exc)
            return False
        self.restored = True
        self.accept()
        return True
