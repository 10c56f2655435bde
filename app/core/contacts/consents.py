"""Consents per channel and purpose: append-only history, current status, who may be contacted.

A withdrawal or an objection never deletes a grant: each is a new ConsentEvent, and the
current status of (contact, channel, purpose) is the status of its latest event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound
from app.i18n import _
from app.models import ConsentEvent, Contact, ContactEmail, ContactPhone, PostalAddress
from app.models.enums import Channel, ConsentStatus, ContactStatus

DEFAULT_PURPOSE = "solicitation"
# Channels where an association may write to donors without prior opt-in (postal mail
# under legitimate interest, CNIL); electronic channels need a grant (L.34-5 CPCE).
OPT_OUT_CHANNELS = frozenset({Channel.POST})


@dataclass(frozen=True)
class ConsentState:
    """The current status of one channel and purpose for a contact."""

    channel: Channel
    purpose: str
    status: ConsentStatus | None  # None: never recorded
    since: datetime | None


def record_consent(
    session: Session,
    *,
    contact_id: int,
    channel: Channel,
    status: ConsentStatus,
    occurred_at: datetime,
    purpose: str = DEFAULT_PURPOSE,
    source: str = "",
    proof_text: str = "",
) -> ConsentEvent:
    """Append a grant, withdrawal or objection with its proof (never edits history)."""
    require(session, Permission.CONTACTS_WRITE)
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    if contact.status == ContactStatus.ANONYMISED:
        raise Conflict(_("Ce contact a été anonymisé : aucun consentement ne peut être ajouté."))
    event = ConsentEvent(
        contact_id=contact_id,
        channel=channel,
        purpose=purpose,
        status=status,
        occurred_at=occurred_at,
        source=source,
        proof_text=proof_text,
        recorded_by=str(session.info.get("user", "")),
    )
    session.add(event)
    session.flush()
    return event


def _latest_events() -> Select[int, Channel, str, ConsentStatus, datetime]:
    """Latest event per (contact, channel, purpose), as a subquery-ready select."""
    newer = aliased(ConsentEvent)
    later_exists = exists().where(
        newer.contact_id == ConsentEvent.contact_id,
        newer.channel == ConsentEvent.channel,
        newer.purpose == ConsentEvent.purpose,
        (newer.occurred_at > ConsentEvent.occurred_at)
        | (and_(newer.occurred_at == ConsentEvent.occurred_at, newer.id > ConsentEvent.id)),
    )
    return select(
        ConsentEvent.contact_id,
        ConsentEvent.channel,
        ConsentEvent.purpose,
        ConsentEvent.status,
        ConsentEvent.occurred_at,
    ).where(~later_exists)


def current_consents(session: Session, contact_id: int) -> list[ConsentState]:
    """Status of every channel for the default purpose and any other recorded purpose."""
    rows = session.execute(_latest_events().where(ConsentEvent.contact_id == contact_id)).all()
    found = {(Channel(r.channel), r.purpose): r for r in rows}
    purposes = {DEFAULT_PURPOSE} | {purpose for _channel, purpose in found}
    states = []
    for purpose in sorted(purposes):
        for channel in Channel:
            row = found.get((channel, purpose))
            states.append(
                ConsentState(
                    channel,
                    purpose,
                    ConsentStatus(row.status) if row else None,
                    row.occurred_at if row else None,
                )
            )
    return states


def consent_history(session: Session, contact_id: int) -> list[ConsentEvent]:
    """Every event of a contact, newest first (the proof)."""
    return list(
        session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.contact_id == contact_id)
            .order_by(ConsentEvent.occurred_at.desc(), ConsentEvent.id.desc())
        )
    )


def contactable_query(channel: Channel, purpose: str = DEFAULT_PURPOSE) -> Select[int]:
    """Ids of contacts we may reach on `channel` for `purpose`.

    Excludes contacts that are not active, restricted (GDPR Art. 18) or have no usable
    channel (no e-mail, no phone, or only NPAI postal addresses). Electronic channels need a
    current grant; post is allowed unless the latest event is a withdrawal or objection.
    """
    latest = (
        _latest_events()
        .where(ConsentEvent.channel == channel, ConsentEvent.purpose == purpose)
        .subquery()
    )
    query = select(Contact.id).where(
        Contact.status == ContactStatus.ACTIVE, Contact.restricted.is_(False)
    )
    if channel in OPT_OUT_CHANNELS:
        refused = select(latest.c.contact_id).where(latest.c.status != ConsentStatus.GRANTED)
        query = query.where(Contact.id.not_in(refused))
    else:
        granted = select(latest.c.contact_id).where(latest.c.status == ConsentStatus.GRANTED)
        query = query.where(Contact.id.in_(granted))
    return query.where(_has_channel(channel))


def _has_channel(channel: Channel):  # type: ignore[no-untyped-def]
    if channel == Channel.POST:
        return exists().where(
            PostalAddress.contact_id == Contact.id,
            PostalAddress.npai.is_(False),
            PostalAddress.postcode != "",
        )
    if channel == Channel.EMAIL:
        return exists().where(ContactEmail.contact_id == Contact.id)
    return exists().where(ContactPhone.contact_id == Contact.id)


def count_contactable(session: Session, channel: Channel, purpose: str = DEFAULT_PURPOSE) -> int:
    """How many contacts may be reached on `channel` for `purpose`."""
    return int(
        session.scalar(
            select(func.count()).select_from(contactable_query(channel, purpose).subquery())
        )
        or 0
    )
