"""Small widgets shared by forms: a field with its inline error message."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui.shell.theme import text_style


class FieldErrors:
    """Inline error labels keyed by field name; shown under their editor."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def cell(self, name: str, editor: QWidget) -> QWidget:
        """A widget holding `editor` and, under it, the error label of field `name`."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        label = QLabel("")
        label.setObjectName(f"error_{name}")
        label.setStyleSheet(text_style("error"))
        label.setWordWrap(True)
        label.setVisible(False)
        layout.addWidget(label)
        self.labels[name] = label
        return box

    def show(self, problems: dict[str, str]) -> list[str]:
        """Show the messages of `problems`; return those that have no label of their own."""
        orphans = [message for name, message in problems.items() if name not in self.labels]
        for name, label in self.labels.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        return orphans

    def visible(self) -> dict[str, str]:
        """Field -> message currently shown (used by tests)."""
        return {
            name: label.text()
            for name, label in self.labels.items()
            if label.isVisible() or label.text()
        }


def wrapped_label(text: str) -> QLabel:
    """A label that wraps long text instead of widening the window."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def confirm_deliberately(
    parent: QWidget | None, title: str, text: str, *, confirm: str, back: str
) -> bool:
    """Ask before a risky save; Enter and Escape both choose `back` (the safe answer).

    The confirm button says what it does ("Enregistrer malgré l'écart"), so saving needs a
    deliberate click or its mnemonic, never a reflex Enter.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    confirm_button = box.addButton(confirm, QMessageBox.ButtonRole.AcceptRole)
    back_button = box.addButton(back, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back_button)
    box.setEscapeButton(back_button)
    box.setObjectName("confirm_deliberately")
    box.exec()
    return box.clickedButton() is confirm_button


_INPUTS = (
    "QLineEdit",
    "QComboBox",
    "QSpinBox",
    "QDoubleSpinBox",
    "QPlainTextEdit",
    "QTextEdit",
    "QDateEdit",
    "QListWidget",
    "QTableWidget",
    "QTableView",
)


def _first_input(widget: QWidget) -> QWidget | None:
    if widget.inherits("QAbstractButton") or any(widget.inherits(n) for n in _INPUTS):
        return widget
    for child in widget.findChildren(QWidget):
        if any(child.inherits(n) for n in _INPUTS):
            return child
    return None


def name_controls(root: QWidget) -> int:
    """Give every form control a name a screen reader can read; returns how many were named.

    A control in a QFormLayout takes its row label ("Code postal"); another box its
    placeholder ("Rechercher : nom, organisation…"); names set by hand are kept.
    """
    from PySide6.QtWidgets import QFormLayout

    named = 0
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item else None
            widget = field_item.widget() if field_item else None
            field = _first_input(widget) if widget is not None else None
            if isinstance(label, QLabel) and field is not None and not field.accessibleName():
                field.setAccessibleName(label.text().replace("&", "").rstrip(" :"))
                named += 1
    for child in root.findChildren(QWidget):
        if child.accessibleName() or not any(child.inherits(n) for n in _INPUTS):
            continue
        placeholder = getattr(child, "placeholderText", None)
        text = placeholder() if callable(placeholder) else ""
        if not text and child.inherits("QComboBox"):
            text = child.currentText()  # type: ignore[attr-defined]
        if text:
            child.setAccessibleName(text.rstrip("…").rstrip(" :"))
            named += 1
    return named


def save_cancel_buttons(
    on_save: Callable[[], object],
    on_cancel: Callable[[], object],
    *,
    save_text: str = "",
) -> tuple[QDialogButtonBox, QPushButton]:
    """The "Enregistrer / Annuler" row of a form, and its save button (to disable while saving)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText(save_text or _("Enregistrer"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(on_cancel)
    return buttons, save
