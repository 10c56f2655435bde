"""Which gifts may be receipted, grouped per donor, with the reason for every exclusion."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.postal import AddressParts, address_problems, recipient_line
from app.core.receipts.readiness import organisation_problems
from app.core.text import fold
from app.i18n import _
from app.models import Contact, Gift
from app.models.enums import ContactKind, ContactStatus, ReceiptMode

COUNTERPART_SHARE_LIMIT = 0.25  # value of counterparts at most 1/4 of the gift...
COUNTERPART_YEARLY_LIMIT_CENTS = 7300  # ...and at most 73 EUR per donor and year (since 2021)


@dataclass(frozen=True)
class PlannedReceipt:
    """A receipt that will be issued: its donor, gifts and printed total."""

    contact_id: int
    donor_name: str
    kind: str
    gift_ids: tuple[int, ...]
    amounts: tuple[int, ...]  # printed amount of each gift (net of counterparts)
    period_start: date
    period_end: date
    warnings: tuple[str, ...] = ()
    mode: ReceiptMode = ReceiptMode.ANNUAL  # per gift when the batch or the donor says so

    @property
    def total_cents(self) -> int:
        """Amount printed on the receipt."""
        return sum(self.amounts)


@dataclass(frozen=True)
class Exclusion:
    """Gifts that will not be receipted, and why."""

    contact_id: int
    donor_name: str
    gift_ids: tuple[int, ...]
    reason: str


@dataclass
class IssuePlan:
    """The preview shown before issuing."""

    year: int
    mode: ReceiptMode
    receipts: list[PlannedReceipt] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    organisation_problems: list[str] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        """Sum of every receipt to issue."""
        return sum(r.total_cents for r in self.receipts)

    @property
    def warnings(self) -> list[tuple[PlannedReceipt, str]]:
        """Receipts that will be issued but deserve a look (e.g. NPAI address)."""
        return [(r, w) for r in self.receipts for w in r.warnings]


def donor_address(contact: Contact) -> AddressParts | None:
    """The donor's primary address as printed, or None."""
    address = contact.primary_address
    if address is None:
        return None
    recipient = recipient_line(
        civility=contact.civility,
        first_name=contact.first_name,
        last_name=contact.last_name,
        organisation_name=contact.organisation_name if contact.is_organisation else "",
    )
    return AddressParts(
        recipient,
        address.line2,
        address.line3,
        address.line4,
        address.line5,
        address.postcode,
        address.city,
        address.country,
    )


def _donor_problem(contact: Contact) -> str | None:
    if contact.status in (ContactStatus.ANONYMISED, ContactStatus.MERGED):
        return _("contact anonymisé ou fusionné")
    if contact.restricted:
        return _(
            "traitement limité (RGPD, art. 18) : émettez ce reçu après la levée de la limitation "
            "ou avec l'accord du donateur"
        )
    parts = donor_address(contact)
    if parts is None:
        return _("adresse postale manquante (mention obligatoire)")
    problems = address_problems(parts)
    if problems:
        return _("adresse incomplète : {details}").format(
            details="; ".join(p.message for p in problems)
        )
    if contact.is_organisation and not contact.siren:
        return _("N° SIREN de l'entreprise manquant (mention obligatoire du Cerfa 16216)")
    if contact.is_organisation and not contact.legal_form:
        return _("forme juridique de l'entreprise manquante (mention obligatoire du Cerfa 16216)")
    return None


def _eligible_gifts(gifts: list[Gift]) -> tuple[list[Gift], list[tuple[Gift, str]]]:
    kept, refused = [], []
    for gift in gifts:
        if gift.counterpart_cents > gift.amount_cents * COUNTERPART_SHARE_LIMIT:
            refused.append((gift, _("contrepartie de plus du quart du don")))
        else:
            kept.append(gift)
    if sum(g.counterpart_cents for g in kept) > COUNTERPART_YEARLY_LIMIT_CENTS:
        refused += [(g, _("contreparties de plus de 73 € sur l'année")) for g in kept]
        kept = []
    return kept, refused


RECEIPT_MODES = ("", ReceiptMode.ANNUAL.value, ReceiptMode.PER_GIFT.value)


def donor_mode(contact: Contact, batch_mode: ReceiptMode) -> ReceiptMode:
    """The donor's own choice (one receipt per gift, or one a year), else the batch's."""
    return ReceiptMode(contact.receipt_mode) if contact.receipt_mode else batch_mode


def wants_receipt_per_gift(session: Session, contact_id: int | None) -> bool:
    """True when the donor asked for a receipt for each gift."""
    contact = session.get(Contact, contact_id) if contact_id else None
    return contact is not None and contact.receipt_mode == ReceiptMode.PER_GIFT.value


def _groups(gifts: list[Gift], mode: ReceiptMode) -> list[list[Gift]]:
    if mode == ReceiptMode.PER_GIFT:
        return [[g] for g in gifts]
    return [gifts]  # annual: one receipt per donor and calendar year


def plan_receipts(
    session: Session,
    *,
    year: int,
    mode: ReceiptMode,
    contact_ids: list[int] | None = None,
    requested_only: bool = False,
) -> IssuePlan:
    """What would be issued for gifts received in `year` and not receipted yet.

    `requested_only` (with the per-gift mode): only the donors who asked for a receipt per
    gift, the run a treasurer makes during the year; the others wait for the annual batch.
    """
    plan = IssuePlan(year, mode, organisation_problems=organisation_problems(session))
    query = (
        select(Gift)
        .where(
            Gift.received_on >= date(year, 1, 1),
            Gift.received_on <= date(year, 12, 31),
            Gift.receipt_id.is_(None),
            Gift.receiptable.is_(True),
            Gift.is_membership_fee.is_(False),
        )
        .order_by(Gift.contact_id, Gift.received_on, Gift.id)
    )
    if contact_ids is not None:
        query = query.where(Gift.contact_id.in_(contact_ids))
    if requested_only:
        query = query.where(
            Gift.contact_id.in_(
                select(Contact.id).where(Contact.receipt_mode == ReceiptMode.PER_GIFT.value)
            )
        )
    by_contact: dict[int, list[Gift]] = defaultdict(list)
    for gift in session.scalars(query):
        by_contact[gift.contact_id].append(gift)
    contacts = (
        {
            c.id: c
            for c in session.scalars(
                select(Contact)
                .where(Contact.id.in_(list(by_contact)))
                .options(selectinload(Contact.addresses))
            )
        }
        if by_contact
        else {}
    )
    for contact_id, gifts in by_contact.items():
        _plan_donor(plan, contacts[contact_id], gifts, mode)
    # Numbers follow the alphabetical order of a French list: "Étienne" among the E.
    plan.receipts.sort(key=lambda r: (fold(r.donor_name), r.period_start, r.gift_ids))
    plan.excluded.sort(key=lambda e: (fold(e.donor_name), e.gift_ids))
    return plan


def _plan_donor(plan: IssuePlan, contact: Contact, gifts: list[Gift], mode: ReceiptMode) -> None:
    name = contact.display_name
    problem = _donor_problem(contact)
    if problem:
        plan.excluded.append(Exclusion(contact.id, name, tuple(g.id for g in gifts), problem))
        return
    mode = donor_mode(contact, mode)
    if mode == ReceiptMode.ANNUAL and plan.mode == ReceiptMode.PER_GIFT:
        plan.excluded.append(
            Exclusion(
                contact.id,
                name,
                tuple(g.id for g in gifts),
                _("reçu annuel demandé par le donateur : émis avec les reçus annuels"),
            )
        )
        return
    kept, refused = _eligible_gifts(gifts)
    for gift, reason in refused:
        plan.excluded.append(Exclusion(contact.id, name, (gift.id,), reason))
    address = contact.primary_address
    warnings = (
        (_("adresse signalée NPAI : envoyez ce reçu par courriel ou vérifiez l'adresse"),)
        if address is not None and address.npai
        else ()
    )
    kind = "company" if contact.kind == ContactKind.ORGANISATION else "individual"
    for group in _groups(kept, mode):
        if group:
            plan.receipts.append(
                PlannedReceipt(
                    contact.id,
                    name,
                    kind,
                    tuple(g.id for g in group),
                    tuple(g.amount_cents - g.counterpart_cents for g in group),
                    group[0].received_on,
                    group[-1].received_on,
                    warnings,
                    mode,
                )
            )
