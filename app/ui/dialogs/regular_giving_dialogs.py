"""Forms of the members and direct-debit screen: membership, mandate, regular gift.

Each form checks what it can while typing, then runs its operation through the task runner
(never a database session on the GUI thread); a ValidationError comes back next to its field.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from app.core.clock import today
from app.core.memberships.service import MembershipDraft
from app.core.money import parse_eur
from app.core.sepa.mandates import MandateDraft
from app.core.sepa.plans import PlanDraft
from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import PaymentMethod, PlanFrequency
from app.operations import memberships as member_ops
from app.operations import sepa as sepa_ops
from app.ui.contact_picker import ContactPicker
from app.ui.context import UiContext
from app.ui.forms import Form

METHODS = {
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.CARD: N_("Carte bancaire"),
    PaymentMethod.DIRECT_DEBIT: N_("Prélèvement"),
}
FREQUENCIES = {
    PlanFrequency.MONTHLY: N_("Chaque mois"),
    PlanFrequency.QUARTERLY: N_("Chaque trimestre"),
    PlanFrequency.YEARLY: N_("Chaque année"),
}


def date_edit(day: date) -> QDateEdit:
    """A French date field with a calendar."""
    editor = QDateEdit(QDate(day.year, day.month, day.day))
    editor.setCalendarPopup(True)
    editor.setDisplayFormat("dd/MM/yyyy")
    return editor


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
