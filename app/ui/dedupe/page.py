"""Duplicates: scan in the background, review groups side by side, merge, undo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.core.contacts.editing import RECEIPT_MODE_LABELS
from app.core.dates import format_date
from app.core.dedupe.batch import BatchResult
from app.core.dedupe.merge import SCALAR_FIELDS, MergePreview, gift_counts
from app.core.dedupe.scan import SUGGESTION_THRESHOLD, UNCERTAIN_THRESHOLD, CandidateGroup
from app.core.money import format_eur
from app.errors import NotFound
from app.i18n import N_, _
from app.models import Contact
from app.operations import dedupe as dedupe_ops
from app.ui.shell.context import UiContext
from app.ui.shell.errors import explain_text
from app.ui.shell.theme import text_colour
from app.ui.widgets.common import wrapped_label

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


def _compare_rows(session: Session, ids: list[int]) -> list[tuple[str, list[Any]]]:
    """The values of each contact of a group, field by field, for the comparison table."""
    contacts = [session.get(Contact, i) for i in ids]
    gone = [i for i, c in zip(ids, contacts, strict=True) if c is None]
    if gone:  # merged or erased elsewhere since the search (the CLI, another user)
        raise NotFound(
            _(
                "Le contact n° {id} n'existe plus (fusionné ou effacé depuis la recherche) : "
                "relancez la recherche des doublons."
            ).format(id=gone[0])
        )
    gifts = gift_counts(session, ids)
    rows: list[tuple[str, list[Any]]] = [
        (field, [getattr(c, field) for c in contacts]) for field in SCALAR_FIELDS
    ]
    rows += [
        ("emails", [", ".join(e.email for e in c.emails) for c in contacts]),  # type: ignore[union-attr]
        ("phones", [", ".join(p.number for p in c.phones) for c in contacts]),  # type: ignore[union-attr]
        (
            "addresses",
            [
                " ; ".join(f"{a.line4} {a.postcode} {a.city}" for a in c.addresses)  # type: ignore[union-attr]
                for c in contacts
            ],
        ),
        (  # the number of gifts helps choose the record to keep (#17)
            "gifts",
            [
                _("{n} don(s), {total}").format(
                    n=gifts.get(i, (0, 0))[0], total=format_eur(gifts.get(i, (0, 0))[1])
                )
                for i in ids
            ],
        ),
    ]
    return rows


class DuplicatesPage(QWidget):
    """Candidate groups on the left, the selected group side by side on the right."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.groups: list[CandidateGroup] = []
        self.names: dict[int, str] = {}
        self.suggestion_threshold = SUGGESTION_THRESHOLD
        self.choices: dict[str, int] = {}
        self.last_merge_id: int | None = None
        self.merge_ids: list[int] = []  # merges made on this screen, newest last
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Doublons')}</h2>"))
        actions = QHBoxLayout()
        self.scan_button = QPushButton(_("Rechercher les doublons"))
        self.merge_button = QPushButton(_("Fusionner (Ctrl+Entrée)"))
        # Ctrl+N is File > New database: the clash made the shortcut do nothing (#17)
        self.not_duplicate_button = QPushButton(_("Pas un doublon (Ctrl+Maj+N)"))
        self.batch_button = QPushButton(_("Fusionner tous les groupes sûrs…"))
        self.undo_button = QPushButton(_("Annuler la fusion choisie"))
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
        self.uncertain = QCheckBox(
            _("Inclure les cas incertains (probabilité dès {p} %, marqués « à vérifier »)").format(
                p=round(100 * UNCERTAIN_THRESHOLD)
            )
        )
        self.uncertain.setToolTip(
            _(
                "Les paires sous le seuil de suggestion, par exemple le même nom sans autre "
                "indice dans deux départements. Chaque décision (fusion ou « pas un doublon ») "
                "est retenue pour les cas identiques des recherches suivantes."
            )
        )
        layout.addWidget(self.uncertain)
        self.status = QLabel(
            _("Lancez une recherche : les groupes les plus probables apparaissent en premier.")
        )
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        splitter = QSplitter()
        self.groups_table = QTableWidget(0, 3)
        self.groups_table.setHorizontalHeaderLabels([_("Score"), _("Contacts"), _("Raisons")])
        self.groups_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.groups_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.groups_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.groups_table.horizontalHeader().setStretchLastSection(True)
        self.groups_table.setWordWrap(True)
        self.groups_table.verticalHeader().setVisible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.groups_table, 1)
        left_layout.addWidget(QLabel(_("Fusions faites (choisissez-en une pour l'annuler) :")))
        self.history = QListWidget()
        self.history.setMaximumHeight(110)
        self.history.itemSelectionChanged.connect(self._update_buttons)
        left_layout.addWidget(self.history)
        splitter.addWidget(left)
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
        self.evidence_label = QLabel("")
        self.evidence_label.setWordWrap(True)
        right_layout.addWidget(self.evidence_label)
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
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.not_duplicate_selected)
        self._update_buttons()

    # --- scan ------------------------------------------------------------------------

    def start_scan(self) -> None:
        """Scan every contact in the background."""
        threshold = UNCERTAIN_THRESHOLD if self.uncertain.isChecked() else None
        self.ctx.ops.op(
            lambda context: dedupe_ops.scan_duplicates(context, threshold=threshold),
            parent=self,
            label=_("Recherche des doublons…"),
            on_success=lambda found: self.show_groups(
                found.groups, found.names, found.suggestion_threshold
            ),
        )

    def show_groups(
        self,
        groups: list[CandidateGroup],
        names: dict[int, str] | None = None,
        suggestion_threshold: float | None = None,
    ) -> None:
        """List the groups, best score first; those with a pair under the suggestion
        threshold (asked for with "cas incertains") are marked "à vérifier"."""
        self.groups = groups
        if names is not None:
            self.names = names
        if suggestion_threshold is not None:
            self.suggestion_threshold = suggestion_threshold
        names = self.names
        self.groups_table.setRowCount(len(groups))
        doubtful = 0
        for row, group in enumerate(groups):
            label = " / ".join(names.get(i, str(i)) for i in group.member_ids)
            # one link under the threshold is enough: a group is as doubtful as its weakest
            uncertain = any(p.probability < self.suggestion_threshold for p in group.pairs)
            score = f"{group.score:.0f} %" + (" ✔" if group.safe else "")
            if uncertain:
                doubtful += 1
                score = _("{score} à vérifier").format(score=score)
            for column, value in enumerate((score, label, group.best.reasons_text(limit=3))):
                item = QTableWidgetItem(value)
                item.setToolTip(group.best.reasons_text(limit=12))
                if uncertain:
                    item.setForeground(QBrush(QColor(text_colour("warning"))))
                self.groups_table.setItem(row, column, item)
        # as wide as "100 % ✔": "à vérifier" wraps under the score, the reasons stay on
        # screen (#17)
        metrics = self.groups_table.fontMetrics()
        self.groups_table.setColumnWidth(0, metrics.horizontalAdvance("100 % ✔") + 16)
        self.groups_table.setColumnWidth(1, 200)
        text = _(
            "{n} groupe(s) de doublons probables, dont {safe} sûrs (✔ : même "
            "courriel, téléphone ou date de naissance et probabilité élevée). Les poids "
            "entre parenthèses disent combien chaque champ pèse pour (+) ou contre (−) un "
            "doublon."
        ).format(n=len(groups), safe=sum(g.safe for g in groups))
        if doubtful:
            text += " " + _(
                "{n} groupe(s) à vérifier : un de leurs liens est sous le seuil de suggestion."
            ).format(n=doubtful)
        self.status.setText(text)
        # a new list: row 0 is another group even when row 0 was selected (no signal then)
        self.groups_table.clearSelection()
        if groups:
            self.groups_table.selectRow(0)
        self._update_buttons()

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
        ids = list(group.member_ids)
        self.ctx.ops.query(
            lambda session: _compare_rows(session, ids),
            parent=self,
            on_success=lambda rows: self._show_compare(group, rows),
        )

    def _show_compare(self, group: CandidateGroup, rows: list[tuple[str, list[Any]]]) -> None:
        if self.current_group() is not group:
            return  # another group was chosen meanwhile
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
            "gifts": N_("Dons"),
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
        self.evidence_label.setText(
            _("Indices (poids en bits) : {evidence}").format(
                evidence=" · ".join(e.text() for e in group.evidence)
            )
        )
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
        choices = dict(self.choices)
        self.ctx.ops.op(
            lambda op: dedupe_ops.merge_preview(op, survivor, others, choices),
            parent=self,
            label=_("Aperçu de la fusion…"),
            on_success=lambda result: self._show_preview(survivor, result),
            on_failure=lambda exc: self.preview_label.setText(
                explain_text(exc) or _("Aperçu impossible.")
            ),
        )

    def _show_preview(self, survivor: int, result: MergePreview) -> None:
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
        choices = dict(self.choices)

        def done(merged: dedupe_ops.Merged) -> None:
            self.last_merge_id = merged.merge_id
            self._remember_merges([merged.merge_id], group)
            self.status.setText(
                _("Fusion n° {id} faite : vous pouvez l'annuler.").format(id=merged.merge_id)
            )
            self._remove_current()

        self.ctx.ops.op(
            lambda op: dedupe_ops.merge_contacts(op, survivor, others, choices=choices),
            parent=self,
            label=_("Fusion en cours…"),
            on_success=done,
            cancellable=False,
        )

    def not_duplicate_selected(self) -> None:
        """Remember that the group's contacts are different people."""
        group = self.current_group()
        if group is None:
            return
        members = list(group.member_ids)

        def done(_none: None) -> None:
            self.status.setText(_("Noté : ces contacts ne seront plus proposés comme doublons."))
            self._remove_current()

        self.ctx.ops.op(
            lambda op: dedupe_ops.mark_different(op, members),
            parent=self,
            label=_("Enregistrement…"),
            on_success=done,
            cancellable=False,
        )

    def merge_safe(self) -> None:
        """Merge every safe group in the background, after a backup."""
        safe = [g for g in self.groups if g.safe]
        if not safe:
            return
        answer = QMessageBox.question(
            self,
            _("Fusion en lot"),
            _(
                "Fusionner {n} groupes sûrs ? Une sauvegarde est faite avant, et chaque fusion "
                "reste annulable une à une depuis la liste « Fusions faites »."
            ).format(n=len(safe)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.merge_safe_now()

    def merge_safe_now(self) -> None:
        """Batch merge without asking (used by the button after confirmation, and tests)."""
        groups = list(self.groups)

        def done(result: BatchResult) -> None:
            self.last_merge_id = result.merge_ids[-1] if result.merge_ids else self.last_merge_id
            self._remember_merges(list(result.merge_ids), None)
            self.show_groups([g for g in self.groups if not g.safe])
            self.status.setText(
                _("{n} fusion(s) faite(s) en lot ; {skipped} groupe(s) ignoré(s).").format(
                    n=len(result.merge_ids), skipped=len(result.skipped)
                )
            )

        self.ctx.ops.op(
            lambda op: dedupe_ops.merge_safe(op, groups),
            parent=self,
            label=_("Fusion des doublons sûrs…"),
            on_success=done,
        )

    def _remember_merges(self, merge_ids: list[int], group: CandidateGroup | None) -> None:
        """List the merges made here, newest first, each one undoable."""
        for merge_id in merge_ids:
            self.merge_ids.append(merge_id)
            members = " + ".join(map(str, group.member_ids)) if group is not None else _("lot")
            item = QListWidgetItem(
                _("Fusion n° {id} ({members})").format(id=merge_id, members=members)
            )
            item.setData(Qt.ItemDataRole.UserRole, merge_id)
            self.history.insertItem(0, item)
        if self.history.count():
            self.history.setCurrentRow(0)
        self._update_buttons()

    def selected_merge_id(self) -> int | None:
        """The merge chosen in the list (the newest unless another is chosen)."""
        item = self.history.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def undo_last(self) -> None:
        """Undo the merge chosen in the list of merges made on this screen."""
        merge_id = self.selected_merge_id()
        if merge_id is None:
            return

        def done(_merge_id: int) -> None:
            self.status.setText(
                _("Fusion n° {id} annulée : les contacts sont revenus à l'identique.").format(
                    id=merge_id
                )
            )
            if merge_id in self.merge_ids:
                self.merge_ids.remove(merge_id)
            for row in range(self.history.count()):
                if self.history.item(row).data(Qt.ItemDataRole.UserRole) == merge_id:
                    self.history.takeItem(row)
                    break
            self.last_merge_id = self.merge_ids[-1] if self.merge_ids else None
            self._update_buttons()

        self.ctx.ops.op(
            lambda op: dedupe_ops.undo_merge(op, merge_id),
            parent=self,
            label=_("Annulation de la fusion…"),
            on_success=done,
            cancellable=False,
        )

    def _update_buttons(self) -> None:
        has_group = bool(self.groups)
        self.merge_button.setEnabled(has_group)
        self.not_duplicate_button.setEnabled(has_group)
        self.batch_button.setEnabled(any(g.safe for g in self.groups))
        self.undo_button.setEnabled(self.history.currentItem() is not None)
