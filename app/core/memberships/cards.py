"""Member cards: who gets one (members whose membership is still valid) and what it says.

A card names the member, their number (the contact's number, as in the members list), the
type of their latest membership and the day it ends. By default every member "à jour" or
"à renouveler" at the date gets one (a lapsed member's card would be void); a status or a
type narrows the run. Deceased, erased or merged contacts and those whose processing is
restricted (GDPR art. 18) get none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.core.member_status import MemberStatus, latest_end, status_expression
from app.core.memberships.service import find_type, renewal_days
from app.models import Contact, Membership, MembershipType
from app.models.enums import ContactStatus

VALID = (MemberStatus.CURRENT, MemberStatus.DUE)


@dataclass(frozen=True)
class MemberCard:
    """What one card prints."""

    contact_id: int
    name: str
    type_name: str
    valid_until: date


def member_cards(
    session: Session,
    *,
    on: date,
    status: MemberStatus | None = None,
    type_reference: str | None = None,
) -> list[MemberCard]:
    """The cards of a run, in the members list's order (by name)."""
    latest = latest_end().subquery()
    status_col = status_expression(latest.c.ends_on, on=on, window=renewal_days(session))
    wanted = (status,) if status is not None else VALID
    query = (
        select(Contact, MembershipType.name, latest.c.ends_on)
        .join(latest, latest.c.contact_id == Contact.id)
        .join(
            Membership,
            and_(Membership.contact_id == Contact.id, Membership.ends_on == latest.c.ends_on),
        )
        .join(MembershipType, MembershipType.id == Membership.type_id)
        .where(
            status_col.in_([s.value for s in wanted]),
            Contact.status == ContactStatus.ACTIVE,
            Contact.restricted.is_(False),
        )
        .order_by(Contact.sort_name, Contact.id)
    )
    if type_reference:
        query = query.where(MembershipType.id == find_type(session, type_reference).id)
    return [
        MemberCard(contact.id, contact.display_name, type_name, ends)
        for contact, type_name, ends in session.execute(query)
    ]
