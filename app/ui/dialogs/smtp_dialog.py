"""SMTP settings for sending receipts, with a connection test."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.core.receipts.mailing import (
    SECURITY,
    SmtpSettings,
    check_connection,
    load_settings,
    save_settings,
)
from app.errors import UserError
from app.i18n import _
from app.ui.context import UiContext


class SmtpDialog(QDialog):
    """Host, port, security, login, sender; "Tester" connects without sending anything."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Envoi des reçus par courriel"))
        form = QFormLayout(self)
        with ctx.database.read() as session:
            current = load_settings(session)
        self.host, self.login, self.sender_edit = (
            QLineEdit(current.host),
            QLineEdit(current.username),
            QLineEdit(current.sender),
        )
        self.password = QLineEdit(current.password)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox(minimum=1, maximum=65535, value=current.port)
        self.security = QComboBox()
        self.security.addItems(list(SECURITY))
        self.security.setCurrentText(current.security)
        for label, widget in (
            (_("Serveur SMTP"), self.host),
            (_("Port"), self.port),
            (_("Sécurité"), self.security),
            (_("Identifiant"), self.login),
            (_("Mot de passe"), self.password),
            (_("Expéditeur"), self.sender_edit),
        ):
            form.addRow(label, widget)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        test = QPushButton(_("Tester la connexion"))
        test.clicked.connect(self.test)
        form.addRow(test, self.status)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> SmtpSettings:
        """The settings as typed."""
        return SmtpSettings(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=self.security.currentText(),
            username=self.login.text().strip(),
            password=self.password.text(),
            sender=self.sender_edit.text().strip(),
        )

    def test(self) -> bool:
        """Connect and log in; say whether it worked."""
        try:
            check_connection(self.settings())
        except UserError as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(_("Connexion réussie."))
        return True

    def save(self) -> None:
        """Store the settings (nothing saved if invalid)."""
        try:
            with self.ctx.database.write() as session:
                save_settings(session, self.settings())
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.accept()
