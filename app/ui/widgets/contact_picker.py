"""Pick a contact by typing part of the name, e-mail, phone or city."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.core.contacts.search import ContactFilter, fetch_rows, fetch_window
from app.i18n import _
from app.ui.shell.context import UiContext

SUGGESTIONS = 8


class ContactPicker(QWidget):
    """A search box with a short list of matches; `contact_id` is the chosen contact."""

    picked = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.contact_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Tapez un nom, un courriel, une ville…"))
        self.results = QListWidget()
        self.results.setMaximumHeight(120)
        self.results.setVisible(False)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._refresh)
        self.search.textEdited.connect(self._on_edited)
        self.search.returnPressed.connect(self._pick_first)
        self.results.itemActivated.connect(self._pick)
        self.results.itemClicked.connect(self._pick)

    def set_contact(self, contact_id: int) -> None:
        """Show `contact_id` as the chosen contact."""
        rows = self.ctx.ops.read_window(lambda session: fetch_rows(session, [contact_id]))
        if rows:
            self.contact_id = contact_id
            self.search.setText(f"{rows[0].name} — {rows[0].city}".strip(" —"))
            self.results.setVisible(False)

    def clear(self) -> None:
        """Forget the chosen contact and empty the box."""
        self._timer.stop()
        self.contact_id = None
        self.search.clear()
        self.results.clear()
        self.results.setVisible(False)

    def _on_edited(self, _text: str) -> None:
        """Typing forgets the picked contact and searches again shortly."""
        self.contact_id = None
        self._timer.start()

    def _refresh(self) -> None:
        text = self.search.text().strip()
        self.results.clear()
        if len(text) < 2:
            self.results.setVisible(False)
            return
        rows = self.ctx.ops.read_window(  # a bounded window of suggestions, like a table model
            lambda session: fetch_window(
                session, ContactFilter(text=text), offset=0, limit=SUGGESTIONS
            )
        )
        for row in rows:
            item = QListWidgetItem(f"{row.name} — {row.postcode} {row.city} {row.email}".strip())
            item.setData(256, row.id)
            self.results.addItem(item)
        self.results.setVisible(bool(rows))

    def _pick_first(self) -> None:
        self._timer.stop()
        self._refresh()
        if self.results.count():
            self._pick(self.results.item(0))

    def _pick(self, item: QListWidgetItem) -> None:
        self.set_contact(int(item.data(256)))
        self.picked.emit(self.contact_id)
