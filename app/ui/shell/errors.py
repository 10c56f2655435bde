"""The one error path of the GUI.

- A field error (ValidationError naming a field) goes inline under its editor through
  `FieldErrors`; `report` routes it there when the form has that field.
- Every other failure goes through `show_error`: one message box that says what happened
  and what to do, in French, never an SQL text. Database failures are classified by the
  driver's error code (app/core/infrastructure/storage_errors.py), not by their message.
- Anything unexplained is a bug: the crash dialog, with details to copy.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback
from dataclasses import dataclass

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
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.core.infrastructure.storage_errors import error_code, storage_message
from app.errors import (
    Conflict,
    NotFound,
    OperationCancelled,
    PermissionDenied,
    StorageError,
    UserError,
    ValidationError,
)
from app.i18n import _
from app.paths import app_paths
from app.ui.widgets.common import FieldErrors

logger = logging.getLogger(__name__)

# Constraint codes: SQLite extended result codes and PostgreSQL SQLSTATEs.
FOREIGN_KEY = {787, "23503"}  # SQLITE_CONSTRAINT_FOREIGNKEY
UNIQUE = {2067, 1555, "23505"}  # SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
NOT_NULL = {1299, "23502"}  # SQLITE_CONSTRAINT_NOTNULL
CHECK = {275, "23514"}  # SQLITE_CONSTRAINT_CHECK


@dataclass(frozen=True)
class Explanation:
    """What happened and what to do, for the user."""

    what: str
    todo: str = ""

    def text(self) -> str:
        """Both, separated by a blank line."""
        return f"{self.what}\n\n{self.todo}" if self.todo else self.what


def _constraint_code(exc: IntegrityError) -> int | str | None:
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code  # the extended code names the constraint kind
    return error_code(exc)


def _integrity(exc: IntegrityError) -> Explanation:
    code = _constraint_code(exc)
    if code in FOREIGN_KEY:
        what = _("L'enregistrement fait référence à un élément qui n'existe pas (ou plus).")
        todo = _("Vérifiez le numéro ou l'élément choisi (contact, campagne…) puis réessayez.")
    elif code in UNIQUE:
        what = _("Cette valeur existe déjà : elle doit être unique.")
        todo = _("Choisissez une autre valeur ou modifiez l'élément existant.")
    elif code in NOT_NULL:
        what = _("Une information obligatoire manque.")
        todo = _("Remplissez tous les champs obligatoires puis réessayez.")
    else:
        what = _("La modification ne respecte pas une règle de la base de données.")
        todo = _("Vérifiez les valeurs saisies puis réessayez. Rien n'a été enregistré.")
    return Explanation(what, todo)


def explain(exc: BaseException) -> Explanation | None:
    """The user's explanation of a failure, or None for a bug (shown as a crash)."""
    if isinstance(exc, PermissionDenied):
        return Explanation(str(exc), _("Demandez à un administrateur si vous en avez besoin."))
    if isinstance(exc, ValidationError):
        return Explanation(str(exc), _("Corrigez la valeur indiquée puis réessayez."))
    if isinstance(exc, NotFound):
        return Explanation(str(exc), _("Vérifiez ce qui a été saisi ou choisi puis réessayez."))
    if isinstance(exc, (Conflict, StorageError, OperationCancelled, UserError)):
        return Explanation(str(exc))
    if isinstance(exc, IntegrityError):
        return _integrity(exc)
    if isinstance(exc, (OSError, sqlite3.Error, DBAPIError)):
        message = storage_message(exc, None)
        return Explanation(message) if message else None
    return None


def explain_text(exc: BaseException) -> str | None:
    """What happened and what to do, as one text, or None for a bug."""
    explanation = explain(exc)
    return explanation.text() if explanation is not None else None


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user what went wrong and what to do; an unexplained failure is a crash."""
    explanation = explain(exc)
    if explanation is not None:
        if not isinstance(exc, UserError):
            logger.info("failure shown to the user: %r", exc)
        QMessageBox.warning(parent, _("Action impossible"), explanation.text())
        return
    logger.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    CrashDialog(parent, exc).exec()


def report(
    parent: QWidget | None,
    exc: BaseException,
    fields: FieldErrors | None = None,
    general: QLabel | None = None,
) -> None:
    """A form's failure: a field error inline under its editor, anything else in the dialog.

    A ValidationError without a field of the form goes to `general` (a label of the form)
    when there is one.
    """
    if isinstance(exc, ValidationError) and fields is not None and exc.field in fields.labels:
        fields.show({str(exc.field): str(exc)})
        return
    if isinstance(exc, ValidationError) and general is not None:
        general.setText(str(exc))
        general.setVisible(True)
        return
    show_error(parent, exc)


class CrashDialog(QDialog):
    """An unexpected error: what to do, and details the user can copy for a bug report."""

    def __init__(self, parent: QWidget | None, exc: BaseException) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erreur inattendue"))
        self.details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
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
        text = QPlainTextEdit(self.details, readOnly=True)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(_("Copier le détail"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.details))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 400)
