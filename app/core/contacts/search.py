"""The contact list's query: search-as-you-type, filters and sorting, all in SQL.

Search matches every typed token against the start of a word of `Contact.search_text`
(folded: lowercase, no accents), so "helene" finds "Hélène" and "dupont jp" finds
"DUPONT Jean-Pierre" (initials of compound first names are indexed). Rows are fetched by
windows (LIMIT/OFFSET) so the list never loads 100,000 contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ScalarSelect, Select, and_, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.contacts.consents import DEFAULT_PURPOSE, _latest_events
from app.core.member_status import DEFAULT_RENEWAL_DAYS, MemberStatus, contacts_with_status
from app.core.text import search_tokens
from app.models import (
    ConsentEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    Gift,
    PostalAddress,
    contact_tags,
)
from app.models.enums import Channel, ContactKind, ContactStatus


class ContactSort(StrEnum):
    """Columns the list can be sorted by (all sorted in SQL)."""

    NAME = "name"
    POSTCODE = "postcode"
    CITY = "city"
    LAST_GIFT = "last_gift"
    CREATED = "created"


@dataclass(frozen=True)
class ContactFilter:
    """What the user typed and picked above the contact list."""

    text: str = ""
    tag_id: int | None = None
    npai: bool | None = None
    consent_channel: Channel | None = None
    consent_status: str | None = None  # "granted" | "withdrawn" | "objected" | "none"
    donor: bool | None = None
    last_gift_year: int | None = None
    campaign_id: int | None = None
    kind: ContactKind | None = None
    ids: tuple[int, ...] | None = None  # an explicit list (e.g. from a quality report)
    member_status: str | None = None  # "current" | "due" | "lapsed" | "none" (memberships)
    member_on: date | None = None  # the day the status is computed for (today)
    member_window: int = DEFAULT_RENEWAL_DAYS
    sort: ContactSort = ContactSort.NAME
    descending: bool = False


@dataclass(frozen=True)
class ContactRow:
    """One line of the contact list (plain data, safe to pass between threads)."""

    id: int
    kind: str
    name: str
    email: str
    phone: str
    postcode: str
    city: str
    npai: bool
    last_gift: date | None
    restricted: bool


def _primary_address_column(column: InstrumentedAttribute[str]) -> ScalarSelect[str]:
    return (
        select(column)
        .where(PostalAddress.contact_id == Contact.id)
        .order_by(PostalAddress.is_primary.desc(), PostalAddress.id)
        .limit(1)
        .scalar_subquery()
    )


def _last_gift_column() -> ScalarSelect[date]:
    return select(func.max(Gift.received_on)).where(Gift.contact_id == Contact.id).scalar_subquery()


def _text_condition(text: str):  # type: ignore[no-untyped-def]
    """Short tokens match the start of a word ("jp"), longer ones anywhere ("gmail")."""
    padded = " " + Contact.search_text
    return and_(
        *(
            padded.like(f"% {token}%") if len(token) <= 2 else Contact.search_text.contains(token)
            for token in search_tokens(text)
        )
    )


def _consent_condition(channel: Channel, status: str):  # type: ignore[no-untyped-def]
    latest = (
        _latest_events()
        .where(ConsentEvent.channel == channel, ConsentEvent.purpose == DEFAULT_PURPOSE)
        .subquery()
    )
    if status == "none":
        return ~Contact.id.in_(select(latest.c.contact_id))
    return Contact.id.in_(select(latest.c.contact_id).where(latest.c.status == status))


def _conditions(spec: ContactFilter) -> list:  # type: ignore[type-arg]
    conditions = [Contact.status != ContactStatus.MERGED]
    if spec.text.strip():
        conditions.append(_text_condition(spec.text))
    if spec.ids is not None:
        conditions.append(Contact.id.in_(spec.ids))
    if spec.kind is not None:
        conditions.append(Contact.kind == spec.kind)
    if spec.tag_id is not None:
        conditions.append(
            exists().where(
                contact_tags.c.contact_id == Contact.id, contact_tags.c.tag_id == spec.tag_id
            )
        )
    if spec.npai is not None:
        npai = exists().where(PostalAddress.contact_id == Contact.id, PostalAddress.npai.is_(True))
        conditions.append(npai if spec.npai else ~npai)
    if spec.donor is not None:
        gives = exists().where(Gift.contact_id == Contact.id)
        conditions.append(gives if spec.donor else ~gives)
    if spec.last_gift_year is not None:
        year_start, next_year = date(spec.last_gift_year, 1, 1), date(spec.last_gift_year + 1, 1, 1)
        conditions.append(
            exists().where(
                Gift.contact_id == Contact.id,
                Gift.received_on >= year_start,
                Gift.received_on < next_year,
            )
        )
        conditions.append(
            ~exists().where(Gift.contact_id == Contact.id, Gift.received_on >= next_year)
        )
    if spec.campaign_id is not None:
        conditions.append(
            exists().where(Gift.contact_id == Contact.id, Gift.campaign_id == spec.campaign_id)
        )
    if spec.consent_channel is not None and spec.consent_status:
        conditions.append(_consent_condition(spec.consent_channel, spec.consent_status))
    if spec.member_status:
        on = spec.member_on or date.today()
        status = MemberStatus(spec.member_status)
        conditions.append(
            Contact.id.in_(contacts_with_status(status, on=on, window=spec.member_window))
        )
    return conditions


def _order_by(spec: ContactFilter) -> list:  # type: ignore[type-arg]
    column = {
        ContactSort.NAME: Contact.sort_name,
        ContactSort.POSTCODE: _primary_address_column(PostalAddress.postcode),
        ContactSort.CITY: _primary_address_column(PostalAddress.city),
        ContactSort.LAST_GIFT: _last_gift_column(),
        ContactSort.CREATED: Contact.created_at,
    }[spec.sort]
    if spec.sort == ContactSort.NAME and (spec.text.strip() or spec.ids is not None):
        # A selective search is faster filtered first then sorted than read in index order
        # (which tests every row until the window is full): hide the index from the planner.
        column = Contact.sort_name.concat("")
    ordered = column.desc() if spec.descending else column.asc()
    return [ordered, Contact.id.desc() if spec.descending else Contact.id.asc()]


def ids_query(spec: ContactFilter) -> Select[int]:
    """Ids of the contacts matching `spec`, sorted (used by exports and mailings)."""
    return select(Contact.id).where(*_conditions(spec)).order_by(*_order_by(spec))


def count_contacts(session: Session, spec: ContactFilter) -> int:
    """How many contacts match `spec`."""
    return int(session.scalar(select(func.count(Contact.id)).where(*_conditions(spec))) or 0)


def fetch_window(
    session: Session, spec: ContactFilter, *, offset: int, limit: int
) -> list[ContactRow]:
    """Rows `offset` to `offset + limit` of the sorted, filtered list."""
    page = ids_query(spec).offset(offset).limit(limit).subquery()
    return fetch_rows(session, list(session.scalars(select(page.c.id))))


def fetch_rows(session: Session, ids: list[int]) -> list[ContactRow]:
    """Display rows for `ids`, in the same order."""
    if not ids:
        return []
    email = (
        select(ContactEmail.email)
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(ContactEmail.position, ContactEmail.id)
        .limit(1)
        .scalar_subquery()
    )
    phone = (
        select(ContactPhone.number)
        .where(ContactPhone.contact_id == Contact.id)
        .order_by(ContactPhone.position, ContactPhone.id)
        .limit(1)
        .scalar_subquery()
    )
    npai = exists().where(PostalAddress.contact_id == Contact.id, PostalAddress.npai.is_(True))
    query = select(
        Contact.id,
        Contact.kind,
        Contact.civility,
        Contact.first_name,
        Contact.last_name,
        Contact.organisation_name,
        email,
        phone,
        _primary_address_column(PostalAddress.postcode),
        _primary_address_column(PostalAddress.city),
        npai,
        _last_gift_column(),
        Contact.restricted,
    ).where(Contact.id.in_(ids))
    rows = {}
    for r in session.execute(query):
        name = (
            r[5]
            if r[1] == ContactKind.ORGANISATION
            else " ".join(p for p in (r[4].upper(), r[3]) if p)
        )
        rows[r[0]] = ContactRow(
            r[0],
            str(r[1]),
            name,
            r[6] or "",
            r[7] or "",
            r[8] or "",
            r[9] or "",
            bool(r[10]),
            r[11],
            bool(r[12]),
        )
    return [rows[i] for i in ids if i in rows]
