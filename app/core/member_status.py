"""A member's status at a date, from the end of their latest membership (SQL and Python).

Kept apart from app.core.memberships.service so that the contact search can filter on it without
importing the membership services.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, func, select

from app.models import Contact, Membership

DEFAULT_RENEWAL_DAYS = 30


class MemberStatus(StrEnum):
    CURRENT = "current"
    DUE = "due"
    LAPSED = "lapsed"
    NONE = "none"


def latest_end() -> Select[int, date]:
    """Each member's latest membership end (a subquery for lists and counts)."""
    return select(Membership.contact_id, func.max(Membership.ends_on).label("ends_on")).group_by(
        Membership.contact_id
    )


def status_expression(ends_on: ColumnElement[date], *, on: date, window: int) -> ColumnElement[str]:
    """SQL CASE giving a member's status from the latest end (NULL end: never a member)."""
    return case(
        (ends_on.is_(None), MemberStatus.NONE.value),
        (ends_on < on, MemberStatus.LAPSED.value),
        (ends_on < on + timedelta(days=window), MemberStatus.DUE.value),
        else_=MemberStatus.CURRENT.value,
    )


def status_of(ends_on: date | None, *, on: date, window: int) -> MemberStatus:
    """The same rule in Python, for one contact."""
    if ends_on is None:
        return MemberStatus.NONE
    if ends_on < on:
        return MemberStatus.LAPSED
    if ends_on < on + timedelta(days=window):
        return MemberStatus.DUE
    return MemberStatus.CURRENT


def contacts_with_status(status: MemberStatus, *, on: date, window: int) -> Select[int]:
    """Ids of the contacts whose status is `status` at `on` (for the contact list filter)."""
    latest = latest_end().subquery()
    if status == MemberStatus.NONE:
        return select(Contact.id).where(~Contact.id.in_(select(latest.c.contact_id)))
    return select(latest.c.contact_id).where(
        status_expression(latest.c.ends_on, on=on, window=window) == status.value
    )
