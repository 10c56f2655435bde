"""Which gifts may be receipted, grouped per donor, with the reason for every exclusion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from app.core.contacts.postal import AddressParts, address_problems, recipient_line
from app.core.money import format_eur
from app.core.receipts.readiness import organisation_problems
from app.core.text import fold
from app.i18n import _
from app.models import Contact, Gift, OrganisationSettings, Receipt, ReceiptLine
from app.models.enums import ContactKind, ContactStatus, GiftNature, ReceiptMode, ReceiptStatus

COUNTERPART_SHARE_LIMIT = 0.25  # value of counterparts at most 1/4 of the gift...
COUNTERPART_YEARLY_LIMIT_CENTS = 7300  # ...and at most 73 EUR per donor and year (since 2021)
# Art. 978 (IFI) covers only cash gifts and listed shares in full ownership (LEGAL_FR.md 0.5,
# note (3) of the 11580*05).
IFI_NATURES = frozenset({GiftNature.CASH.value, GiftNature.LISTED_SHARES.value})


def receipted_amount(gift: Gift) -> int:
    """The amount printed for `gift`: the whole gift.

    LEGAL_FR.md 0.2: the receipt shows "le montant du versement ouvrant droit à la réduction
    d'impôt". A counterpart within the tolerance (at most 1/4 of the gift and 73 EUR per
    donor and calendar year, A.5) does not disqualify the gift, and no source requires
    deducting it: the whole gift is receipted. A counterpart above the tolerance makes the
    gift not receiptable at all (it is excluded, never receipted net).
    """
    return gift.amount_cents


@dataclass(frozen=True)
class PlannedReceipt:
    """A receipt that will be issued: its donor, gifts and printed total."""

    contact_id: int
    donor_name: str
    kind: str
    gift_ids: tuple[int, ...]
    amounts: tuple[int, ...]  # printed amount of each gift (see receipted_amount)
    period_start: date
    period_end: date
    warnings: tuple[str, ...] = ()
    mode: ReceiptMode = ReceiptMode.ANNUAL  # per gift when the batch or the donor says so
    # A cancelled receipt of the same gifts that this one replaces (issue #15, point 10).
    replaces_id: int | None = None
    replaces_number: str = ""

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
    # Why nothing can be planned at all (e.g. annual receipts for a year not ended).
    refused: str = ""

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


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class _Context:
    """What every donor's planning needs besides their own gifts."""

    issued_on: date
    ifi_eligible: bool
    prior_counterparts: dict[int, int]  # counterparts already on valid receipts this year
    cancelled: dict[int, tuple[int, str]]  # gift id -> cancelled receipt (id, number)
    claimed: set[int] = field(default_factory=set)  # cancelled receipts already replaced


def _gift_refusal(gift: Gift, ctx: _Context) -> str | None:
    """Why this one gift cannot be receipted (None: it can)."""
    if gift.received_on > ctx.issued_on:
        # A receipt certifies gifts already received (LEGAL_FR.md A.4: the gift's date).
        return _("don reçu le {gift_day}, après la date du reçu ({receipt_day})").format(
            gift_day=_fmt(gift.received_on), receipt_day=_fmt(ctx.issued_on)
        )
    if gift.counterpart_cents > gift.amount_cents * COUNTERPART_SHARE_LIMIT:
        return _("contrepartie de plus du quart du don")
    if gift.nature == GiftNature.IN_KIND and not gift.in_kind_description.strip():
        # Issue #15 point 8 (11580: printed after "Autres"); LEGAL_FR.md B: the 16216 asks
        # for an exhaustive description.
        return _("don en nature sans description (elle est imprimée sur le reçu)")
    if gift.nature == GiftNature.WAIVED_EXPENSES and (
        gift.waiver_signed_on is None or not gift.waiver_reference.strip()
    ):
        # LEGAL_FR.md 0.4 and A.5: an express written waiver of the reimbursement.
        return _(
            "frais de bénévole abandonnés sans renonciation écrite enregistrée (date et "
            "référence de la lettre de renonciation au remboursement)"
        )
    return None


def _eligible_gifts(
    contact: Contact, name: str, gifts: list[Gift], ctx: _Context
) -> tuple[list[Gift], list[tuple[Gift, str]]]:
    kept, refused = [], []
    for gift in gifts:
        reason = _gift_refusal(gift, ctx)
        if reason:
            refused.append((gift, reason))
        else:
            kept.append(gift)
    # LEGAL_FR.md 0.3: 73 EUR per donor per calendar year, whatever the receipt mode: the
    # counterparts already on valid receipts of the year count too.
    total = ctx.prior_counterparts.get(contact.id, 0) + sum(g.counterpart_cents for g in kept)
    if kept and total > COUNTERPART_YEARLY_LIMIT_CENTS:
        reason = _(
            "contreparties reçues par {name} en {year} : {total} au total, plus de 73 € par "
            "donateur et par année civile"
        ).format(name=name, year=kept[0].received_on.year, total=format_eur(total))
        refused += [(g, reason) for g in kept]
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


def fiscal_year_end(contact: Contact, year: int) -> date:
    """The end of the company's financial year that closes in `year` (31/12 by default)."""
    text = (contact.fiscal_year_end or "").strip()
    try:
        month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        if text.startswith("02-29"):
            return date(year, 3, 1) - timedelta(days=1)  # 29 February, or the 28th
        return date(year, 12, 31)


def _split(gifts: list[Gift], key: Callable[[Gift], Any]) -> list[list[Gift]]:
    groups: dict[Any, list[Gift]] = {}
    for gift in gifts:
        groups.setdefault(key(gift), []).append(gift)
    return list(groups.values())


def _groups(
    contact: Contact, gifts: list[Gift], mode: ReceiptMode, ctx: _Context
) -> list[list[Gift]]:
    if mode == ReceiptMode.PER_GIFT:
        return [[g] for g in gifts]
    # Annual: one receipt per donor and calendar year, except:
    if contact.kind == ContactKind.ORGANISATION and gifts:
        # LEGAL_FR.md B, note 5: a 16216 never straddles two financial years of the company.
        end = fiscal_year_end(contact, gifts[0].received_on.year)
        return _split(gifts, lambda g: g.received_on > end)
    if ctx.ifi_eligible:
        # LEGAL_FR.md 0.5: only cash and listed shares under art. 978; other kinds get their
        # own receipt, on which the 978 box is not ticked.
        return sorted(
            _split(gifts, lambda g: str(g.nature) not in IFI_NATURES),
            key=lambda group: str(group[0].nature) not in IFI_NATURES,
        )
    return [gifts]


def plan_receipts(
    session: Session,
    *,
    year: int,
    mode: ReceiptMode,
    contact_ids: list[int] | None = None,
    requested_only: bool = False,
    issued_on: date | None = None,
    year_must_be_over: bool = True,
) -> IssuePlan:
    """What would be issued on `issued_on` (default today) for gifts received in `year` and
    not receipted yet.

    `requested_only` (with the per-gift mode): only the donors who asked for a receipt per
    gift, the run a treasurer makes during the year; the others wait for the annual batch.
    Annual receipts wait for the end of the year (`refused` says so): a gift may still come.
    """
    issued_on = issued_on or date.today()
    plan = IssuePlan(year, mode, organisation_problems=organisation_problems(session))
    if mode == ReceiptMode.ANNUAL and year_must_be_over and issued_on.year <= year:
        plan.refused = _(
            "Reçus annuels {year} : l'année n'est pas terminée (possible à partir du "
            "01/01/{next}). Pendant l'année, émettez des reçus par don."
        ).format(year=year, next=year + 1)
        return plan
    settings = session.get(OrganisationSettings, 1)
    query = (
        select(Gift)
        .where(
            Gift.received_on >= date(year, 1, 1),
            Gift.received_on <= date(year, 12, 31),
            Gift.receipt_id.is_(None),
            Gift.receiptable.is_(True),
        )
        .order_by(Gift.contact_id, Gift.received_on, Gift.id)
    )
    if settings is None or not settings.receipt_membership_fees:
        # LEGAL_FR.md A.5: fees are receiptable only without a real counterpart; the
        # association says so in the settings (off by default).
        query = query.where(Gift.is_membership_fee.is_(False))
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
    details = (settings.category_details if settings else None) or {}
    ctx = _Context(
        issued_on,
        bool(details.get("ifi_eligible", False)),
        _prior_counterparts(session, year) if by_contact else {},
        _cancelled_receipts(session, year) if by_contact else {},
    )
    for contact_id, gifts in by_contact.items():
        _plan_donor(plan, contacts[contact_id], gifts, mode, ctx)
    # Numbers follow the alphabetical order of a French list: "Étienne" among the E.
    plan.receipts.sort(key=lambda r: (fold(r.donor_name), r.period_start, r.gift_ids))
    plan.excluded.sort(key=lambda e: (fold(e.donor_name), e.gift_ids))
    return plan


def _prior_counterparts(session: Session, year: int) -> dict[int, int]:
    """Counterparts per donor on gifts of `year` already on a valid receipt."""
    rows = session.execute(
        select(Gift.contact_id, func.sum(Gift.counterpart_cents))
        .where(
            Gift.received_on >= date(year, 1, 1),
            Gift.received_on <= date(year, 12, 31),
            Gift.receipt_id.is_not(None),
            Gift.counterpart_cents > 0,
        )
        .group_by(Gift.contact_id)
    )
    return {contact_id: int(total or 0) for contact_id, total in rows}


def _cancelled_receipts(session: Session, year: int) -> dict[int, tuple[int, str]]:
    """Gift id -> the cancelled, not yet replaced receipt of `year` that covered it."""
    replacement = Receipt.__table__.alias("replacement")
    rows = session.execute(
        select(ReceiptLine.gift_id, Receipt.id, Receipt.number)
        .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
        .where(
            Receipt.year == year,
            Receipt.status == ReceiptStatus.CANCELLED,
            ~exists().where(replacement.c.replaces_id == Receipt.id),
        )
        .order_by(Receipt.sequence.desc())
    )
    return {gift_id: (receipt_id, number) for gift_id, receipt_id, number in rows}


def _plan_donor(
    plan: IssuePlan, contact: Contact, gifts: list[Gift], mode: ReceiptMode, ctx: _Context
) -> None:
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
    kept, refused = _eligible_gifts(contact, name, gifts, ctx)
    for gift, reason in refused:
        plan.excluded.append(Exclusion(contact.id, name, (gift.id,), reason))
    address = contact.primary_address
    warnings = (
        (_("adresse signalée NPAI : envoyez ce reçu par courriel ou vérifiez l'adresse"),)
        if address is not None and address.npai
        else ()
    )
    kind = "company" if contact.kind == ContactKind.ORGANISATION else "individual"
    for group in _groups(contact, kept, mode, ctx):
        if group:
            replaces = _replaced(group, ctx)
            plan.receipts.append(
                PlannedReceipt(
                    contact.id,
                    name,
                    kind,
                    tuple(g.id for g in group),
                    tuple(receipted_amount(g) for g in group),
                    group[0].received_on,
                    group[-1].received_on,
                    warnings,
                    mode,
                    replaces[0] if replaces else None,
                    replaces[1] if replaces else "",
                )
            )


def _replaced(group: list[Gift], ctx: _Context) -> tuple[int, str] | None:
    """The cancelled receipt these gifts were on, if no other new receipt replaces it.

    Issue #15 point 10 (LEGAL_FR.md A.3): "cancel" then "issue" of the same gifts is a
    replacement, recorded exactly as "replace" records it.
    """
    for gift in group:
        found = ctx.cancelled.get(gift.id)
        if found and found[0] not in ctx.claimed:
            ctx.claimed.add(found[0])
            return found
    return None
