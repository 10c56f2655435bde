"""The gift list's query: filters, totals and sorted windows, all in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.models import Campaign, Contact, Gift, Receipt
from app.models.enums import ContactKind, PaymentMethod


class GiftSort(StrEnum):
    """Sortable columns."""

    DATE = "date"
    AMOUNT = "amount"
    DONOR = "donor"


@dataclass(frozen=True)
class GiftFilter:
    """Filters above the gift list."""

    date_from: date | None = None
    date_to: date | None = None
    campaign_id: int | None = None
    method: PaymentMethod | None = None
    receipted: bool | None = None
    contact_id: int | None = None
    deposit_slip: str = ""
    sort: GiftSort = GiftSort.DATE
    descending: bool = True


@dataclass(frozen=True)
class GiftRow:
    """One line of the gift list."""

    id: int
    received_on: date
    contact_id: int
    donor: str
    amount_cents: int
    method: str
    campaign: str
    receipt_number: str
    deposit_slip: str


@dataclass(frozen=True)
class GiftTotals:
    """Count and sum of the filtered gifts."""

    count: int
    total_cents: int


def _conditions(spec: GiftFilter) -> list:  # type: ignore[type-arg]
    conditions = []
    if spec.date_from:
        conditions.append(Gift.received_on >= spec.date_from)
    if spec.date_to:
        conditions.append(Gift.received_on <= spec.date_to)
    if spec.campaign_id is not None:
        conditions.append(Gift.campaign_id == spec.campaign_id)
    if spec.method is not None:
        conditions.append(Gift.payment_method == spec.method)
    if spec.receipted is not None:
        conditions.append(
            Gift.receipt_id.is_not(None) if spec.receipted else Gift.receipt_id.is_(None)
        )
    if spec.contact_id is not None:
        conditions.append(Gift.contact_id == spec.contact_id)
    if spec.deposit_slip:
        conditions.append(Gift.deposit_slip == spec.deposit_slip)
    return conditions


def totals(session: Session, spec: GiftFilter) -> GiftTotals:
    """How many gifts match and their sum."""
    row = session.execute(
        select(func.count(Gift.id), func.coalesce(func.sum(Gift.amount_cents), 0)).where(
            *_conditions(spec)
        )
    ).one()
    return GiftTotals(int(row[0]), int(row[1]))


def ids_query(spec: GiftFilter) -> Select[int]:
    """Sorted ids of the matching gifts."""
    column: ColumnElement[Any] | InstrumentedAttribute[Any] = {
        GiftSort.DATE: Gift.received_on,
        GiftSort.AMOUNT: Gift.amount_cents,
        GiftSort.DONOR: Gift.contact_id,
    }[spec.sort]
    if spec.sort == GiftSort.DONOR:
        column = select(Contact.sort_name).where(Contact.id == Gift.contact_id).scalar_subquery()
    order = [column.desc(), Gift.id.desc()] if spec.descending else [column.asc(), Gift.id.asc()]
    return select(Gift.id).where(*_conditions(spec)).order_by(*order)


def fetch_window(session: Session, spec: GiftFilter, *, offset: int, limit: int) -> list[GiftRow]:
    """Rows `offset` to `offset + limit`."""
    ids = list(session.scalars(ids_query(spec).offset(offset).limit(limit)))
    return fetch_rows(session, ids)


def fetch_rows(session: Session, ids: list[int]) -> list[GiftRow]:
    """Display rows for `ids`, in the same order."""
    if not ids:
        return []
    query = (
        select(
            Gift.id,
            Gift.received_on,
            Gift.contact_id,
            Contact.kind,
            Contact.first_name,
            Contact.last_name,
            Contact.organisation_name,
            Gift.amount_cents,
            Gift.payment_method,
            Campaign.code,
            Receipt.number,
            Gift.deposit_slip,
        )
        .join(Contact, Contact.id == Gift.contact_id)
        .outerjoin(Campaign, Campaign.id == Gift.campaign_id)
        .outerjoin(Receipt, Receipt.id == Gift.receipt_id)
        .where(Gift.id.in_(ids))
    )
    rows = {}
    for r in session.execute(query):
        donor = (
            r[6]
            if r[3] == ContactKind.ORGANISATION
            else " ".join(p for p in (r[5].upper(), r[4]) if p)
        )
        rows[r[0]] = GiftRow(
            r[0], r[1], r[2], donor, r[7], str(r[8]), r[9] or "", r[10] or "", r[11]
        )
    return [rows[i] for i in ids if i in rows]
