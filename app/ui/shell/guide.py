"""Help > "Guide d'utilisation": the short French guide (resources/guide) in a text browser."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.i18n import _
from app.resources import file_path


def guide_dir() -> Path:
    """The guide's folder (shipped with the package, so the bundle has it too)."""
    return file_path("guide")


def guide_file() -> Path:
    """The guide's first page (Markdown, with its screenshots next to it)."""
    return guide_dir() / "index.md"


class GuideDialog(QDialog):
    """The guide, readable without a browser; links to other pages open in the same view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Guide d'utilisation — Obole"))
        self.resize(900, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide_dir())])
        self.browser.setAccessibleName(_("Guide d'utilisation"))
        if guide_file().exists():
            self.browser.setSource(QUrl.fromLocalFile(str(guide_file())))
        else:
            self.browser.setPlainText(
                _("Le guide est introuvable : {path}").format(path=guide_file())
            )
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Fermer"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
