"""Answer the next modal dialog like a user would (keys or a click on a named button)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox


class ModalAnswer:
    """Once a modal box opens: record its text, then press `key` or click `button`."""

    def __init__(self, qtbot: Any, *, button: str | None = None, key: Qt.Key | None = None):
        self.qtbot, self.button, self.key = qtbot, button, key
        self.texts: list[str] = []
        self.default_button = ""
        QTimer.singleShot(0, self._act)

    def _act(self) -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, self._act)
            return
        self.texts.append(box.text() if isinstance(box, QMessageBox) else box.windowTitle())
        if isinstance(box, QMessageBox) and box.defaultButton() is not None:
            self.default_button = box.defaultButton().text()
        if self.button is not None:
            target = next(
                b
                for b in box.findChildren(QAbstractButton)
                if b.text().replace("&", "") == self.button
            )
            self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        else:
            self.qtbot.keyClick(box, self.key or Qt.Key.Key_Return)
