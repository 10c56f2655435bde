"""SMTP settings for sending receipts, with a connection test."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.core.receipts.mailing import SECURITY, SmtpSettings
from app.errors import ValidationError
from app.i18n import _
from app.operations import smtp as smtp_ops
from app.ui.shell.context import UiContext
from app.ui.shell.errors import explain_text, show_error
from app.ui.widgets.common import save_cancel_buttons


class SmtpDialog(QDialog):
    """Host, port, security, login, sender; "Tester" connects without sending anything.

    The stored settings are read, the connection tested and the settings saved in the
    background; the boxes wait until the stored settings are shown."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.busy = False
        self.setWindowTitle(_("Envoi des reçus par courriel"))
        form = QFormLayout(self)
        self.host, self.login, self.sender_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox(minimum=1, maximum=65535, value=587)
        self.security = QComboBox()
        self.security.addItems(list(SECURITY))
        self.editors: tuple[QWidget, ...] = (
            self.host,
            self.port,
            self.security,
            self.login,
            self.password,
            self.sender_edit,
        )
        for label, widget in zip(
            (
                _("Serveur SMTP"),
                _("Port"),
                _("Sécurité"),
                _("Identifiant"),
                _("Mot de passe"),
                _("Expéditeur"),
            ),
            self.editors,
            strict=True,
        ):
            form.addRow(label, widget)
        self.status = QLabel(_("Lecture des paramètres…"))
        self.status.setWordWrap(True)
        self.test_button = QPushButton(_("Tester la connexion"))
        self.test_button.clicked.connect(self.test)
        form.addRow(self.test_button, self.status)
        buttons, self.save_button = save_cancel_buttons(self.save, self.reject)
        form.addRow(buttons)
        self._set_busy(True)
        ctx.ops.op(
            smtp_ops.load_smtp,
            parent=self,
            label=_("Lecture des paramètres…"),
            on_success=self._show,
            on_failure=self._load_failed,
            cancellable=False,
        )

    def _set_busy(self, busy: bool) -> None:
        """While reading, testing or saving, the boxes and buttons wait."""
        self.busy = busy
        for widget in (*self.editors, self.test_button, self.save_button):
            widget.setEnabled(not busy)

    def _show(self, current: SmtpSettings) -> None:
        self.host.setText(current.host)
        self.login.setText(current.username)
        self.sender_edit.setText(current.sender)
        self.password.setText(current.password)
        self.port.setValue(current.port)
        self.security.setCurrentText(current.security)
        self.status.setText("")
        self.loaded = True
        self._set_busy(False)

    def _load_failed(self, exc: BaseException) -> None:
        """Unreadable settings: say so, keep the dialog closed to saving."""
        self.status.setText(_("Les paramètres n'ont pas pu être lus."))
        self.test_button.setEnabled(False)
        show_error(self, exc)

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

    def test(self) -> None:
        """Connect and log in in the background; say whether it worked."""
        settings = self.settings()
        self._set_busy(True)
        self.status.setText(_("Connexion en cours…"))
        self.ctx.ops.op(
            lambda op: smtp_ops.check_smtp(op, settings),
            parent=self,
            label=_("Test de la connexion…"),
            on_success=lambda _none: self.status.setText(_("Connexion réussie.")),
            on_failure=self._say_failure,
            on_finally=lambda: self._set_busy(False),
            cancellable=False,
        )

    def _say_failure(self, exc: BaseException) -> None:
        """A refused connection or a wrong field is said beside the button; a bug is a crash."""
        text = explain_text(exc)
        if text is None:
            show_error(self, exc)
            return
        self.status.setText(str(exc) if isinstance(exc, ValidationError) else text)

    def save(self) -> None:
        """Store the settings (nothing saved if invalid); the dialog stays open on failure."""
        if self.busy or not self.loaded:
            return
        settings = self.settings()
        self._set_busy(True)
        self.ctx.ops.op(
            lambda op: smtp_ops.save_smtp(op, settings),
            parent=self,
            label=_("Enregistrement des paramètres…"),
            on_success=lambda _none: self.accept(),
            on_failure=self._say_failure,
            on_finally=lambda: self._set_busy(False),
            cancellable=False,
        )
