"""The gift form: one gift, with the receipt lock explained when it applies."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today
from app.core.dates import format_date, parse_date
from app.core.gifts.recording import (
    METHOD_LABELS,
    NATURE_LABELS,
    ExistingGift,
    GiftDraft,
    campaigns,
    draft_key,
    probable_doubles,
)
from app.core.money import format_eur, parse_eur
from app.errors import ValidationError
from app.i18n import _
from app.models.enums import GiftNature, PaymentMethod
from app.operations import gifts as gift_ops
from app.ui.shell.context import UiContext
from app.ui.shell.errors import explain_text, report
from app.ui.shell.theme import BLUE, YELLOW, box_style
from app.ui.widgets.common import FieldErrors, confirm_deliberately, save_cancel_buttons
from app.ui.widgets.contact_picker import ContactPicker


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
        self.loaded = False
        self._saving = self._save_again = False
        ctx.ops.query(campaigns, parent=self, on_success=self._fill_campaigns)
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
        buttons, self.save_button = save_cancel_buttons(self.save, self.reject)
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
        draft, gift_id = self.draft(), self.gift_id
        assert draft.contact_id is not None and draft.received_on is not None
        assert gift_id is not None
        contact_id, year = draft.contact_id, draft.received_on.year
        self.issue_now_button.setEnabled(False)
        self.ctx.ops.op(
            lambda op: gift_ops.issue_receipt_now(
                op, contact_id=contact_id, year=year, gift_id=gift_id
            ),
            parent=self,
            label=_("Émission du reçu…"),
            on_success=self._receipt_issued,
            on_failure=lambda exc: self.offer_label.setText(
                explain_text(exc) or _("Reçu non émis.")
            ),
            on_finally=lambda: self.issue_now_button.setEnabled(True),
            cancellable=False,
        )

    def _receipt_issued(self, done: gift_ops.ReceiptNow) -> None:
        if not done.numbers:
            self.offer_label.setText(
                _("Reçu non émis : {reasons}").format(reasons=" ; ".join(done.reasons))
            )
            return
        self.receipt_id = done.receipt_id
        self.offer_label.setText(_("Reçu {numbers} émis.").format(numbers=", ".join(done.numbers)))
        self.issue_now_button.setVisible(False)
        self.see_receipt_button.setVisible(True)

    def _fill_campaigns(self, found: list[tuple[int, str]]) -> None:
        selected = self.campaign.currentData()
        for campaign_id, label in found:
            self.campaign.addItem(label, campaign_id)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(selected)))

    def _load(self) -> None:
        gift_id = self.gift_id
        assert gift_id is not None
        self.ctx.ops.op(
            lambda op: gift_ops.load_gift(op, gift_id),
            parent=self,
            label=_("Lecture du don…"),
            on_success=self._show_gift,
        )

    def _show_gift(self, loaded: gift_ops.LoadedGift) -> None:
        draft, reason = loaded.draft, loaded.lock_reason
        self.receipt_id = loaded.receipt_id
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
        self.loaded = True

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
        """Validate and save; problems are shown under their fields and nothing is saved.

        A save asked while one runs is done after it, with the gift's id then known
        (a double click never records the gift twice)."""
        if self._saving:
            self._save_again = True
            return
        try:
            draft = self.draft()
        except ValidationError as exc:
            field = exc.field if exc.field not in (None, "date") else "amount_cents"
            self.errors.show({field or "amount_cents": str(exc)})
            return
        self._saving, gift_id = True, self.gift_id
        self.ctx.ops.query(
            lambda session: probable_doubles(session, draft_key(draft), exclude_gift_id=gift_id),
            parent=self,
            label=_("Vérification des doublons…"),
            on_success=lambda doubles: self._save_unless_double(draft, gift_id, doubles),
            on_failure=self._check_failed,
        )

    def _check_failed(self, exc: BaseException) -> None:
        self._saving = False
        report(self, exc, self.errors)

    def _save_unless_double(
        self, draft: GiftDraft, gift_id: int | None, doubles: list[ExistingGift]
    ) -> None:
        """A probable double (same donor, amount, date or cheque) is saved only on purpose."""
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
            self._saving = False
            self._save_again = False
            return
        self.ctx.ops.op(
            lambda op: gift_ops.save_gift(op, draft, gift_id=gift_id),
            parent=self,
            label=_("Enregistrement du don…"),
            on_success=self._saved,
            on_failure=lambda exc: report(self, exc, self.errors),
            on_finally=self._save_ended,
            cancellable=False,
        )

    def _save_ended(self) -> None:
        self._saving = False
        if self._save_again:
            self._save_again = False
            self.save()

    def _saved(self, saved: gift_ops.SavedGift) -> None:
        """Problems under their fields; else the receipt offer, or close."""
        self.errors.show({p.field or "": str(p) for p in saved.problems})
        if saved.problems:
            return
        self.gift_id = saved.gift_id
        if saved.created or not self._save_again:
            self._save_again = False  # saved as typed: nothing left to do
        if saved.offer_receipt:
            self._offer_receipt()
            return
        self.accept()
