"""One way to report errors: a clear message for user errors, a crash dialog for bugs."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from app.paths import app_paths

logger = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user what went wrong, in the way that fits the kind of error."""
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, _("Action impossible"), str(exc))
        return
    logger.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    CrashDialog(parent, exc).exec()


class CrashDialog(QDialog):
    """An unexpected error: what to do, and details the user can copy for a bug report."""

    def __init__(self, parent: QWidget | None, exc: BaseException) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erreur inattendue"))
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _(
                    "Une erreur inattendue s'est produite. Vos données enregistrées ne sont pas "
                    "perdues : l'opération en cours a été annulée.\nLe détail ci-dessous a été "
                    "écrit dans le journal : {path}"
                ).format(path=app_paths().log_dir)
            )
        )
        text = QPlainTextEdit(details, readOnly=True)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(_("Copier le détail"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 400)
