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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today
from app.core.member_status import MemberStatus
from app.core.memberships.service import STATUS_LABELS, MemberRow
from app.core.money import format_eur
from app.core.sepa.collection import CollectionPlan
from app.core.sepa.mandates import MANDATE_STATUS_LABELS
from app.i18n import _
from app.models.enums import Channel, MandateStatus, PlanFrequency, PlanStatus
from app.operations import memberships as member_ops
from app.operations import sepa as sepa_ops
from app.operations.base import Change, Changes, OperationContext
from app.ui.regular_giving.dialogs import (
    FREQUENCIES,
    PLAN_STATUS,
    MandateDialog,
    MembershipDialog,
    PlanChangeDialog,
    PlanDialog,
    date_edit,
    fill_table,
    make_table,
    picked_date,
)
from app.ui.regular_giving.settings import MembershipTypesDialog
from app.ui.shell.context import UiContext
from app.ui.widgets.common import wrapped_label

MANDATE_STATUS = MANDATE_STATUS_LABELS


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
        self.ctx.ops.task(lambda _p, _c: work(), parent=self, label=label, on_success=done)

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
        self.remind_button = QPushButton(_("Relancer…"))
        self.remind_button.setToolTip(
            _("Relancer par courrier ou par e-mail les adhérents « à renouveler »")
        )
        self.remind_button.clicked.connect(self.remind)
        self.cards_button = QPushButton(_("Cartes d'adhérent…"))
        self.cards_button.clicked.connect(self.write_cards)
        self.join_button.clicked.connect(self.new_membership)
        self.renew_button.clicked.connect(self.renew_selected)
        self.types_button.clicked.connect(self.show_types)
        bar.addWidget(QLabel(_("Statut :")))
        bar.addWidget(self.status_box)
        for button in (
            self.join_button,
            self.renew_button,
            self.remind_button,
            self.cards_button,
            self.types_button,
        ):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.members = make_table([_("N°"), _("Adhérent"), _("Type"), _("Fin"), _("Statut")])
        layout.addWidget(self.members, 1)
        self.members_summary = wrapped_label("")
        layout.addWidget(self.members_summary)
        self.member_rows: list[MemberRow] = []
        self.notice = ""
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
        fill_table(
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
        count = _("{n} adhérent(s).").format(n=len(rows))
        self.members_summary.setText(f"{count} {self.notice}".strip())
        self.notice = ""  # said once, after the reload that follows an action

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

    def remind(self) -> None:
        """Remind the members "à renouveler": letters (a PDF to print) or e-mails."""
        box = QMessageBox(self)
        box.setWindowTitle(_("Relancer les adhérents"))
        box.setText(
            _(
                "Relancer les adhérents « à renouveler » ? Les règles des appels s'appliquent "
                "(consentement, NPAI, limitation RGPD, plafonds de sollicitations) et chaque "
                "relance compte comme une sollicitation."
            )
        )
        post = box.addButton(_("Par courrier…"), QMessageBox.ButtonRole.AcceptRole)
        email = box.addButton(_("Par e-mail"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self._remind_by(box.clickedButton(), post, email))
        self.dialog = box
        box.open()

    def _remind_by(self, clicked: Any, post: Any, email: Any) -> None:
        if clicked is post:
            day = today(self.ctx.database.clock)
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Lettres de relance"), f"relances-{day:%Y-%m-%d}.pdf", "PDF (*.pdf)"
            )
            if path:
                self.start_reminders(Channel.POST, Path(path))
        elif clicked is email:
            self.start_reminders(Channel.EMAIL)

    def start_reminders(self, channel: Channel, out: Path | None = None) -> None:
        """Run the reminders (the same operation as `obole member reminders`)."""
        self.ctx.ops.op(
            lambda context: member_ops.send_reminders(context, channel=channel, out=out),
            parent=self,
            label=_("Relance des adhérents…"),
            on_success=self._reminded,
        )

    def _reminded(self, result: member_ops.RemindersResult) -> None:
        emails = result.emails
        done = (
            _("{n} relance(s) par e-mail : {sent} envoyée(s), {failed} en échec.").format(
                n=result.written, sent=emails.sent, failed=emails.failed
            )
            if emails is not None
            else _("{n} lettre(s) de relance écrite(s) dans {out}.").format(
                n=result.written, out=result.path
            )
        )
        left = _("{n} adhérent(s) non relancé(s).").format(n=len(result.excluded))
        self.notice = f"{done} {left}" if result.excluded else done  # shown after the reload
        self.members_summary.setText(self.notice)

    def write_cards(self) -> None:
        """Member cards (A4 sheets of ten) for the members of the chosen status.

        "Tous les adhérents" means the valid ones (à jour and à renouveler): a lapsed
        member's card is printed only when "échu" is chosen.
        """
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Cartes d'adhérent"), "cartes-adherents.pdf", "PDF (*.pdf)"
        )
        if not path:
            return
        status = self.status_box.currentData()
        self.ctx.ops.op(
            lambda context: member_ops.write_cards(context, Path(path), status=status),
            parent=self,
            label=_("Écriture des cartes…"),
            on_success=lambda result: self.members_summary.setText(
                _("{n} carte(s) d'adhérent écrite(s) dans {out}.").format(
                    n=result.written, out=result.path
                )
            ),
            cancellable=False,
        )

    def show_types(self) -> QDialog:
        """The membership types (create, change, deactivate), as in the Settings page."""
        self.dialog = MembershipTypesDialog(self.ctx, self)
        self.dialog.open()
        return self.dialog

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
        self.mandates = make_table([_("N°"), _("Titulaire"), _("RUM"), _("IBAN"), _("Statut")])
        self.mandates.itemSelectionChanged.connect(self._mandate_selection_changed)
        layout.addWidget(self.mandates, 1)
        mandate_bar = QHBoxLayout()
        self.suspend_button = QPushButton(_("Suspendre le mandat"))
        self.resume_button = QPushButton(_("Réactiver le mandat"))
        self.revoke_button = QPushButton(_("Révoquer le mandat…"))
        self.suspend_button.clicked.connect(lambda: self.set_mandate_status("suspended"))
        self.resume_button.clicked.connect(lambda: self.set_mandate_status("active"))
        self.revoke_button.clicked.connect(lambda: self.set_mandate_status("revoked"))
        for button in (self.suspend_button, self.resume_button, self.revoke_button):
            mandate_bar.addWidget(button)
        mandate_bar.addStretch(1)
        layout.addLayout(mandate_bar)
        self.plans = make_table(
            [_("N°"), _("Donateur"), _("Montant"), _("Échéance"), _("Fin"), _("Statut")]
        )
        self.plans.itemSelectionChanged.connect(self._plan_selection_changed)
        self.plans.doubleClicked.connect(lambda _index: self.change_plan())
        layout.addWidget(self.plans, 1)
        plan_bar = QHBoxLayout()
        self.change_plan_button = QPushButton(_("Modifier le don régulier…"))
        self.calls_button = QPushButton(_("Donateurs à appeler"))
        self.change_plan_button.clicked.connect(self.change_plan)
        self.calls_button.clicked.connect(self.show_calls)
        plan_bar.addWidget(self.change_plan_button)
        plan_bar.addWidget(self.calls_button)
        plan_bar.addStretch(1)
        layout.addLayout(plan_bar)
        run = QHBoxLayout()
        run.addWidget(QLabel(_("Prélèvement du")))
        self.collection_date = date_edit(today(self.ctx.database.clock) + timedelta(days=14))
        self.collection_date.setAccessibleName(_("Date du prélèvement"))
        run.addWidget(self.collection_date)
        self.notify_email_button = QPushButton(_("Pré-notifications par e-mail"))
        self.notify_email_button.clicked.connect(self.email_notices)
        self.notify_button = QPushButton(_("Pré-notifications…"))
        self.notify_button.setToolTip(_("Lettres de pré-notification (PDF)"))
        self.preview_button = QPushButton(_("Aperçu"))
        self.collect_button = QPushButton(_("Créer le fichier pour la banque…"))
        self.notify_button.clicked.connect(self.write_notices)
        self.preview_button.clicked.connect(self.preview)
        self.collect_button.clicked.connect(self.collect)
        for button in (
            self.notify_email_button,
            self.notify_button,
            self.preview_button,
            self.collect_button,
        ):
            run.addWidget(button)
        run.addStretch(1)
        layout.addLayout(run)
        self.sepa_summary = wrapped_label("")
        self.sepa_summary.setObjectName("sepa_summary")
        layout.addWidget(self.sepa_summary)
        self.mandate_rows: list[sepa_ops.MandateRow] = []
        self.plan_rows: list[sepa_ops.PlanRow] = []
        self._mandate_selection_changed()
        self._plan_selection_changed()
        return tab

    def reload_sepa(self) -> None:
        """Load the creditor settings and the mandates."""
        context = self._context()
        self._run(
            lambda: (
                sepa_ops.load_creditor(context),
                sepa_ops.list_mandates(context),
                sepa_ops.list_plans(context),
            ),
            _("Chargement des mandats…"),
            self._show_sepa,
        )

    def _show_sepa(
        self, loaded: tuple[Any, list[sepa_ops.MandateRow], list[sepa_ops.PlanRow]]
    ) -> None:
        creditor, rows, plans = loaded
        self.mandate_rows = rows
        self._show_plans(plans)
        self.creditor_label.setText(
            _("Créancier : {name} — ICS {ics}").format(name=creditor.name, ics=creditor.creditor_id)
            if creditor.complete
            else _(
                "Le créancier SEPA n'est pas renseigné (ICS, IBAN, BIC de l'association) : "
                "Paramètres > Adhésions et prélèvements (ou « obole sepa creditor »)."
            )
        )
        fill_table(
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
        self._mandate_selection_changed()

    def _show_plans(self, plans: list[sepa_ops.PlanRow]) -> None:
        self.plan_rows = plans
        fill_table(
            self.plans,
            [
                [
                    str(p.plan_id),
                    p.holder,
                    format_eur(p.amount_cents),
                    _("{every}, le {day}").format(
                        every=_(FREQUENCIES[PlanFrequency(p.frequency)]).lower(),
                        day=p.day_of_month,
                    ),
                    f"{p.ends_on:%d/%m/%Y}" if p.ends_on else "",
                    _(PLAN_STATUS[PlanStatus(p.status)])
                    + (" — " + _("pré-notification à envoyer") if p.needs_notice else "")
                    + (
                        " — " + _("{n} rejet(s)").format(n=p.consecutive_rejects)
                        if p.consecutive_rejects
                        else ""
                    ),
                ]
                for p in plans
            ],
        )
        self._plan_selection_changed()

    def _selected(self, table: QTableWidget, rows: list[Any]) -> Any:
        row = table.currentRow()
        chosen = table.selectionModel().hasSelection() and 0 <= row < len(rows)
        return rows[row] if chosen else None

    def _mandate_selection_changed(self) -> None:
        mandate = self._selected(self.mandates, self.mandate_rows)
        status = mandate.status if mandate is not None else None
        self.suspend_button.setEnabled(status == "active")
        self.resume_button.setEnabled(status == "suspended")
        self.revoke_button.setEnabled(status in ("active", "suspended"))

    def _plan_selection_changed(self) -> None:
        self.change_plan_button.setEnabled(self._selected(self.plans, self.plan_rows) is not None)

    def set_mandate_status(self, status: str) -> None:
        """Suspend, resume or revoke the selected mandate (revoking ends its regular gifts)."""
        mandate = self._selected(self.mandates, self.mandate_rows)
        if mandate is None:
            return
        if status == "revoked":
            answer = QMessageBox.question(
                self,
                _("Révoquer le mandat"),
                _(
                    "Révoquer le mandat {rum} de {name} ? Ses dons réguliers prennent fin et il "
                    "ne pourra plus être réactivé : il faudrait un nouveau mandat signé."
                ).format(rum=mandate.rum, name=mandate.holder),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.ctx.ops.op(
            lambda context: sepa_ops.set_mandate_status(
                context, str(mandate.mandate_id), MandateStatus(status)
            ),
            parent=self,
            label=_("Enregistrement…"),
            on_success=lambda result: self.sepa_summary.setText(
                _("Mandat {rum} : {status}.").format(
                    rum=result.rum, status=_(MANDATE_STATUS[status])
                )
            ),
            cancellable=False,
        )

    def change_plan(self) -> QDialog | None:
        """Change the selected regular gift (amount, day, end, status)."""
        plan = self._selected(self.plans, self.plan_rows)
        if plan is None:
            return None
        self.dialog = self._open(PlanChangeDialog(self.ctx, plan, self), Change.SEPA)
        return self.dialog

    def show_calls(self) -> None:
        """The donors whose debits came back, to phone before anything else."""
        context = self._context()
        self._run(lambda: sepa_ops.donors_to_call(context), _("Chargement…"), self._show_calls)

    def _show_calls(self, calls: list[tuple[int, str, int]]) -> None:
        self.sepa_summary.setText(
            "\n".join(
                _("À appeler : {name} (contact n° {id}) — {n} rejet(s) de suite").format(
                    name=name, id=contact_id, n=count
                )
                for contact_id, name, count in calls
            )
            or _("Aucun donateur à appeler : pas de prélèvement rejeté en attente.")
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

    def email_notices(self) -> None:
        """E-mail the pre-notifications of the chosen date to the donors with an address."""
        day = picked_date(self.collection_date)
        self.ctx.ops.op(
            lambda context: sepa_ops.email_notices(context, day),
            parent=self,
            label=_("Envoi des pré-notifications…"),
            on_success=self._notices_emailed,
            cancellable=False,
        )

    def _notices_emailed(self, result: sepa_ops.EmailedNotices) -> None:
        lines = [_("{n} pré-notification(s) envoyée(s) par e-mail.").format(n=len(result.sent))]
        lines += [
            _("Échec pour {name} : {error}").format(name=n.address_lines[0], error=error)
            for n, error in result.failed
        ]
        if result.without_email:
            lines.append(
                _(
                    "{n} donateur(s) sans adresse e-mail : écrivez-leur avec "
                    "« Pré-notifications… »."
                ).format(n=result.without_email)
            )
        self.sepa_summary.setText("\n".join(lines))

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
