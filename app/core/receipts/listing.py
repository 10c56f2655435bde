"""The receipts list of the GUI: windows of a year's receipts, newest number first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.core.text import fold
from app.models import Contact, Receipt


@dataclass(frozen=True)
class ReceiptRow:
    """One line of the receipts list."""

    id: int
    number: str
    issued_at: datetime
    donor: str
    kind: str
    total_cents: int
    status: str


SORT_COLUMNS = {
    "number": Receipt.sequence,
    "issued": Receipt.issued_at,
    "donor": Contact.sort_name,
    "kind": Receipt.kind,
    "amount": Receipt.total_cents,
    "status": Receipt.status,
}


_Q = TypeVar("_Q")


def _matching(query: _Q, text: str) -> _Q:  # any Select: the where clause keeps its columns
    """Receipts whose number or donor (name, e-mail, town: the contact's search text) match."""
    words = fold(text).split()
    for word in words:
        pattern = f"%{word}%"
        query = query.where(  # type: ignore[attr-defined]
            or_(func.lower(Receipt.number).like(pattern), Contact.search_text.like(pattern))
        )
    return query


def count_receipts(session: Session, year: int, *, text: str = "") -> int:
    """Receipts numbered in `year` (matching `text` when given)."""
    query = select(func.count(Receipt.id)).where(Receipt.year == year)
    if text.strip():
        query = _matching(query.join(Contact, Contact.id == Receipt.contact_id), text)
    return int(session.scalar(query) or 0)


def fetch_receipts(
    session: Session,
    year: int,
    *,
    offset: int,
    limit: int,
    descending: bool = True,
    text: str = "",
    sort: str = "number",
) -> list[ReceiptRow]:
    """A window of the year's receipts, searched and sorted in SQL (by number by default)."""
    column = SORT_COLUMNS.get(sort, Receipt.sequence)
    order: list[Any] = [column.desc() if descending else column.asc(), Receipt.sequence.desc()]
    query = (
        select(
            Receipt.id,
            Receipt.number,
            Receipt.issued_at,
            Contact.kind,
            Contact.first_name,
            Contact.last_name,
            Contact.organisation_name,
            Receipt.kind,
            Receipt.total_cents,
            Receipt.status,
        )
        .join(Contact, Contact.id == Receipt.contact_id)
        .where(Receipt.year == year)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    query = _matching(query, text) if text.strip() else query
    rows = []
    for r in session.execute(query):
        name = r[6] if r[3] == "organisation" else f"{r[5].upper()} {r[4]}".strip()
        rows.append(ReceiptRow(r[0], r[1], r[2], name, str(r[7]), r[8], str(r[9])))
    return rows
