"""The gift form: one gift, with the receipt lock explained when it applies."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today
from app.core.dates import format_date, parse_date
from app.core.gifts import (
    METHOD_LABELS,
    NATURE_LABELS,
    GiftDraft,
    campaigns,
    create_gift,
    draft_from_gift,
    draft_key,
    get_gift,
    lock_reason,
    probable_doubles,
    update_gift,
    validate_gift,
)
from app.core.money import format_eur, parse_eur
from app.core.receipts.eligibility import wants_receipt_per_gift
from app.core.receipts.issuing import issue_requested_now
from app.errors import UserError, ValidationError
from app.i18n import _
from app.models.enums import GiftNature, PaymentMethod
from app.ui.contact_picker import ContactPicker
from app.ui.context import UiContext
from app.ui.theme import BLUE, YELLOW, box_style
from app.ui.widgets_common import FieldErrors, confirm_deliberately


def _amount_text(cents: int) -> str:
    return format_eur(cents).replace("\u202f", " ").replace("\xa0€", "").replace(" €", "")


class GiftDialog(QDialog):
    """Create or edit a gift."""

    def __init__(
        self,
        ctx: UiContext,
        *,
        gift_id: int | None = None,
        contact_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.gift_id = ctx, gift_id
        self.errors = FieldErrors()
        self.receipt_id: int | None = None
        self.setWindowTitle(_("Nouveau don") if gift_id is None else _("Don"))
        layout = QVBoxLayout(self)
        self.lock_label = QLabel("")
        self.lock_label.setWordWrap(True)
        self.lock_label.setStyleSheet(box_style(YELLOW))
        self.lock_label.setVisible(False)
        layout.addWidget(self.lock_label)
        self.replace_button = QPushButton("")
        self.replace_button.setVisible(False)
        self.replace_button.clicked.connect(self._go_to_receipt)
        layout.addWidget(self.replace_button)
        form = QFormLayout()
        self.contact = ContactPicker(ctx)
        self.received_on = QLineEdit(format_date(today(ctx.database.clock)))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("50,00")
        self.method = QComboBox()
        for method, label in METHOD_LABELS.items():
            self.method.addItem(_(label), method)
        self.method.setCurrentIndex(self.method.findData(PaymentMethod.CHEQUE))  # the most common
        self.nature = QComboBox()
        for nature, label in NATURE_LABELS.items():
            self.nature.addItem(_(label), nature)
        self.cheque_number = QLineEdit()
        self.in_kind_description, self.in_kind_valuation = QLineEdit(), QLineEdit()
        self.campaign = QComboBox()
        self.campaign.addItem(_("(aucune)"), None)
        with ctx.database.read() as session:
            for campaign_id, label in campaigns(session):
                self.campaign.addItem(label, campaign_id)
        self.deposit_slip = QLineEdit()
        self.receiptable = QCheckBox(_("Ouvre droit à un reçu fiscal"))
        self.receiptable.setChecked(True)
        self.membership = QCheckBox(_("Cotisation (pas un don)"))
        self.counterpart = QLineEdit("0,00")
        self.notes = QLineEdit()
        rows = [
            (_("Donateur"), "contact_id", self.contact),
            (_("Date du don"), "received_on", self.received_on),
            (_("Montant (€)"), "amount_cents", self.amount),
            (_("Mode de paiement"), "payment_method", self.method),
            (_("Nature"), "nature", self.nature),
            (_("N° de chèque"), "cheque_number", self.cheque_number),
            (_("Description (don en nature)"), "in_kind_description", self.in_kind_description),
            (_("Évaluation (don en nature)"), "in_kind_valuation", self.in_kind_valuation),
            (_("Campagne"), "campaign_id", self.campaign),
            (_("Bordereau de remise"), "deposit_slip", self.deposit_slip),
            (_("Valeur des contreparties (€)"), "counterpart_cents", self.counterpart),
            (_("Notes"), "notes", self.notes),
        ]
        for label, name, editor in rows:
            form.addRow(label, self.errors.cell(name, editor))
        form.addRow(self.receiptable)
        form.addRow(self.membership)
        self.form_box = QWidget()
        self.form_box.setLayout(form)
        layout.addWidget(self.form_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Enregistrer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._buttons = buttons
        self.offer = self._receipt_offer()
        layout.addWidget(self.offer)
        if contact_id is not None:
            self.contact.set_contact(contact_id)
        if gift_id is not None:
            self._load()

    def _receipt_offer(self) -> QWidget:
        """Shown after saving a gift of a donor who asked for a receipt per gift."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.offer_label = QLabel("")
        self.offer_label.setWordWrap(True)
        self.offer_label.setStyleSheet(box_style(BLUE))
        column.addWidget(self.offer_label)
        row = QHBoxLayout()
        self.issue_now_button = QPushButton(_("Émettre le reçu maintenant"))
        self.issue_now_button.clicked.connect(lambda: self.issue_receipt_now())
        self.see_receipt_button = QPushButton(_("Voir le reçu"))
        self.see_receipt_button.setVisible(False)
        self.see_receipt_button.clicked.connect(self._go_to_receipt)
        close = QPushButton(_("Fermer"))
        close.clicked.connect(self.accept)
        for button in (self.issue_now_button, self.see_receipt_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        column.addLayout(row)
        box.setVisible(False)
        return box

    def _offer_receipt(self) -> None:
        self.form_box.setEnabled(False)  # the gift is saved: what it shows is what was saved
        self._buttons.setVisible(False)
        self.offer_label.setText(
            _(
                "Don enregistré. Ce donateur demande un reçu fiscal pour chaque don : "
                "émettez-le maintenant, ou plus tard depuis les reçus fiscaux."
            )
        )
        self.offer.setVisible(True)

    def issue_receipt_now(self) -> None:
        """Issue the donor's pending per-gift receipts (this gift's among them)."""
        database = self.ctx.database
        draft = self.draft()
        assert draft.contact_id is not None and draft.received_on is not None
        try:
            with database.write() as session:
                plan, result = issue_requested_now(
                    session,
                    contact_id=draft.contact_id,
                    year=draft.received_on.year,
                    clock=database.clock,
                )
                if result is not None:
                    self.receipt_id = get_gift(session, self.gift_id).receipt_id  # type: ignore[arg-type]
        except UserError as exc:
            self.offer_label.setText(str(exc))
            return
        if result is None:
            reasons = plan.organisation_problems or [e.reason for e in plan.excluded]
            self.offer_label.setText(
                _("Reçu non émis : {reasons}").format(reasons=" ; ".join(reasons))
            )
            return
        self.offer_label.setText(
            _("Reçu {numbers} émis.").format(numbers=", ".join(result.numbers))
        )
        self.issue_now_button.setVisible(False)
        self.see_receipt_button.setVisible(True)
        self.ctx.events.changed.emit("receipt")

    def _load(self) -> None:
        with self.ctx.database.read() as session:
            gift = get_gift(session, self.gift_id)  # type: ignore[arg-type]
            draft = draft_from_gift(gift)
            reason = lock_reason(session, gift)
            self.receipt_id = gift.receipt_id
        self.contact.set_contact(draft.contact_id)  # type: ignore[arg-type]
        self.received_on.setText(format_date(draft.received_on))
        self.amount.setText(_amount_text(draft.amount_cents))
        self.method.setCurrentIndex(self.method.findData(draft.payment_method))
        self.nature.setCurrentIndex(self.nature.findData(draft.nature))
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(draft.campaign_id)))
        for name in (
            "cheque_number",
            "in_kind_description",
            "in_kind_valuation",
            "deposit_slip",
            "notes",
        ):
            getattr(self, name).setText(getattr(draft, name))
        self.counterpart.setText(_amount_text(draft.counterpart_cents))
        self.receiptable.setChecked(draft.receiptable)
        self.membership.setChecked(draft.is_membership_fee)
        if reason:
            self.lock_label.setText(reason)
            self.lock_label.setVisible(True)
            for editor in (self.contact, self.received_on, self.amount, self.nature):
                editor.setEnabled(False)
                editor.setToolTip(reason)
            self.replace_button.setText(_("Ouvrir le reçu pour l'annuler et le remplacer…"))
            self.replace_button.setVisible(True)

    def _go_to_receipt(self) -> None:
        self.reject()
        self.ctx.navigate("receipts", receipt_id=self.receipt_id)

    def draft(self) -> GiftDraft:
        """The gift as typed; raises ValidationError for unreadable date or amounts."""
        amount = parse_eur(self.amount.text()) if self.amount.text().strip() else 0
        counterpart = parse_eur(self.counterpart.text()) if self.counterpart.text().strip() else 0
        return GiftDraft(
            contact_id=self.contact.contact_id,
            received_on=parse_date(self.received_on.text(), field="received_on"),
            amount_cents=amount,
            payment_method=PaymentMethod(self.method.currentData()),
            nature=GiftNature(self.nature.currentData()),
            in_kind_description=self.in_kind_description.text(),
            in_kind_valuation=self.in_kind_valuation.text(),
            campaign_id=self.campaign.currentData(),
            cheque_number=self.cheque_number.text(),
            deposit_slip=self.deposit_slip.text(),
            receiptable=self.receiptable.isChecked(),
            is_membership_fee=self.membership.isChecked(),
            counterpart_cents=counterpart,
            notes=self.notes.text(),
        )

    def save(self) -> None:
        """Validate and save; problems are shown under their fields and nothing is saved."""
        try:
            draft = self.draft()
        except ValidationError as exc:
            field = exc.field if exc.field not in (None, "date") else "amount_cents"
            self.errors.show({field or "amount_cents": str(exc)})
            return
        database = self.ctx.database
        with database.read() as session:
            problems = validate_gift(session, draft, today=today(database.clock))
            doubles = (
                []
                if problems
                else probable_doubles(session, draft_key(draft), exclude_gift_id=self.gift_id)
            )
        self.errors.show({p.field or "": str(p) for p in problems})
        if problems:
            return
        if doubles and not confirm_deliberately(
            self,
            _("Doublon probable"),
            _(
                "Ce don semble déjà enregistré (même donateur, montant, date ou numéro de "
                "chèque) :\n{existing}\n\nL'enregistrer une seconde fois le compterait deux "
                "fois sur le reçu fiscal."
            ).format(existing="\n".join(d.describe() for d in doubles[:5])),
            confirm=_("&Enregistrer quand même"),
            back=_("Revenir au formulaire"),
        ):
            return
        created = self.gift_id is None
        try:
            with database.write() as session:
                if self.gift_id is None:
                    self.gift_id = create_gift(session, draft, today=today(database.clock)).id
                else:
                    update_gift(session, self.gift_id, draft, today=today(database.clock))
                offer = (
                    created
                    and draft.receiptable
                    and not draft.is_membership_fee
                    and wants_receipt_per_gift(session, draft.contact_id)
                )
        except UserError as exc:
            QMessageBox.warning(self, _("Enregistrement impossible"), str(exc))
            return
        self.ctx.events.changed.emit("gift")
        if offer:
            self._offer_receipt()
            return
        self.accept()
