"""Forms of the members and direct-debit screen: membership, mandate, regular gift, type.

Each form checks what it can while typing, then runs its operation through the task runner
(never a database session on the GUI thread); a ValidationError comes back next to its field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core.clock import today
from app.core.memberships.service import KIND_LABELS, PERIOD_LABELS, MembershipDraft
from app.core.money import format_eur, parse_eur
from app.core.sepa.mandates import MandateDraft
from app.core.sepa.plans import FREQUENCY_LABELS, PLAN_STATUS_LABELS, PlanDraft
from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import (
    MembershipKind,
    MembershipPeriod,
    PaymentMethod,
    PlanFrequency,
    PlanStatus,
)
from app.operations import memberships as member_ops
from app.operations import sepa as sepa_ops
from app.ui.shell.context import UiContext
from app.ui.shell.forms import Form
from app.ui.widgets.contact_picker import ContactPicker

METHODS = {
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.CARD: N_("Carte bancaire"),
    PaymentMethod.DIRECT_DEBIT: N_("Prélèvement"),
}
FREQUENCIES = FREQUENCY_LABELS


def date_edit(day: date) -> QDateEdit:
    """A French date field with a calendar."""
    editor = QDateEdit(QDate(day.year, day.month, day.day))
    editor.setCalendarPopup(True)
    editor.setDisplayFormat("dd/MM/yyyy")
    return editor


def make_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()


def picked_date(editor: QDateEdit) -> date:
    """The date of a QDateEdit as a Python date."""
    value = editor.date()
    return date(value.year(), value.month(), value.day())


class MembershipDialog(Form):
    """Record a membership and its fee."""

    def __init__(
        self, ctx: UiContext, types: list[member_ops.TypeResult], parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, _("Nouvelle adhésion"), parent)
        self.picker = ContactPicker(ctx)
        self.type_box = QComboBox()
        for kind in types:
            self.type_box.addItem(f"{kind.name} ({kind.fee_cents / 100:.2f} €)", kind.type_id)
        self.paid = date_edit(today(ctx.database.clock))
        self.method = QComboBox()
        for method, label in METHODS.items():
            self.method.addItem(_(label), method)
        self.cheque = QLineEdit()
        self.row(_("Adhérent"), "contact_id", self.picker)
        self.row(_("Type d'adhésion"), "type", self.type_box)
        self.row(_("Payée le"), "paid_on", self.paid)
        self.row(_("Mode de paiement"), "payment_method", self.method)
        self.row(_("N° de chèque"), "cheque_number", self.cheque)
        if not types:
            self.message.setText(
                _("Créez d'abord un type d'adhésion (bouton « Types d'adhésion… »).")
            )
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def submit(self) -> None:
        """Record the membership."""
        if self.picker.contact_id is None:
            self.errors.show({"contact_id": _("Choisissez l'adhérent dans la liste.")})
            return
        draft = MembershipDraft(
            contact_id=self.picker.contact_id,
            type_id=int(self.type_box.currentData()),
            paid_on=picked_date(self.paid),
            payment_method=PaymentMethod(self.method.currentData()),
            cheque_number=self.cheque.text().strip(),
        )
        context = self.operation_context()
        self.run(lambda: member_ops.join(context, draft).result, _("Enregistrement de l'adhésion…"))


class MandateDialog(Form):
    """Record a signed SEPA mandate."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Nouveau mandat de prélèvement"), parent)
        self.picker = ContactPicker(ctx)
        self.iban = QLineEdit()
        self.iban.setPlaceholderText("FR76 3000 6000 0112 3456 7890 189")
        self.bic = QLineEdit()
        self.bic.setPlaceholderText(_("facultatif pour un IBAN français"))
        self.signed = date_edit(today(ctx.database.clock))
        self.rum = QLineEdit()
        self.rum.setPlaceholderText(_("laisser vide : Obole la crée"))
        self.row(_("Donateur"), "contact_id", self.picker)
        self.row(_("IBAN"), "iban", self.iban)
        self.row(_("BIC"), "bic", self.bic)
        self.row(_("Signé le"), "signed_on", self.signed)
        self.row(_("Référence (RUM)"), "rum", self.rum)

    def submit(self) -> None:
        """Check and record the mandate."""
        if self.picker.contact_id is None:
            self.errors.show({"contact_id": _("Choisissez le donateur dans la liste.")})
            return
        draft = MandateDraft(
            contact_id=self.picker.contact_id,
            iban=self.iban.text(),
            bic=self.bic.text(),
            signed_on=picked_date(self.signed),
            rum=self.rum.text(),
        )
        context = self.operation_context()
        self.run(
            lambda: sepa_ops.add_mandate(context, draft).result, _("Enregistrement du mandat…")
        )


class PlanDialog(Form):
    """Record a regular gift on one of the donor's active mandates."""

    def __init__(
        self, ctx: UiContext, mandates: list[sepa_ops.MandateRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, _("Nouveau don régulier"), parent)
        self.mandate = QComboBox()
        for row in mandates:
            if row.status == "active":
                self.mandate.addItem(f"{row.holder} — {row.rum} — {row.iban}", row.mandate_id)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("15,00")
        self.frequency = QComboBox()
        for frequency, label in FREQUENCIES.items():
            self.frequency.addItem(_(label), frequency)
        self.day = QSpinBox()
        self.day.setRange(1, 28)
        self.day.setValue(5)
        self.start = date_edit(today(ctx.database.clock))
        self.row(_("Mandat"), "mandate", self.mandate)
        self.row(_("Montant"), "amount", self.amount)
        self.row(_("Fréquence"), "frequency", self.frequency)
        self.row(_("Jour du mois"), "day", self.day)
        self.row(_("À partir du"), "starts_on", self.start)
        if self.mandate.count() == 0:
            self.message.setText(_("Aucun mandat actif : enregistrez d'abord le mandat signé."))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def submit(self) -> None:
        """Check and record the plan."""
        try:
            amount = parse_eur(self.amount.text())
        except ValidationError as exc:
            self.errors.show({"amount": str(exc)})
            return
        draft = PlanDraft(
            mandate_id=int(self.mandate.currentData()),
            amount_cents=amount,
            frequency=PlanFrequency(self.frequency.currentData()),
            starts_on=picked_date(self.start),
            day_of_month=self.day.value(),
        )
        context = self.operation_context()
        self.run(
            lambda: sepa_ops.add_plan(context, draft).result, _("Enregistrement du don régulier…")
        )


class MembershipTypeDialog(Form):
    """Create a membership type, or change one (`current` given)."""

    def __init__(
        self,
        ctx: UiContext,
        current: member_ops.TypeResult | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Nouveau type d'adhésion") if current is None else _("Type d'adhésion")
        super().__init__(ctx, title, parent)
        self.current = current
        self.name = QLineEdit(current.name if current else "")
        self.name.setPlaceholderText(_("ex. Individuelle, Famille, Bienfaiteur"))
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(_(label), kind.value)
        self.fee = QLineEdit(format_eur(current.fee_cents) if current else "")
        self.fee.setPlaceholderText("25,00")
        self.period = QComboBox()
        for period, label in PERIOD_LABELS.items():
            self.period.addItem(_(label), period.value)
        if current is not None:
            self.kind.setCurrentIndex(self.kind.findData(current.kind))
            self.period.setCurrentIndex(self.period.findData(current.period))
            self.message.setText(
                _(
                    "Les adhésions déjà enregistrées gardent leurs dates et leur montant ; "
                    "la nouvelle cotisation vaut pour les prochaines."
                )
            )
        self.row(_("Nom"), "name", self.name)
        self.row(_("Catégorie"), "kind", self.kind)
        self.row(_("Cotisation"), "fee", self.fee)
        self.row(_("Période"), "period", self.period)

    def submit(self) -> None:
        """Check the fee, then create or change the type."""
        try:
            fee = parse_eur(self.fee.text())
        except ValidationError as exc:
            self.errors.show({"fee": str(exc)})
            return
        values: dict[str, Any] = {
            "name": self.name.text(),
            "kind": MembershipKind(self.kind.currentData()),
            "fee_cents": fee,
            "period": MembershipPeriod(self.period.currentData()),
        }
        context = self.operation_context()
        current = self.current
        if current is None:
            self.run(lambda: member_ops.add_type(context, **values).result, _("Enregistrement…"))
        else:
            self.run(
                lambda: member_ops.update_type(context, current.type_id, **values).result,
                _("Enregistrement…"),
            )


PLAN_STATUS = PLAN_STATUS_LABELS


class PlanChangeDialog(Form):
    """Change a regular gift: amount, day, end date, status (each change journaled)."""

    def __init__(
        self, ctx: UiContext, current: sepa_ops.PlanRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, _("Don régulier de {name}").format(name=current.holder), parent)
        self.current = current
        self.amount = QLineEdit(format_eur(current.amount_cents))
        self.day = QSpinBox()
        self.day.setRange(1, 28)
        self.day.setValue(current.day_of_month)
        self.has_end = QCheckBox(_("Jusqu'au"))
        self.end = date_edit(current.ends_on or today(ctx.database.clock))
        self.has_end.setChecked(current.ends_on is not None)
        self.end.setEnabled(current.ends_on is not None)
        self.has_end.toggled.connect(self.end.setEnabled)
        ending = QWidget()
        ending_row = QHBoxLayout(ending)
        ending_row.setContentsMargins(0, 0, 0, 0)
        ending_row.addWidget(self.has_end)
        ending_row.addWidget(self.end, 1)
        self.status = QComboBox()
        for status, label in PLAN_STATUS.items():
            self.status.addItem(_(label), str(status))
        self.status.setCurrentIndex(self.status.findData(current.status))
        self.row(_("Montant"), "amount", self.amount)
        self.row(_("Jour du mois"), "day", self.day)
        self.row(_("Fin"), "ends_on", ending)
        self.row(_("Statut"), "status", self.status)
        self.message.setText(
            _(
                "Un nouveau montant n'est prélevé qu'une fois annoncé au donateur "
                "(pré-notification) dans le délai prévu."
            )
        )

    def submit(self) -> None:
        """Check the amount, then record the changes."""
        try:
            amount = parse_eur(self.amount.text())
        except ValidationError as exc:
            self.errors.show({"amount": str(exc)})
            return
        current = self.current
        ends_on = picked_date(self.end) if self.has_end.isChecked() else None
        status = PlanStatus(self.status.currentData())
        day = self.day.value()
        context = self.operation_context()
        self.run(
            lambda: (
                sepa_ops.change_plan(
                    context,
                    current.plan_id,
                    amount_cents=amount,
                    day_of_month=day,
                    ends_on=ends_on,
                    open_ended=ends_on is None,
                    status=status if status.value != current.status else None,
                ).result
            ),
            _("Enregistrement du don régulier…"),
        )
