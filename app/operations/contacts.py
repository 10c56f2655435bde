"""Contact actions shared by the GUI and the CLI: load a contact's file, save the form,
record a consent, the lookups and saved filters of the contact list.

The contact's file carries what the form shows besides the identity: gifts, receipts,
journal, consents and the solicitation pressure over the rolling 12 months (the rule of
`app.core.appeals.pressure`, the one appeals use to leave over-solicited people out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.appeals.pressure import Pressure, PressureCaps, contact_pressure, load_caps
from app.core.clock import today
from app.core.contacts.consents import ConsentState, consent_history, current_consents
from app.core.contacts.consents import record_consent as record_consent_event
from app.core.contacts.editing import (
    ContactDraft,
    all_tags,
    create_contact,
    draft_from_contact,
    get_contact,
    update_contact,
    validate_draft,
)
from app.core.gifts.recording import campaigns
from app.core.infrastructure.permissions import Permission
from app.core.memberships.service import renewal_days
from app.core.saved_filters import list_filters, save_filter
from app.errors import ValidationError
from app.i18n import _
from app.models import AuditEvent, Campaign, Gift, Receipt
from app.models.enums import Channel, ConsentStatus, PaymentMethod
from app.operations.base import Change, OperationContext, Outcome, check_permission

HISTORY_LIMIT = 500
# What the donor asked for: at most this many appeals over 12 months (None: the
# association's caps only). Respected by appeal preparation (app.core.appeals.preparation).
APPEALS_PER_YEAR_CHOICES = (None, 1, 2)


@dataclass(frozen=True)
class GiftLine:
    """One of the contact's gifts, as the form lists it."""

    received_on: date
    amount_cents: int
    method: PaymentMethod
    campaign: str
    receipt: str


@dataclass(frozen=True)
class ReceiptLine:
    """One of the contact's receipts."""

    receipt_id: int
    number: str
    issued_at: datetime
    total_cents: int
    cancelled: bool


@dataclass(frozen=True)
class JournalLine:
    """One journal row about the contact (put in words by app.core.contacts.history)."""

    at: datetime
    user: str
    action: str
    entity: str
    field: str
    old: str | None
    new: str | None
    note: str


@dataclass(frozen=True)
class ConsentLine:
    """One consent event with its proof."""

    occurred_at: datetime
    channel: Channel
    status: ConsentStatus
    source: str
    proof_text: str
    recorded_by: str


@dataclass(frozen=True)
class ContactRelated:
    """What the form's other tabs show."""

    gifts: tuple[GiftLine, ...]
    receipts: tuple[ReceiptLine, ...]
    history: tuple[JournalLine, ...]
    consents: tuple[ConsentState, ...]
    consent_events: tuple[ConsentLine, ...]
    pressure: Pressure
    caps: PressureCaps


@dataclass(frozen=True)
class LoadedContact:
    """A contact as its form shows it."""

    contact_id: int
    draft: ContactDraft
    npai_on: date | None
    appeals_per_year: int | None
    related: ContactRelated
    # e-mail addresses that came back (a bounce): address, since when, why
    invalid_emails: tuple[tuple[str, date, str], ...] = ()


@dataclass(frozen=True)
class SavedContact:
    """A contact saved, or the problems (each naming its field) that kept it from saving."""

    contact_id: int | None
    created: bool = False
    problems: tuple[ValidationError, ...] = ()


@dataclass(frozen=True)
class ContactLookups:
    """The choices of the contact list's filters."""

    tags: tuple[tuple[int, str], ...]
    campaigns: tuple[tuple[int, str], ...]
    renewal_days: int


def _related(session: Session, contact_id: int, day: date) -> ContactRelated:
    gifts = session.execute(
        select(
            Gift.received_on, Gift.amount_cents, Gift.payment_method, Campaign.code, Receipt.number
        )
        .outerjoin(Campaign, Campaign.id == Gift.campaign_id)
        .outerjoin(Receipt, Receipt.id == Gift.receipt_id)
        .where(Gift.contact_id == contact_id)
        .order_by(Gift.received_on.desc())
    ).all()
    receipts = session.execute(
        select(Receipt.id, Receipt.number, Receipt.issued_at, Receipt.total_cents, Receipt.status)
        .where(Receipt.contact_id == contact_id)
        .order_by(Receipt.issued_at.desc())
    ).all()
    history = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.contact_id == contact_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return ContactRelated(
        gifts=tuple(GiftLine(g[0], g[1], g[2], g[3] or "", g[4] or "") for g in gifts),
        receipts=tuple(ReceiptLine(r[0], r[1], r[2], r[3], r[4] == "cancelled") for r in receipts),
        history=tuple(
            JournalLine(e.at, e.user, str(e.action), e.entity, e.field, e.old, e.new, e.note)
            for e in history
        ),
        consents=tuple(current_consents(session, contact_id)),
        consent_events=tuple(
            ConsentLine(e.occurred_at, e.channel, e.status, e.source, e.proof_text, e.recorded_by)
            for e in consent_history(session, contact_id)
        ),
        pressure=contact_pressure(session, contact_id, on=day),
        caps=load_caps(session),
    )


def load_contact(ctx: OperationContext, contact_id: int) -> Outcome[LoadedContact]:
    """A contact for its form, with its gifts, receipts, journal, consents and pressure."""
    check_permission(ctx, Permission.CONTACTS_READ)
    day = today(ctx.database.clock)
    with ctx.database.read() as session:
        contact = get_contact(session, contact_id)
        address = contact.primary_address
        return Outcome(
            LoadedContact(
                contact_id,
                draft_from_contact(contact),
                address.npai_on if address is not None else None,
                contact.appeals_per_year,
                _related(session, contact_id, day),
                tuple(
                    (e.email, e.invalid_on, e.invalid_reason)
                    for e in contact.emails
                    if e.invalid_on is not None
                ),
            )
        )


def contact_related(ctx: OperationContext, contact_id: int) -> Outcome[ContactRelated]:
    """The form's other tabs again (after a consent or a gift was recorded)."""
    check_permission(ctx, Permission.CONTACTS_READ)
    with ctx.database.read() as session:
        return Outcome(_related(session, contact_id, today(ctx.database.clock)))


def save_contact(
    ctx: OperationContext,
    draft: ContactDraft,
    *,
    contact_id: int | None = None,
    appeals_per_year: int | None = None,
) -> Outcome[SavedContact]:
    """Validate and save a contact in one transaction; nothing is saved when a field is wrong.

    `appeals_per_year` is the donor's own limit ("one appeal a year"); None lifts it.
    """
    check_permission(ctx, Permission.CONTACTS_WRITE)
    if appeals_per_year is not None and not 1 <= appeals_per_year <= 12:
        raise ValidationError(
            _("Appels par an : un nombre entre 1 et 12 est attendu."), field="appeals_per_year"
        )
    day = today(ctx.database.clock)
    problems = validate_draft(draft, today=day)
    if problems:
        return Outcome(SavedContact(contact_id, problems=tuple(problems)))
    with ctx.database.write() as session:
        if contact_id is None:
            contact = create_contact(session, draft, today=day)
        else:
            contact = update_contact(session, contact_id, draft, today=day)
        if contact.appeals_per_year != appeals_per_year:
            contact.appeals_per_year = appeals_per_year
            session.flush()
        saved = SavedContact(contact.id, created=contact_id is None)
    return Outcome(saved, frozenset({Change.CONTACTS}))


def record_consent(
    ctx: OperationContext,
    contact_id: int,
    *,
    channel: Channel,
    status: ConsentStatus,
    source: str,
    proof_text: str = "",
) -> Outcome[None]:
    """Append a grant, withdrawal or objection with its proof (the history is never edited)."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        record_consent_event(
            session,
            contact_id=contact_id,
            channel=channel,
            status=status,
            occurred_at=ctx.database.clock.now(),
            source=source,
            proof_text=proof_text,
        )
    return Outcome(None, frozenset({Change.CONSENTS, Change.CONTACTS}))


def contact_lookups(ctx: OperationContext) -> Outcome[ContactLookups]:
    """Tags, campaigns and the membership renewal window, for the list's filters."""
    with ctx.database.read() as session:
        return Outcome(
            ContactLookups(
                tuple(all_tags(session)), tuple(campaigns(session)), renewal_days(session)
            )
        )


def saved_filters(ctx: OperationContext, scope: str) -> Outcome[list[tuple[str, dict[str, Any]]]]:
    """The filters saved for a list (name, values), by name."""
    with ctx.database.read() as session:
        return Outcome(list_filters(session, scope))


def keep_filter(
    ctx: OperationContext, *, scope: str, name: str, spec: dict[str, Any]
) -> Outcome[None]:
    """Save the current search and filters of a list under a name."""
    check_permission(ctx, Permission.CONTACTS_READ)
    with ctx.database.write() as session:
        save_filter(session, scope=scope, name=name, spec=spec)
    return Outcome(None, frozenset({Change.SETTINGS}))  # lists and appeal targets reload
