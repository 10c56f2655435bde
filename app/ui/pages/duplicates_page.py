"""Duplicates: scan in the background, review groups side by side, merge, undo."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.backup import automatic_backup
from app.core.contacts import RECEIPT_MODE_LABELS
from app.core.dates import format_date
from app.core.dedupe.batch import merge_safe_groups
from app.core.dedupe.merge import SCALAR_FIELDS, mark_not_duplicate, merge, preview, undo
from app.core.dedupe.scan import CandidateGroup, scan
from app.errors import UserError
from app.i18n import N_, _
from app.models import Contact
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.widgets_common import wrapped_label

FIELD_LABELS = {
    "civility": N_("Civilité"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom"),
    "birth_name": N_("Nom de naissance"),
    "organisation_name": N_("Raison sociale"),
    "legal_form": N_("Forme juridique"),
    "siren": N_("N° SIREN"),
    "birth_date": N_("Date de naissance"),
    "notes": N_("Notes"),
    "receipt_mode": N_("Reçus fiscaux"),
}
CHOSEN = QBrush(QColor("#d7f0d7"))


class DuplicatesPage(QWidget):
    """Candidate groups on the left, the selected group side by side on the right."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.groups: list[CandidateGroup] = []
        self.choices: dict[str, int] = {}
        self.last_merge_id: int | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Doublons')}</h2>"))
        actions = QHBoxLayout()
        self.scan_button = QPushButton(_("Rechercher les doublons"))
        self.merge_button = QPushButton(_("Fusionner (Ctrl+Entrée)"))
        self.not_duplicate_button = QPushButton(_("Pas un doublon (Ctrl+N)"))
        self.batch_button = QPushButton(_("Fusionner tous les groupes sûrs…"))
        self.undo_button = QPushButton(_("Annuler la dernière fusion"))
        for button in (
            self.scan_button,
            self.merge_button,
            self.not_duplicate_button,
            self.batch_button,
            self.undo_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel(
            _("Lancez une recherche : les groupes les plus probables apparaissent en premier.")
        )
        layout.addWidget(self.status)
        splitter = QSplitter()
        self.groups_table = QTableWidget(0, 3)
        self.groups_table.setHorizontalHeaderLabels([_("Score"), _("Contacts"), _("Raisons")])
        self.groups_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.groups_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.groups_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.groups_table.horizontalHeader().setStretchLastSection(True)
        self.groups_table.verticalHeader().setVisible(False)
        splitter.addWidget(self.groups_table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(
            wrapped_label(
                _(
                    "Cliquez la valeur à garder pour chaque champ ; courriels, téléphones et "
                    "adresses sont réunis."
                )
            )
        )
        self.compare = QTableWidget(0, 0)
        self.compare.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.compare.cellClicked.connect(self._choose)
        right_layout.addWidget(self.compare, 1)
        self.preview_label = QLabel("")
        self.preview_label.setWordWrap(True)
        right_layout.addWidget(self.preview_label)
        splitter.addWidget(right)
        splitter.setSizes([420, 700])
        layout.addWidget(splitter, 1)
        self.scan_button.clicked.connect(self.start_scan)
        self.merge_button.clicked.connect(self.merge_selected)
        self.not_duplicate_button.clicked.connect(self.not_duplicate_selected)
        self.batch_button.clicked.connect(self.merge_safe)
        self.undo_button.clicked.connect(self.undo_last)
        self.groups_table.itemSelectionChanged.connect(self._show_group)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.merge_selected)
        QShortcut(QKeySequence("Ctrl+N"), self, self.not_duplicate_selected)
        self._update_buttons()

    # --- scan ------------------------------------------------------------------------

    def start_scan(self) -> None:
        """Scan every contact in the background."""
        database = self.ctx.database

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            with database.read() as session:
                return scan(session, progress=progress, cancel=cancel)

        self.ctx.tasks.run(
            work, parent=self, label=_("Recherche des doublons…"), on_success=self.show_groups
        )

    def show_groups(self, groups: list[CandidateGroup]) -> None:
        """List the groups, best score first."""
        self.groups = groups
        names = self._names({i for g in groups for i in g.member_ids})
        self.groups_table.setRowCount(len(groups))
        for row, group in enumerate(groups):
            label = " / ".join(names.get(i, str(i)) for i in group.member_ids)
            for column, value in enumerate(
                (
                    f"{group.score:.0f}" + (" ✔" if group.safe else ""),
                    label,
                    ", ".join(group.reasons),
                )
            ):
                self.groups_table.setItem(row, column, QTableWidgetItem(value))
        self.groups_table.resizeColumnsToContents()
        self.status.setText(
            _(
                "{n} groupe(s) de doublons probables, dont {safe} sûrs (✔ : même courriel, téléphone "
                "ou date de naissance et score élevé)."
            ).format(n=len(groups), safe=sum(g.safe for g in groups))
        )
        if groups:
            self.groups_table.selectRow(0)
        self._update_buttons()

    def _names(self, ids: set[int]) -> dict[int, str]:
        with self.ctx.database.read() as session:
            return {
                c.id: c.display_name for c in session.query(Contact).filter(Contact.id.in_(ids))
            }

    # --- review ----------------------------------------------------------------------

    def current_group(self) -> CandidateGroup | None:
        """The selected group."""
        rows = self.groups_table.selectionModel().selectedRows()
        return self.groups[rows[0].row()] if rows and rows[0].row() < len(self.groups) else None

    def _show_group(self) -> None:
        group = self.current_group()
        self.choices = {}
        if group is None:
            self.compare.setRowCount(0)
            return
        with self.ctx.database.read() as session:
            contacts = [session.get(Contact, i) for i in group.member_ids]
            rows = [(field, [getattr(c, field) for c in contacts]) for field in SCALAR_FIELDS]
            rows += [
                ("emails", [", ".join(e.email for e in c.emails) for c in contacts]),
                ("phones", [", ".join(p.number for p in c.phones) for c in contacts]),
                (
                    "addresses",
                    [
                        " ; ".join(f"{a.line4} {a.postcode} {a.city}" for a in c.addresses)
                        for c in contacts
                    ],
                ),
            ]
        self.compare.setColumnCount(len(group.member_ids))
        self.compare.setHorizontalHeaderLabels(
            [_("Contact {id}").format(id=i) for i in group.member_ids]
        )
        self.compare.setRowCount(len(rows))
        labels = {
            **FIELD_LABELS,
            "emails": N_("Courriels"),
            "phones": N_("Téléphones"),
            "addresses": N_("Adresses"),
        }
        self.compare.setVerticalHeaderLabels([_(labels[field]) for field, _values in rows])
        for r, (field, values) in enumerate(rows):
            for c, value in enumerate(values):
                text = (
                    _(RECEIPT_MODE_LABELS.get(value, value))
                    if field == "receipt_mode"
                    else format_date(value)
                    if hasattr(value, "year")
                    else str(value or "")
                )
                self.compare.setItem(r, c, QTableWidgetItem(text))
        self.compare.resizeColumnsToContents()
        self._refresh_preview()

    def _choose(self, row: int, column: int) -> None:
        group = self.current_group()
        if group is None or row >= len(SCALAR_FIELDS):
            return
        self.choices[SCALAR_FIELDS[row]] = group.member_ids[column]
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        group = self.current_group()
        if group is None:
            return
        for r, field in enumerate(SCALAR_FIELDS):
            for c, contact_id in enumerate(group.member_ids):
                item = self.compare.item(r, c)
                if item is not None:
                    item.setBackground(
                        CHOSEN if self.choices.get(field) == contact_id else QBrush()
                    )
        survivor, *others = group.member_ids
        try:
            with self.ctx.database.read() as session:
                result = preview(session, survivor, others, self.choices)
        except UserError as exc:
            self.preview_label.setText(str(exc))
            return
        values = result.values
        name = " ".join(
            str(values[f])
            for f in ("civility", "first_name", "last_name", "organisation_name")
            if values[f]
        )
        self.preview_label.setText(
            _(
                "Résultat : {name} — courriels : {emails} — téléphones : {phones} — "
                "adresses : {addresses}. Dons, reçus, consentements et historique sont "
                "rattachés au contact {survivor}."
            ).format(
                name=name,
                emails=", ".join(result.emails) or "—",
                phones=", ".join(result.phones) or "—",
                addresses=" ; ".join(result.addresses) or "—",
                survivor=survivor,
            )
        )

    # --- actions ---------------------------------------------------------------------

    def _remove_current(self) -> None:
        row = self.groups_table.currentRow()
        if 0 <= row < len(self.groups):
            del self.groups[row]
            self.groups_table.removeRow(row)
            if self.groups:
                self.groups_table.selectRow(min(row, len(self.groups) - 1))
        self._update_buttons()

    def merge_selected(self) -> None:
        """Merge the selected group into its first contact with the chosen values."""
        group = self.current_group()
        if group is None:
            return
        survivor, *others = group.member_ids
        try:
            with self.ctx.database.write() as session:
                self.last_merge_id = merge(session, survivor, others, choices=self.choices).id
        except UserError as exc:
            show_error(self, exc)
            return
        self.status.setText(
            _("Fusion n° {id} faite : vous pouvez l'annuler.").format(id=self.last_merge_id)
        )
        self._remove_current()
        self.ctx.events.changed.emit("merge")

    def not_duplicate_selected(self) -> None:
        """Remember that the group's contacts are different people."""
        group = self.current_group()
        if group is None:
            return
        with self.ctx.database.write() as session:
            for other in group.member_ids[1:]:
                mark_not_duplicate(session, group.member_ids[0], other)
        self.status.setText(_("Noté : ces contacts ne seront plus proposés comme doublons."))
        self._remove_current()

    def merge_safe(self) -> None:
        """Merge every safe group in the background, after a backup."""
        safe = [g for g in self.groups if g.safe]
        if not safe:
            return
        answer = QMessageBox.question(
            self,
            _("Fusion en lot"),
            _(
                "Fusionner {n} groupes sûrs ? Une sauvegarde est faite avant, et chaque fusion reste annulable."
            ).format(n=len(safe)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.merge_safe_now()

    def merge_safe_now(self) -> None:
        """Batch merge without asking (used by the button after confirmation, and tests)."""
        database, groups = self.ctx.database, list(self.groups)

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            automatic_backup(database.engine, database.backup_dir, reason="merge-batch")
            with database.write() as session:
                return merge_safe_groups(session, groups, progress=progress, cancel=cancel)

        def done(result) -> None:  # type: ignore[no-untyped-def]
            self.last_merge_id = result.merge_ids[-1] if result.merge_ids else self.last_merge_id
            self.show_groups([g for g in self.groups if not g.safe])
            self.status.setText(
                _("{n} fusion(s) faite(s) en lot ; {skipped} groupe(s) ignoré(s).").format(
                    n=len(result.merge_ids), skipped=len(result.skipped)
                )
            )
            self.ctx.events.changed.emit("merge")

        self.ctx.tasks.run(work, parent=self, label=_("Fusion des doublons sûrs…"), on_success=done)

    def undo_last(self) -> None:
        """Undo the last merge made on this screen."""
        if self.last_merge_id is None:
            return
        try:
            with self.ctx.database.write() as session:
                undo(session, self.last_merge_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.status.setText(
            _("Fusion n° {id} annulée : les contacts sont revenus à l'identique.").format(
                id=self.last_merge_id
            )
        )
        self.last_merge_id = None
        self._update_buttons()
        self.ctx.events.changed.emit("merge")

    def _update_buttons(self) -> None:
        has_group = bool(self.groups)
        self.merge_button.setEnabled(has_group)
        self.not_duplicate_button.setEnabled(has_group)
        self.batch_button.setEnabled(any(g.safe for g in self.groups))
        self.undo_button.setEnabled(self.last_merge_id is not None)
