"""Gifts: validation, creation, changes, and the lock once a valid receipt covers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound, ValidationError, raise_first
from app.i18n import N_, _
from app.models import Campaign, Contact, Gift, Receipt
from app.models.enums import ContactStatus, GiftNature, PaymentMethod

METHOD_LABELS = {
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.CARD: N_("Carte bancaire"),
    PaymentMethod.DIRECT_DEBIT: N_("Prélèvement"),
    PaymentMethod.IN_KIND: N_("En nature"),
}
# The same labels by the method's stored text (rows read without the enum).
METHOD_TEXT: dict[str, str] = {method.value: label for method, label in METHOD_LABELS.items()}
NATURE_LABELS = {
    GiftNature.CASH: N_("Numéraire"),
    GiftNature.LISTED_SHARES: N_("Titres de sociétés cotés"),
    GiftNature.WAIVED_REVENUE: N_("Abandon de revenus ou produits"),
    GiftNature.WAIVED_EXPENSES: N_("Frais de bénévoles abandonnés"),
    GiftNature.IN_KIND: N_("Don en nature"),
}
LOCKED_FIELDS = ("contact_id", "received_on", "amount_cents", "nature")


@dataclass
class GiftDraft:
    """What the gift form edits (amount already in cents)."""

    contact_id: int | None = None
    received_on: date | None = None
    amount_cents: int = 0
    payment_method: PaymentMethod = PaymentMethod.CHEQUE
    nature: GiftNature = GiftNature.CASH
    in_kind_description: str = ""
    in_kind_valuation: str = ""
    campaign_id: int | None = None
    cheque_number: str = ""
    deposit_slip: str = ""
    bank_reference: str = ""
    receiptable: bool = True
    is_membership_fee: bool = False
    counterpart_cents: int = 0
    notes: str = ""


def validate_gift(session: Session, draft: GiftDraft, *, today: date) -> list[ValidationError]:
    """Every problem of the draft, each naming its field."""
    problems: list[ValidationError] = []

    def bad(field: str, message: str) -> None:
        problems.append(ValidationError(message, field=field))

    contact = session.get(Contact, draft.contact_id) if draft.contact_id else None
    if contact is None or contact.status == ContactStatus.MERGED:
        bad("contact_id", _("Donateur : choisissez un contact existant."))
    elif contact.status == ContactStatus.ANONYMISED:
        bad("contact_id", _("Donateur : ce contact a été anonymisé."))
    if draft.received_on is None:
        bad("received_on", _("Date du don : champ obligatoire (jj/mm/aaaa)."))
    elif draft.received_on > today:
        bad("received_on", _("Date du don dans le futur : la date de réception est attendue."))
    if draft.amount_cents <= 0:
        bad("amount_cents", _("Montant : un montant positif est attendu (ex. 50,00)."))
    if draft.counterpart_cents < 0:
        bad("counterpart_cents", _("Contrepartie : montant positif ou nul attendu."))
    cash_like = draft.nature == GiftNature.CASH
    if draft.payment_method == PaymentMethod.IN_KIND and cash_like:
        bad("nature", _("Un don « en nature » ne peut pas être de nature « numéraire »."))
    if draft.nature == GiftNature.IN_KIND:
        if not draft.in_kind_description.strip():
            bad("in_kind_description", _("Don en nature : décrivez le bien ou le service donné."))
        if not draft.in_kind_valuation.strip():
            bad("in_kind_valuation", _("Don en nature : indiquez comment il a été évalué."))
    if draft.payment_method == PaymentMethod.CHEQUE and not draft.cheque_number.strip():
        bad("cheque_number", _("Chèque : le numéro du chèque est attendu."))
    if draft.campaign_id is not None and session.get(Campaign, draft.campaign_id) is None:
        bad("campaign_id", _("Campagne inconnue."))
    return problems


def _apply(gift: Gift, draft: GiftDraft) -> None:
    for name in (
        "contact_id",
        "received_on",
        "amount_cents",
        "payment_method",
        "nature",
        "campaign_id",
        "receiptable",
        "is_membership_fee",
        "counterpart_cents",
    ):
        setattr(gift, name, getattr(draft, name))
    for name in (
        "in_kind_description",
        "in_kind_valuation",
        "cheque_number",
        "deposit_slip",
        "bank_reference",
        "notes",
    ):
        setattr(gift, name, getattr(draft, name).strip())


def create_gift(session: Session, draft: GiftDraft, *, today: date) -> Gift:
    """Validate and record a gift."""
    require(session, Permission.GIFTS_WRITE)
    raise_first(validate_gift(session, draft, today=today))
    gift = Gift()
    _apply(gift, draft)
    session.add(gift)
    session.flush()
    return gift


def get_gift(session: Session, gift_id: int) -> Gift:
    """The gift, or NotFound."""
    gift = session.get(Gift, gift_id)
    if gift is None:
        raise NotFound(_("Don {id} introuvable.").format(id=gift_id))
    return gift


def lock_reason(session: Session, gift: Gift) -> str | None:
    """Why the gift's donor, amount, date and nature are frozen, or None."""
    if gift.receipt_id is None:
        return None
    receipt = session.get(Receipt, gift.receipt_id)
    number = receipt.number if receipt else "?"
    return _(
        "Ce don figure sur le reçu fiscal n° {number} déjà émis : son donateur, son montant, "
        "sa date et sa nature ne peuvent plus changer. Pour corriger, annulez et remplacez "
        "le reçu."
    ).format(number=number)


def update_gift(session: Session, gift_id: int, draft: GiftDraft, *, today: date) -> Gift:
    """Save changes; a locked gift refuses changes to its donor, amount, date or nature."""
    require(session, Permission.GIFTS_WRITE)
    gift = get_gift(session, gift_id)
    reason = lock_reason(session, gift)
    if reason and any(getattr(gift, f) != getattr(draft, f) for f in LOCKED_FIELDS):
        raise Conflict(reason)
    raise_first(validate_gift(session, draft, today=today))
    _apply(gift, draft)
    session.flush()
    return gift


def delete_gift(session: Session, gift_id: int) -> None:
    """Delete a gift that no receipt covers."""
    require(session, Permission.GIFTS_WRITE)
    gift = get_gift(session, gift_id)
    reason = lock_reason(session, gift)
    if reason:
        raise Conflict(reason)
    session.delete(gift)
    session.flush()


def draft_from_gift(gift: Gift) -> GiftDraft:
    """The form's view of a stored gift."""
    return GiftDraft(**{name: getattr(gift, name) for name in GiftDraft.__dataclass_fields__})


def campaigns(session: Session) -> list[tuple[int, str]]:
    """Campaigns (id, "CODE — name"), newest first; closed ones say so."""
    rows = session.execute(
        select(Campaign.id, Campaign.code, Campaign.name, Campaign.active).order_by(
            Campaign.starts_on.desc().nulls_last(), Campaign.code
        )
    )
    closed = " " + _("(close)")
    return [(r.id, f"{r.code} — {r.name}{'' if r.active else closed}") for r in rows]


@dataclass(frozen=True)
class GiftKey:
    """What makes two gifts look like the same gift typed twice."""

    contact_id: int | None
    received_on: date | None
    amount_cents: int
    cheque_number: str = ""
    deposit_slip: str = ""


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def same_gift(a: GiftKey, b: GiftKey) -> bool:
    """True when `b` is probably `a` typed again.

    Same donor and amount, and either the same cheque number (whatever the date: a date
    typo must not hide a double), or the same date without a cheque number or slip
    reference that tells them apart.
    """
    if a.contact_id is None or a.contact_id != b.contact_id or a.amount_cents != b.amount_cents:
        return False
    cheque_a, cheque_b = _compact(a.cheque_number), _compact(b.cheque_number)
    if cheque_a and cheque_b:
        return cheque_a == cheque_b
    slip_a, slip_b = _compact(a.deposit_slip), _compact(b.deposit_slip)
    if slip_a and slip_b and slip_a != slip_b:
        return False
    return a.received_on is not None and a.received_on == b.received_on


@dataclass(frozen=True)
class ExistingGift:
    """A stored gift shown to the user as the probable original of a double."""

    gift_id: int
    received_on: date
    amount_cents: int
    cheque_number: str
    deposit_slip: str

    def describe(self) -> str:
        """ "don n° 12 du 10/03/2026, 30,00 €, chèque n° 111, remise REM-3" in the user's words."""
        from app.core.dates import format_date
        from app.core.money import format_eur

        parts = [
            _("don n° {id} du {date}").format(id=self.gift_id, date=format_date(self.received_on)),
            format_eur(self.amount_cents),
        ]
        if self.cheque_number:
            parts.append(_("chèque n° {number}").format(number=self.cheque_number))
        if self.deposit_slip:
            parts.append(_("remise {reference}").format(reference=self.deposit_slip))
        return ", ".join(parts)


def probable_doubles(
    session: Session, key: GiftKey, *, exclude_gift_id: int | None = None
) -> list[ExistingGift]:
    """Stored gifts that `key` probably repeats (same donor, amount, date or cheque)."""
    if key.contact_id is None:
        return []
    query = select(
        Gift.id, Gift.received_on, Gift.amount_cents, Gift.cheque_number, Gift.deposit_slip
    ).where(Gift.contact_id == key.contact_id, Gift.amount_cents == key.amount_cents)
    if exclude_gift_id is not None:
        query = query.where(Gift.id != exclude_gift_id)
    found = []
    for row in session.execute(query.order_by(Gift.received_on, Gift.id)):
        stored = GiftKey(key.contact_id, row[1], row[2], row[3] or "", row[4] or "")
        if same_gift(key, stored):
            found.append(ExistingGift(row[0], row[1], row[2], row[3] or "", row[4] or ""))
    return found


def draft_key(draft: GiftDraft) -> GiftKey:
    """The double-detection key of a gift form's draft."""
    return GiftKey(
        draft.contact_id,
        draft.received_on,
        draft.amount_cents,
        draft.cheque_number,
        draft.deposit_slip,
    )
