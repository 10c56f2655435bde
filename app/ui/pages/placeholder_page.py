"""A section whose screen is not built yet: says so plainly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import _


class PlaceholderPage(QWidget):
    """Title and a one-line description."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{_(title)}</h2>")
        layout.addWidget(heading)
        body = QLabel(_(text))
        body.setWordWrap(True)
        layout.addWidget(body)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
