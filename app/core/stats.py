"""Dashboard figures, all computed in SQL (GROUP BY), fast at 100,000 contacts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from app.core.gdpr.requests import requests_due
from app.core.memberships.service import members_per_type
from app.models import Campaign, Gift, Receipt
from app.models.enums import ReceiptStatus


@dataclass(frozen=True)
class YearFigures:
    """Totals of one year."""

    year: int
    donors: int
    gifts: int
    amount_cents: int
    average_cents: int
    median_cents: int
    by_month_cents: tuple[int, ...]  # 12 values
    donors_by_month: tuple[int, ...]


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows."""

    current: YearFigures
    previous: YearFigures
    retention_rate: float  # donors of N-1 who gave again in N
    new_donors: int
    lapsed_donors: int
    by_method: dict[str, int] = field(default_factory=dict)
    by_campaign: dict[str, int] = field(default_factory=dict)
    requests_overdue: int = 0
    requests_due_soon: int = 0
    receipts_issued: int = 0
    receipts_amount_cents: int = 0
    to_receipt_gifts: int = 0
    to_receipt_cents: int = 0
    members_by_type: dict[str, int] = field(default_factory=dict)


def _year(gift_year: int):  # type: ignore[no-untyped-def]
    # A failed payment (returned direct debit, bounced cheque) raised nothing.
    return (
        (Gift.received_on >= date(gift_year, 1, 1))
        & (Gift.received_on <= date(gift_year, 12, 31))
        & Gift.failed_on.is_(None)
    )


def median_cents(session: Session, year: int) -> int:
    """Median gift of the year, from the (few) distinct amounts and their counts."""
    counts = session.execute(
        select(Gift.amount_cents, func.count())
        .where(_year(year))
        .group_by(Gift.amount_cents)
        .order_by(Gift.amount_cents)
    ).all()
    total = sum(n for _amount, n in counts)
    if not total:
        return 0
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for amount, n in counts:
        while middle and middle[0] < seen + n:
            found.append(amount)
            middle.pop(0)
        seen += n
    return sum(found) // len(found)


def _month(value: object) -> int:
    """Month of a date read raw from the driver (SQLite gives 'YYYY-MM-DD', PostgreSQL a date)."""
    return value.month if isinstance(value, date) else int(str(value)[5:7])


@dataclass
class _YearScan:
    """What one pass over a year's gifts gives (aggregated in Python, not with 20 queries)."""

    donors: set[int] = field(default_factory=set)
    gifts: int = 0
    monthly: list[int] = field(default_factory=lambda: [0] * 12)
    monthly_donors: list[set[int]] = field(default_factory=lambda: [set() for _ in range(12)])
    by_method: dict[str, int] = field(default_factory=dict)
    by_campaign: dict[int | None, int] = field(default_factory=dict)
    pending_gifts: int = 0
    pending_cents: int = 0


def _raw(session: Session, query: Select[*tuple[Any, ...]]) -> Sequence[Row[*tuple[Any, ...]]]:
    """Rows without ORM type conversion (much faster for 100,000+ rows)."""
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return session.connection().exec_driver_sql(str(compiled)).fetchall()


def _scan_year(session: Session, year: int, *, detailed: bool) -> _YearScan:
    columns = [Gift.received_on, Gift.contact_id, Gift.amount_cents]
    if detailed:
        columns += [
            Gift.payment_method,
            Gift.campaign_id,
            Gift.receipt_id,
            Gift.receiptable,
            Gift.is_membership_fee,
        ]
    result = _YearScan()
    for row in _raw(session, select(*columns).where(_year(year))):
        month = _month(row[0]) - 1
        result.gifts += 1
        result.donors.add(row[1])
        result.monthly[month] += row[2]
        result.monthly_donors[month].add(row[1])
        if detailed:
            result.by_method[row[3]] = result.by_method.get(row[3], 0) + row[2]
            result.by_campaign[row[4]] = result.by_campaign.get(row[4], 0) + row[2]
            if row[5] is None and row[6] and not row[7]:
                result.pending_gifts += 1
                result.pending_cents += row[2]
    return result


def _figures(session: Session, year: int, scan: _YearScan) -> YearFigures:
    total = sum(scan.monthly)
    return YearFigures(
        year,
        len(scan.donors),
        scan.gifts,
        total,
        total // scan.gifts if scan.gifts else 0,
        median_cents(session, year),
        tuple(scan.monthly),
        tuple(len(d) for d in scan.monthly_donors),
    )


def dashboard(session: Session, year: int, *, today: date) -> Dashboard:
    """The dashboard of `year` compared with the year before."""
    now, before = (
        _scan_year(session, year, detailed=True),
        _scan_year(session, year - 1, detailed=False),
    )
    kept = len(now.donors & before.donors)
    first_gifts = select(Gift.contact_id, func.min(Gift.received_on).label("first")).group_by(
        Gift.contact_id
    )
    first = first_gifts.subquery()
    new = (
        session.scalar(
            select(func.count())
            .select_from(first)
            .where(first.c.first >= date(year, 1, 1), first.c.first <= date(year, 12, 31))
        )
        or 0
    )
    codes = dict(session.execute(select(Campaign.id, Campaign.code)).all())
    by_campaign: dict[str, int] = {}
    for campaign_id, cents in now.by_campaign.items():
        key = codes.get(campaign_id, "—") if campaign_id is not None else "—"
        by_campaign[key] = by_campaign.get(key, 0) + cents
    due = requests_due(session, today)
    issued = session.execute(
        select(func.count(Receipt.id), func.coalesce(func.sum(Receipt.total_cents), 0)).where(
            Receipt.year == year, Receipt.status == ReceiptStatus.ISSUED
        )
    ).one()
    return Dashboard(
        _figures(session, year, now),
        _figures(session, year - 1, before),
        kept / len(before.donors) if before.donors else 0.0,
        int(new),
        len(before.donors) - kept,
        {str(k): v for k, v in now.by_method.items()},
        by_campaign,
        sum(d.overdue for d in due),
        sum(not d.overdue for d in due),
        int(issued[0]),
        int(issued[1]),
        now.pending_gifts,
        now.pending_cents,
        members_per_type(session, year),
    )
