"""A form dialog whose OK runs an operation off the GUI thread, errors shown by its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.operations.base import OperationContext
from app.ui.shell.context import UiContext
from app.ui.shell.errors import show_error
from app.ui.widgets.common import FieldErrors


class Form(QDialog):
    """A form whose OK runs `work` in the background; field errors shown inline."""

    def __init__(self, ctx: UiContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.result_value: Any = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter picks a contact or validates a field, never saves the form by surprise.

        (QDialogButtonBox makes OK the default button when shown, so without this an Enter
        in the contact search saved a half-filled form.)
        """
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def row(self, label: str, name: str, editor: QWidget) -> None:
        """A labelled editor with its inline error."""
        editor.setAccessibleName(label)
        self.form.addRow(label, self.errors.cell(name, editor))

    def operation_context(self) -> OperationContext:
        """The context operations need."""
        return OperationContext(self.ctx.database)

    def run(self, work: Callable[[], Any], label: str) -> None:
        """Run `work` off the GUI thread; close on success, show what is wrong otherwise."""
        self.buttons.setEnabled(False)
        self.ctx.ops.task(
            lambda _progress, _cancel: work(),
            parent=self,
            label=label,
            on_success=self._done,
            on_failure=self._failed,
        )

    def _done(self, value: Any) -> None:
        self.result_value = value
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError) and exc.field:
            orphans = self.errors.show({exc.field: str(exc)})
            self.message.setText("\n".join(orphans))
            return
        self.errors.show({})
        show_error(self, exc)

    def submit(self) -> None:
        """Overridden: read the fields and run the operation."""
        raise NotImplementedError
