"""Thank-yous: every gift not yet thanked, a batch of letters, and how long thanks take."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core.appeals.preparation import display_name, postal_lines, salutation
from app.core.infrastructure.permissions import Permission, require
from app.models import Contact, Gift, PostalAddress
from app.models.enums import ContactStatus


@dataclass(frozen=True)
class GiftToThank:
    """A gift received and not thanked yet, with what the letter needs."""

    gift_id: int
    contact_id: int
    name: str
    salutation: str
    civility: str
    first_name: str
    last_name: str
    address_lines: tuple[str, ...]
    amount_cents: int
    received_on: date


def gifts_to_thank(session: Session, *, since: date | None = None) -> list[GiftToThank]:
    """Gifts not thanked (failed payments and erased or deceased donors aside), oldest first."""
    query = (
        select(Gift, Contact)
        .join(Contact, Contact.id == Gift.contact_id)
        .where(
            Gift.thanked_on.is_(None),
            Gift.failed_on.is_(None),
            Contact.status == ContactStatus.ACTIVE,
            Contact.deceased_on.is_(None),
        )
        .order_by(Gift.received_on, Gift.id)
    )
    if since is not None:
        query = query.where(Gift.received_on >= since)
    primary = {
        a.contact_id: a
        for a in session.scalars(
            select(PostalAddress).where(PostalAddress.is_primary, PostalAddress.npai.is_(False))
        )
    }
    found = []
    for gift, contact in session.execute(query).all():
        address = primary.get(contact.id)
        lines = postal_lines(contact, address) if address is not None else ()
        found.append(
            GiftToThank(
                gift.id,
                contact.id,
                display_name(contact),
                salutation(contact.kind, contact.civility, contact.last_name),
                contact.civility,
                contact.first_name,
                contact.last_name,
                lines,
                gift.amount_cents,
                gift.received_on,
            )
        )
    return found


def mark_thanked(session: Session, gift_ids: Iterable[int], *, on: date) -> None:
    """Record the thank-you letters as sent on `on`."""
    require(session, Permission.CONTACTS_WRITE)
    ids = list(gift_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            update(Gift).where(Gift.id.in_(ids[start : start + 500])).values(thanked_on=on)
        )


def average_days_to_thank(session: Session, year: int) -> float | None:
    """Average days between a gift of `year` and its thank-you (None when none was thanked)."""
    rows = session.execute(
        select(Gift.received_on, Gift.thanked_on).where(
            Gift.thanked_on.is_not(None),
            Gift.received_on >= date(year, 1, 1),
            Gift.received_on <= date(year, 12, 31),
        )
    ).all()
    if not rows:
        return None
    days = [(thanked - received).days for received, thanked in rows if thanked is not None]
    return sum(days) / len(days) if days else None


def count_to_thank(session: Session) -> int:
    """How many gifts wait for their thank-you."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Gift)
            .where(Gift.thanked_on.is_(None), Gift.failed_on.is_(None))
        )
        or 0
    )
