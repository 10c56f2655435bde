"""For auditors and the tax office: the number log and the art. 222 bis declaration figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.models import Contact, Receipt
from app.models.enums import ReceiptKind, ReceiptStatus


@dataclass(frozen=True)
class NumberLogLine:
    """One number of the year's series."""

    number: str
    issued_at: datetime
    donor: str
    kind: str
    total_cents: int
    status: str  # issued | cancelled
    cancelled_at: datetime | None
    cancel_reason: str
    replaces: str
    replaced_by: str


@dataclass(frozen=True)
class Declaration:
    """Art. 222 bis CGI: number of documents issued and total amount for the year."""

    year: int
    receipts: int
    total_cents: int
    cancelled: int
    individual_receipts: int
    company_receipts: int


def number_log(session: Session, year: int) -> list[NumberLogLine]:
    """Every number of `year`, in order, with its status and links."""
    replaced = aliased(Receipt)
    replacing = aliased(Receipt)
    query = (
        select(
            Receipt,
            Contact.kind,
            Contact.first_name,
            Contact.last_name,
            Contact.organisation_name,
            replaced.number,
            replacing.number,
        )
        .join(Contact, Contact.id == Receipt.contact_id)
        .outerjoin(replaced, replaced.id == Receipt.replaces_id)
        .outerjoin(replacing, replacing.replaces_id == Receipt.id)
        .where(Receipt.year == year)
        .order_by(Receipt.sequence)
    )
    lines = []
    for receipt, kind, first, last, organisation, replaces, replaced_by in session.execute(query):
        donor = organisation if kind == "organisation" else f"{last.upper()} {first}".strip()
        lines.append(
            NumberLogLine(
                receipt.number,
                receipt.issued_at,
                donor,
                str(receipt.kind),
                receipt.total_cents,
                str(receipt.status),
                receipt.cancelled_at,
                receipt.cancel_reason,
                replaces or "",
                replaced_by or "",
            )
        )
    return lines


def gaps(session: Session, year: int) -> list[int]:
    """Sequence numbers missing in `year` (should always be empty)."""
    sequences = list(
        session.scalars(
            select(Receipt.sequence).where(Receipt.year == year).order_by(Receipt.sequence)
        )
    )
    expected = set(range(1, (sequences[-1] if sequences else 0) + 1))
    return sorted(expected - set(sequences))


def declaration(session: Session, year: int) -> Declaration:
    """Figures for the art. 222 bis declaration: valid receipts for gifts of `year`."""
    valid = Receipt.status == ReceiptStatus.ISSUED
    row = session.execute(
        select(func.count(Receipt.id), func.coalesce(func.sum(Receipt.total_cents), 0)).where(
            Receipt.year == year, valid
        )
    ).one()
    by_kind = dict(
        session.execute(
            select(Receipt.kind, func.count(Receipt.id))
            .where(Receipt.year == year, valid)
            .group_by(Receipt.kind)
        ).all()
    )
    cancelled = (
        session.scalar(
            select(func.count(Receipt.id)).where(
                Receipt.year == year, Receipt.status == ReceiptStatus.CANCELLED
            )
        )
        or 0
    )
    return Declaration(
        year,
        int(row[0]),
        int(row[1]),
        int(cancelled),
        int(by_kind.get(ReceiptKind.INDIVIDUAL, 0)),
        int(by_kind.get(ReceiptKind.COMPANY, 0)),
    )
