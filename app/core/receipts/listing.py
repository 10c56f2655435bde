"""The receipts list of the GUI: windows of a year's receipts, newest number first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def count_receipts(session: Session, year: int) -> int:
    """Receipts numbered in `year`."""
    return int(session.scalar(select(func.count(Receipt.id)).where(Receipt.year == year)) or 0)


def fetch_receipts(
    session: Session, year: int, *, offset: int, limit: int, descending: bool = True
) -> list[ReceiptRow]:
    """A window of the year's receipts ordered by number."""
    order = Receipt.sequence.desc() if descending else Receipt.sequence.asc()
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
        .order_by(order)
        .offset(offset)
        .limit(limit)
    )
    rows = []
    for r in session.execute(query):
        name = r[6] if r[3] == "organisation" else f"{r[5].upper()} {r[4]}".strip()
        rows.append(ReceiptRow(r[0], r[1], r[2], name, str(r[7]), r[8], str(r[9])))
    return rows
