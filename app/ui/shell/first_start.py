"""First start: offer demo data, an empty database, or an existing file."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _

DEFAULT_DEMO_CONTACTS = 2_000


class FirstStartChoice(StrEnum):
    DEMO = "demo"
    EMPTY = "empty"
    OPEN = "open"


class FirstStartDialog(QDialog):
    """Welcome dialog shown when the default database does not exist yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Bienvenue dans Obole"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "<h3>Bienvenue !</h3>Aucune base n'existe encore sur cet ordinateur. "
                "Que voulez-vous faire ?"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.demo = QRadioButton(_("Découvrir Obole avec des données de démonstration"))
        self.demo.setChecked(True)
        self.contacts = QSpinBox(
            minimum=100, maximum=500_000, singleStep=1000, value=DEFAULT_DEMO_CONTACTS
        )
        self.contacts.setSuffix(_(" contacts fictifs"))
        self.empty = QRadioButton(_("Commencer avec une base vide"))
        self.open_existing = QRadioButton(_("Ouvrir une base existante…"))
        for widget in (self.demo, self.contacts, self.empty, self.open_existing):
            layout.addWidget(widget)
        self.demo.toggled.connect(self.contacts.setEnabled)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> FirstStartChoice:
        """What the user picked."""
        if self.demo.isChecked():
            return FirstStartChoice.DEMO
        return FirstStartChoice.EMPTY if self.empty.isChecked() else FirstStartChoice.OPEN
