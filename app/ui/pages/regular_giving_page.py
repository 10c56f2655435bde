"""Members and regular gifts: memberships by status, SEPA mandates, collection runs, returns.

Every database action runs through the task runner; the page reloads what an operation says
it changed (memberships, SEPA, gifts).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today
from app.core.member_status import MemberStatus
from app.core.memberships.service import STATUS_LABELS, MemberRow
from app.core.money import format_eur
from app.core.sepa.collection import CollectionPlan
from app.i18n import N_, _
from app.operations import memberships as member_ops
from app.operations import sepa as sepa_ops
from app.operations.base import Change, Changes, OperationContext
from app.ui.context import UiContext
from app.ui.dialogs.regular_giving_dialogs import (
    MandateDialog,
    MembershipDialog,
    PlanDialog,
    date_edit,
    picked_date,
)
from app.ui.widgets_common import wrapped_label

MANDATE_STATUS = {"active": N_("actif"), "suspended": N_("suspendu"), "revoked": N_("révoqué")}


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()


class RegularGivingPage(QWidget):
    """Members (tab 1) and SEPA direct debits (tab 2)."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Adhérents et prélèvements')}</h2>"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._members_tab(), _("Adhérents"))
        self.tabs.addTab(self._sepa_tab(), _("Prélèvements SEPA"))
        layout.addWidget(self.tabs, 1)
        ctx.events.changes.connect(self._on_changed)
        self.reload()

    def _context(self) -> OperationContext:
        return OperationContext(self.ctx.database)

    def _run(self, work: Any, label: str, done: Any) -> None:
        self.ctx.tasks.run(lambda _p, _c: work(), parent=self, label=label, on_success=done)

    # --- members ---------------------------------------------------------------------

    def _members_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        self.status_box = QComboBox()
        self.status_box.setAccessibleName(_("Statut d'adhésion"))
        self.status_box.addItem(_("Tous les adhérents"), None)
        for status in (MemberStatus.CURRENT, MemberStatus.DUE, MemberStatus.LAPSED):
            self.status_box.addItem(_(STATUS_LABELS[status]), status)
        self.status_box.currentIndexChanged.connect(lambda _i: self.reload_members())
        self.join_button = QPushButton(_("Nouvelle adhésion…"))
        self.renew_button = QPushButton(_("Renouveler"))
        self.types_button = QPushButton(_("Types d'adhésion…"))
        self.join_button.clicked.connect(self.new_membership)
        self.renew_button.clicked.connect(self.renew_selected)
        self.types_button.clicked.connect(self.show_types)
        bar.addWidget(QLabel(_("Statut :")))
        bar.addWidget(self.status_box)
        for button in (self.join_button, self.renew_button, self.types_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.members = _table([_("N°"), _("Adhérent"), _("Type"), _("Fin"), _("Statut")])
        layout.addWidget(self.members, 1)
        self.members_summary = wrapped_label("")
        layout.addWidget(self.members_summary)
        self.member_rows: list[MemberRow] = []
        self.dialog: QDialog | None = None
        return tab

    def reload_members(self) -> None:
        """Load the members with the chosen status."""
        status = self.status_box.currentData()
        context = self._context()
        self._run(
            lambda: member_ops.list_members(context, status=status),
            _("Chargement des adhérents…"),
            self._show_members,
        )

    def _show_members(self, rows: list[MemberRow]) -> None:
        self.member_rows = rows
        _fill(
            self.members,
            [
                [
                    str(r.contact_id),
                    r.name,
                    r.type_name,
                    f"{r.ends_on:%d/%m/%Y}",
                    _(STATUS_LABELS[r.status]),
                ]
                for r in rows
            ],
        )
        self.members_summary.setText(_("{n} adhérent(s).").format(n=len(rows)))

    def new_membership(self) -> None:
        """Open the membership form once the types are known."""
        context = self._context()
        self._run(lambda: member_ops.list_types(context), _("Chargement…"), self._open_membership)

    def _open_membership(self, types: list[member_ops.TypeResult]) -> None:
        self.dialog = self._open(
            MembershipDialog(self.ctx, [t for t in types if t.active], self), Change.MEMBERSHIPS
        )

    def _open(self, dialog: QDialog, change: Change) -> QDialog:
        """Show a form (window-modal, not blocking); a saved form refreshes the lists."""
        dialog.accepted.connect(lambda: self.ctx.events.notify({change}))
        dialog.open()
        return dialog

    def renew_selected(self) -> None:
        """Renew the selected member's latest membership, paid today by cheque."""
        row = self.members.currentRow()
        if row < 0 or row >= len(self.member_rows):
            QMessageBox.information(
                self, _("Renouveler"), _("Choisissez d'abord un adhérent dans la liste.")
            )
            return
        member = self.member_rows[row]
        context = self._context()

        def renewed(result: Any) -> None:
            self.members_summary.setText(
                _("{name} : adhésion renouvelée jusqu'au {end}.").format(
                    name=member.name, end=f"{result.ends_on:%d/%m/%Y}"
                )
            )
            self.ctx.events.notify({Change.MEMBERSHIPS})

        self._run(
            lambda: member_ops.renew(context, member.contact_id).result,
            _("Renouvellement…"),
            renewed,
        )

    def show_types(self) -> None:
        """List the membership types (created from the CLI or here)."""
        context = self._context()
        self._run(lambda: member_ops.list_types(context), _("Chargement…"), self._show_types)

    def _show_types(self, types: list[member_ops.TypeResult]) -> None:
        text = "\n".join(f"{t.name} — {format_eur(t.fee_cents)}" for t in types) or _(
            "Aucun type d'adhésion pour l'instant."
        )
        QMessageBox.information(self, _("Types d'adhésion"), text)

    # --- SEPA ------------------------------------------------------------------------

    def _sepa_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.creditor_label = wrapped_label("")
        layout.addWidget(self.creditor_label)
        bar = QHBoxLayout()
        self.mandate_button = QPushButton(_("Nouveau mandat…"))
        self.plan_button = QPushButton(_("Nouveau don régulier…"))
        self.returns_button = QPushButton(_("Enregistrer des rejets…"))
        self.mandate_button.clicked.connect(self.new_mandate)
        self.plan_button.clicked.connect(self.new_plan)
        self.returns_button.clicked.connect(self.record_returns)
        for button in (self.mandate_button, self.plan_button, self.returns_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.mandates = _table([_("N°"), _("Titulaire"), _("RUM"), _("IBAN"), _("Statut")])
        layout.addWidget(self.mandates, 1)
        run = QHBoxLayout()
        run.addWidget(QLabel(_("Prélèvement du")))
        self.collection_date = date_edit(today(self.ctx.database.clock) + timedelta(days=14))
        self.collection_date.setAccessibleName(_("Date du prélèvement"))
        run.addWidget(self.collection_date)
        self.notify_button = QPushButton(_("Pré-notifications…"))
        self.preview_button = QPushButton(_("Aperçu"))
        self.collect_button = QPushButton(_("Créer le fichier pour la banque…"))
        self.notify_button.clicked.connect(self.write_notices)
        self.preview_button.clicked.connect(self.preview)
        self.collect_button.clicked.connect(self.collect)
        for button in (self.notify_button, self.preview_button, self.collect_button):
            run.addWidget(button)
        run.addStretch(1)
        layout.addLayout(run)
        self.sepa_summary = wrapped_label("")
        self.sepa_summary.setObjectName("sepa_summary")
        layout.addWidget(self.sepa_summary)
        self.mandate_rows: list[sepa_ops.MandateRow] = []
        return tab

    def reload_sepa(self) -> None:
        """Load the creditor settings and the mandates."""
        context = self._context()
        self._run(
            lambda: (sepa_ops.load_creditor(context), sepa_ops.list_mandates(context)),
            _("Chargement des mandats…"),
            self._show_sepa,
        )

    def _show_sepa(self, loaded: tuple[Any, list[sepa_ops.MandateRow]]) -> None:
        creditor, rows = loaded
        self.mandate_rows = rows
        self.creditor_label.setText(
            _("Créancier : {name} — ICS {ics}").format(name=creditor.name, ics=creditor.creditor_id)
            if creditor.complete
            else _(
                "Le créancier SEPA n'est pas renseigné (ICS, IBAN, BIC de l'association) : "
                "« obole sepa creditor » ou Paramètres."
            )
        )
        _fill(
            self.mandates,
            [
                [
                    str(r.mandate_id),
                    r.holder,
                    r.rum,
                    r.iban,
                    _(MANDATE_STATUS.get(r.status, r.status)),
                ]
                for r in rows
            ],
        )

    def new_mandate(self) -> QDialog:
        """Record a signed mandate."""
        self.dialog = self._open(MandateDialog(self.ctx, self), Change.SEPA)
        return self.dialog

    def new_plan(self) -> QDialog:
        """Record a regular gift on an active mandate."""
        self.dialog = self._open(PlanDialog(self.ctx, self.mandate_rows, self), Change.SEPA)
        return self.dialog

    def preview(self) -> None:
        """What the run would collect, and what it leaves out with the reason."""
        day = picked_date(self.collection_date)
        context = self._context()
        self._run(
            lambda: sepa_ops.preview_collection(context, day), _("Calcul…"), self._show_preview
        )

    def _show_preview(self, plan: CollectionPlan) -> None:
        lines = [
            _("{n} prélèvement(s) pour {total} le {date}.").format(
                n=len(plan.debits),
                total=format_eur(plan.total_cents),
                date=f"{plan.collection_date:%d/%m/%Y}",
            )
        ]
        lines += [
            _("Écarté : {name} — {reason}").format(name=e.name, reason=e.reason_text)
            for e in plan.excluded
        ]
        self.sepa_summary.setText("\n".join(lines))

    def collect(self) -> None:
        """Record the run and write the pain.008 file the bank accepts."""
        day = picked_date(self.collection_date)
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Fichier de prélèvement"), f"prelevements-{day:%Y-%m-%d}.xml", "XML (*.xml)"
        )
        if not path:
            return
        context = self._context()
        self._run(
            lambda: sepa_ops.collect(context, day, Path(path)).result,
            _("Préparation du prélèvement…"),
            self._collected,
        )

    def _collected(self, result: sepa_ops.CollectionResult) -> None:
        self.sepa_summary.setText(
            _(
                "{n} prélèvement(s) pour {total} enregistrés ({first} premiers, "
                "{rcur} récurrents). Fichier : {path}"
            ).format(
                n=result.count,
                total=format_eur(result.total_cents),
                first=result.first,
                rcur=result.recurring,
                path=result.path,
            )
        )
        self.ctx.events.notify({Change.GIFTS})

    def write_notices(self) -> None:
        """Write the pre-notification letters for the chosen date."""
        day = picked_date(self.collection_date)
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Lettres de pré-notification"),
            f"pre-notifications-{day:%Y-%m-%d}.pdf",
            "PDF (*.pdf)",
        )
        if not path:
            return
        context = self._context()
        self._run(
            lambda: sepa_ops.prenotify(context, day, Path(path)).result,
            _("Écriture des lettres…"),
            lambda notices: self.sepa_summary.setText(
                _("{n} lettre(s) écrite(s) dans {path}.").format(n=len(notices), path=path)
                if notices
                else _("Aucune pré-notification à envoyer pour cette date.")
            ),
        )

    def record_returns(self) -> None:
        """Read the bank's returns file (camt.054 or CSV) and record every reject."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Rejets de la banque"), "", _("Fichiers de la banque (*.xml *.csv *.txt)")
        )
        if not path:
            return
        context = self._context()
        self._run(
            lambda: sepa_ops.reject_file(context, Path(path)).result,
            _("Enregistrement des rejets…"),
            self._returns_recorded,
        )

    def _returns_recorded(self, results: tuple[Any, ...]) -> None:
        lines = [
            _("{name} ({amount}) : {reason}{extra}").format(
                name=r.name,
                amount=format_eur(r.amount_cents),
                reason=r.reason,
                extra=(" — " + _("don régulier suspendu, à appeler")) if r.plan_suspended else "",
            )
            for r in results
        ]
        self.sepa_summary.setText("\n".join(lines))
        self.ctx.events.notify({Change.GIFTS})

    # --- refresh ---------------------------------------------------------------------

    def reload(self) -> None:
        """Reload both tabs."""
        self.reload_members()
        self.reload_sepa()

    def _on_changed(self, changes: Changes) -> None:
        if changes & {
            Change.MEMBERSHIPS,
            Change.SEPA,
            Change.GIFTS,
            Change.CONTACTS,
            Change.SETTINGS,
        }:
            self.reload()
