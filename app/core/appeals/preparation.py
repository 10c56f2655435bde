"""Preparing an appeal: the recipients, and everyone left out with the reason.

Reasons, in the order they are checked: erased (anonymised), deceased, restricted (GDPR
art. 18), no consent for the channel at the send date (post: not withdrawn nor objected;
e-mail: granted), NPAI (post), no usable address or e-mail, the association's pressure cap,
the donor's own limit ("one appeal a year"). The target is read once; every other table is
read for the targeted ids only (lists of 2,000), and the database counts the solicitations,
returning only the people at a cap or with a limit of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.core.appeals.pressure import Pressure, PressureCaps, load_caps, pressure_reaching
from app.core.appeals.targeting import Target, target_ids, target_query
from app.core.contacts.consents import DEFAULT_PURPOSE
from app.core.contacts.postal import AddressParts, address_block, recipient_line
from app.i18n import N_, _
from app.models import Appeal, ConsentEvent, Contact, ContactEmail, Gift, PostalAddress
from app.models.enums import Channel, ConsentStatus, ContactKind, ContactStatus

REASONS = {
    "erased": N_("données effacées (RGPD)"),
    "deceased": N_("décédé"),
    "restricted": N_("limitation du traitement (RGPD art. 18)"),
    "no_consent": N_("pas de consentement pour ce canal à la date d'envoi"),
    "npai": N_("adresse NPAI"),
    "no_address": N_("pas d'adresse postale utilisable"),
    "no_email": N_("pas d'adresse e-mail valide"),
    "pressure": N_("plafond de sollicitations atteint (12 mois glissants)"),
    "own_limit": N_("a demandé moins d'appels (limite personnelle atteinte)"),
}
ASK_DEFAULTS = {"factor": 1.2, "round_cents": 500, "minimum_cents": 1500, "no_gift_cents": 3000}


@dataclass(frozen=True)
class Recipient:
    """One person asked, with what the letter needs."""

    contact_id: int
    name: str
    salutation: str
    civility: str
    first_name: str
    last_name: str
    address_lines: tuple[str, ...]
    postcode: str
    email: str
    segment: str
    last_gift_cents: int
    last_gift_on: date | None
    year_total_cents: int
    amount_asked_cents: int


@dataclass(frozen=True)
class Left:
    """One person left out, and why."""

    contact_id: int
    name: str
    reason: str

    @property
    def reason_text(self) -> str:
        """The reason in the user's language."""
        return _(REASONS[self.reason])


@dataclass(frozen=True)
class AppealPlan:
    """The recipients and the people left out of an appeal."""

    appeal_id: int | None  # None: a list made elsewhere (membership renewal reminders)
    channel: Channel
    send_on: date
    recipients: tuple[Recipient, ...]
    left_out: tuple[Left, ...]
    counts: dict[str, int] = field(default_factory=dict)


def amount_asked(last_gift_cents: int, rule: dict[str, float] | None = None) -> int:
    """The amount asked: the last gift raised by the factor, rounded up, with a floor."""
    r = {**ASK_DEFAULTS, **(rule or {})}
    if last_gift_cents <= 0:
        return int(r["no_gift_cents"])
    step = int(r["round_cents"]) or 1
    raised = int(last_gift_cents * float(r["factor"]))
    rounded = -(-raised // step) * step
    return max(int(r["minimum_cents"]), rounded)


SALUTATIONS = {
    "Mme": N_("Chère Madame {name},"),
    "M.": N_("Cher Monsieur {name},"),
    "M. et Mme": N_("Chère Madame, cher Monsieur {name},"),
    "Dr": N_("Cher Docteur {name},"),
}


def salutation(kind: str, civility: str, last_name: str) -> str:
    """ "Chère Madame Dupont," / "Cher Monsieur Dupont," / "Madame, Monsieur,"."""
    name = last_name.strip().title()
    template = SALUTATIONS.get(civility)
    if kind == ContactKind.ORGANISATION or not name or template is None:
        return _("Madame, Monsieur,")
    return _(template).format(name=name)


def _consent_at(session: Session, target: Target, channel: Channel, on: date) -> dict[int, str]:
    """Each contact's latest consent status for `channel` on or before the send date.

    One pass over the target's events in time order (the last one wins, the highest id on
    equal times): no grouped subquery joined back, which cost more than the rows it saved.
    """
    until = datetime.combine(on, time.max, tzinfo=UTC)
    statement = (
        select(ConsentEvent.contact_id, type_coerce(ConsentEvent.status, String))
        .where(
            ConsentEvent.channel == channel,
            ConsentEvent.purpose == DEFAULT_PURPOSE,
            ConsentEvent.occurred_at <= until,
        )
        .order_by(ConsentEvent.occurred_at, ConsentEvent.id)
    )
    rows = target.rows(session, statement, ConsentEvent.contact_id)
    return {contact_id: status for contact_id, status in rows}


def _addresses(session: Session, target: Target) -> tuple[dict[int, Any], set[int]]:
    """Each contact's usable postal address (primary first), and who has only NPAI ones."""
    usable: dict[int, Any] = {}
    npai: set[int] = set()
    statement = select(
        PostalAddress.contact_id,
        PostalAddress.npai,
        PostalAddress.line2,
        PostalAddress.line3,
        PostalAddress.line4,
        PostalAddress.line5,
        PostalAddress.postcode,
        PostalAddress.city,
        PostalAddress.country,
    ).order_by(PostalAddress.is_primary.desc(), PostalAddress.id)
    for row in target.rows(session, statement, PostalAddress.contact_id):
        if row.npai:
            npai.add(row.contact_id)
        elif row.postcode and row.city and row.contact_id not in usable:
            usable[row.contact_id] = row
    return usable, npai - set(usable)


def _gifts(
    session: Session, target: Target, year: int
) -> tuple[dict[int, tuple[int, date]], dict[int, int]]:
    """Each contact's last gift (amount, day) and total of `year`, in one pass (failed aside)."""
    last: dict[int, tuple[int, date]] = {}
    totals: dict[int, int] = {}
    first, end = date(year, 1, 1), date(year, 12, 31)
    statement = (
        select(Gift.contact_id, Gift.amount_cents, Gift.received_on)
        .where(Gift.failed_on.is_(None))
        .order_by(Gift.received_on, Gift.id)
    )
    for contact_id, amount, received in target.rows(session, statement, Gift.contact_id):
        last[contact_id] = (amount, received)  # in date order: the last one stays
        if first <= received <= end:
            totals[contact_id] = totals.get(contact_id, 0) + amount
    return last, totals


def prepare(
    session: Session,
    appeal: Appeal,
    *,
    caps: PressureCaps | None = None,
    frozen: Target | None = None,
) -> AppealPlan:
    """The recipients of `appeal` and the people left out, with the reason, at its send date.

    `frozen` is the list of a sent appeal (sending.frozen_target): the same people again,
    with today's addresses, and nobody left out (a reprint).
    """
    target, contacts = _targeted(session, appeal, frozen)
    return _plan(
        session,
        target,
        contacts,
        channel=appeal.channel,
        on=appeal.send_on,
        caps=caps or load_caps(session),
        check=frozen is None,
        rule=dict(appeal.template.get("ask") or {}),
        appeal_id=appeal.id,
    )


def prepare_list(
    session: Session,
    contact_ids: Sequence[int],
    channel: Channel,
    on: date,
    *,
    check: bool = True,
    own_limit: bool = True,
) -> AppealPlan:
    """The appeals' rules applied to a list made elsewhere (membership renewal reminders).

    `check=False` gives every listed person as a recipient (a send being resumed);
    `own_limit=False` leaves the donor's own "appeals a year" aside (it counts appeals).
    """
    target = Target(tuple(contact_ids), {})
    return _plan(
        session,
        target,
        _contacts(session, target),
        channel=channel,
        on=on,
        caps=load_caps(session),
        check=check,
        own_limit=own_limit,
    )


def _plan(
    session: Session,
    target: Target,
    contacts: dict[int, Any],
    *,
    channel: Channel,
    on: date,
    caps: PressureCaps,
    check: bool,
    own_limit: bool = True,
    rule: dict[str, float] | None = None,
    appeal_id: int | None = None,
) -> AppealPlan:
    consent: dict[int, str] = {}
    pressure: dict[int, Pressure] = {}
    if check:  # a reprint leaves nobody out: no consent nor pressure to read
        consent = _consent_at(session, target, channel, on)
        pressure = pressure_reaching(session, target, caps, before=on)
    addresses, npai = _addresses(session, target) if channel == Channel.POST else ({}, set())
    emails = _emails(session, target) if channel == Channel.EMAIL else {}
    last_gifts, totals = _gifts(session, target, on.year)
    segments = target.segments
    recipients: list[Recipient] = []
    left: list[Left] = []
    counts: dict[str, int] = defaultdict(int)
    for contact_id in target.ids:
        contact = contacts.get(contact_id)
        if contact is None:
            continue
        name = display_name(contact)
        if check:
            reason = _reason(
                contact,
                consent.get(contact_id),
                channel=channel,
                has_address=contact_id in addresses,
                npai=contact_id in npai,
                has_email=contact_id in emails,
                caps=caps,
                pressure=pressure.get(contact_id),
                own_limit=own_limit,
            )
            if reason is not None:
                left.append(Left(contact_id, name, reason))
                counts[reason] += 1
                continue
        last_cents, last_on = last_gifts.get(contact_id, (0, None))
        address = addresses.get(contact_id)
        recipients.append(
            Recipient(
                contact_id=contact_id,
                name=name,
                salutation=salutation(contact.kind, contact.civility, contact.last_name),
                civility=contact.civility,
                first_name=contact.first_name,
                last_name=contact.last_name,
                address_lines=postal_lines(contact, address) if address is not None else (),
                postcode=address.postcode if address is not None else "",
                email=emails.get(contact_id, ""),
                segment=segments.get(contact_id, ""),
                last_gift_cents=last_cents,
                last_gift_on=last_on,
                year_total_cents=totals.get(contact_id, 0),
                amount_asked_cents=amount_asked(last_cents, rule),
            )
        )
    return AppealPlan(appeal_id, channel, on, tuple(recipients), tuple(left), dict(counts))


CONTACT_COLUMNS = (
    Contact.id,
    type_coerce(Contact.kind, String).label("kind"),  # plain text: StrEnums compare equal
    Contact.civility,
    Contact.first_name,
    Contact.last_name,
    Contact.organisation_name,
    type_coerce(Contact.status, String).label("status"),
    Contact.restricted,
    Contact.deceased_on,
    Contact.appeals_per_year,
)


def _targeted(
    session: Session, appeal: Appeal, frozen: Target | None
) -> tuple[Target, dict[int, Any]]:
    """The target in its order, and the targeted contacts' names and what exclusions need.

    A saved filter (or everyone) is read once, its query giving the columns directly.
    """
    query = None if frozen else target_query(session, appeal.target_kind, appeal.target)
    if query is None:
        target = frozen or target_ids(session, appeal.target_kind, appeal.target, on=appeal.send_on)
        return target, _contacts(session, target)
    contacts = {row.id: row for row in session.execute(query.with_only_columns(*CONTACT_COLUMNS))}
    return Target(tuple(contacts), {}), contacts


def _contacts(session: Session, target: Target) -> dict[int, Any]:
    statement = select(*CONTACT_COLUMNS).where(Contact.status != ContactStatus.MERGED)
    return {row.id: row for row in target.rows(session, statement, Contact.id)}


def _emails(session: Session, target: Target) -> dict[int, str]:
    found: dict[int, str] = {}
    statement = (
        select(ContactEmail.contact_id, ContactEmail.email)
        .where(ContactEmail.invalid_on.is_(None))  # a bounce marked it invalid
        .order_by(ContactEmail.contact_id, ContactEmail.position)
    )
    for contact_id, address in target.rows(session, statement, ContactEmail.contact_id):
        found.setdefault(contact_id, address)
    return found


class Named(Protocol):
    """What a displayed name is made of (an entity or a row)."""

    @property
    def kind(self) -> str: ...

    @property
    def organisation_name(self) -> str: ...

    @property
    def last_name(self) -> str: ...

    @property
    def first_name(self) -> str: ...


def display_name(contact: Named) -> str:
    """ "DUPONT Jean" or the organisation's name, as the contact list shows it."""
    if contact.kind == ContactKind.ORGANISATION:
        return str(contact.organisation_name)
    return f"{contact.last_name.upper()} {contact.first_name}".strip()


def postal_lines(contact: Any, address: Any) -> tuple[str, ...]:
    """The NF Z10-011 block of `contact` at `address` (entities or rows)."""
    recipient = recipient_line(
        civility=contact.civility,
        first_name=contact.first_name,
        last_name=contact.last_name,
        organisation_name=contact.organisation_name
        if contact.kind == ContactKind.ORGANISATION
        else "",
    )
    parts = AddressParts(
        recipient,
        address.line2,
        address.line3,
        address.line4,
        address.line5,
        address.postcode,
        address.city,
        address.country,
    )
    return tuple(address_block(parts))


def _reason(
    contact: Any,
    consent: str | None,
    *,
    channel: Channel,
    has_address: bool,
    npai: bool,
    has_email: bool,
    caps: PressureCaps,
    pressure: Pressure | None,
    own_limit: bool = True,
) -> str | None:
    if contact.status == ContactStatus.ANONYMISED:
        return "erased"
    if contact.status == ContactStatus.DECEASED or contact.deceased_on is not None:
        return "deceased"
    if contact.restricted:
        return "restricted"
    if channel == Channel.POST:
        if consent in (ConsentStatus.WITHDRAWN, ConsentStatus.OBJECTED):
            return "no_consent"
        if not has_address:
            return "npai" if npai else "no_address"
    else:
        if consent != ConsentStatus.GRANTED:
            return "no_consent"
        if not has_email:
            return "no_email"
    if pressure is not None:
        cap = caps.for_channel(channel)
        if (cap and pressure.on(channel) >= cap) or (caps.total and pressure.total >= caps.total):
            return "pressure"
        limit = contact.appeals_per_year if own_limit else None
        if limit is not None and pressure.appeals >= limit:
            return "own_limit"
    return None


def plan_summary(plan: AppealPlan) -> list[str]:
    """The plan in words: recipients, then those left out by reason, most frequent first."""
    texts = {left.reason: left.reason_text for left in plan.left_out}
    lines = [_("{n} destinataire(s).").format(n=len(plan.recipients))]
    lines += [
        _("Écartés — {reason} : {n}").format(reason=texts[reason], n=count)
        for reason, count in sorted(plan.counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return lines
