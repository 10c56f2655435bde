"""While a contact is typed: existing contacts that look like the same person."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.core.dedupe.incremental import SimilarityIndex, draft_person
from app.core.dedupe.scan import load_people
from app.i18n import _
from app.operations.base import Change, Changes
from app.ui.shell.context import UiContext

INDEX_ATTRIBUTE = "_similarity_index"


def shared_index(ctx: UiContext) -> SimilarityIndex | None:
    """The index kept on the context (None until built)."""
    return getattr(ctx, INDEX_ATTRIBUTE, None)


class SimilarContactsPanel(QWidget):
    """A short list of probable duplicates of the draft, updated as the user types."""

    def __init__(
        self, ctx: UiContext, *, exclude_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exclude_id = exclude_id
        self._values: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(_("Contacts ressemblants"))
        layout.addWidget(self.title)
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.results)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.refresh)
        if shared_index(ctx) is None:
            self._build_index()
        ctx.events.changes.connect(self._data_changed)

    def _build_index(self) -> None:
        def done(index: SimilarityIndex) -> None:
            setattr(self.ctx, INDEX_ATTRIBUTE, index)
            self.refresh()

        self.ctx.ops.query(
            lambda session: SimilarityIndex(load_people(session)),
            parent=None,
            label=_("Préparation de la détection des doublons…"),
            on_success=done,
        )

    def _data_changed(self, changes: Changes) -> None:
        if changes & {Change.CONTACTS, Change.DUPLICATES, Change.IMPORTS}:
            setattr(self.ctx, INDEX_ATTRIBUTE, None)

    def update_draft(self, values: dict[str, Any]) -> None:
        """Show the contacts similar to what is typed (debounced)."""
        self._values = values
        self._timer.start()

    def refresh(self) -> None:
        """Query the index now."""
        index = shared_index(self.ctx)
        self.results.clear()
        if index is None or not any(  # a name alone or an e-mail alone is enough (#20)
            self._values.get(field)
            for field in ("last_name", "organisation_name", "email", "phone")
        ):
            return
        for match in index.similar(draft_person(self._values)):
            if match.b == self.exclude_id:
                continue
            person = index._people.get(match.b)  # noqa: SLF001 - read-only look-up
            name = (
                (person.organisation.title() or f"{person.last.upper()} {person.first.title()}")
                if person
                else str(match.b)
            )
            item = QListWidgetItem(
                f"{match.score:.0f} — {name} ({person.postcode if person else ''})\n"
                f"{', '.join(match.reasons)}"
            )
            item.setData(256, match.b)
            self.results.addItem(item)
        self.title.setText(_("Contacts ressemblants ({n})").format(n=self.results.count()))

    def _open(self, item: QListWidgetItem) -> None:
        self.ctx.navigate("contacts", contact_id=int(item.data(256)))
