"""Dashboard figures, all computed in SQL (GROUP BY), fast at 100,000 contacts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.gdpr.requests import requests_due
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


def _year(gift_year: int):  # type: ignore[no-untyped-def]
    return (Gift.received_on >= date(gift_year, 1, 1)) & (
        Gift.received_on <= date(gift_year, 12, 31)
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


def _month_range(year: int, month: int):  # type: ignore[no-untyped-def]
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (Gift.received_on >= date(year, month, 1)) & (Gift.received_on < end)


def _month(value: object) -> int:
    """Month of a date read raw from the driver (SQLite gives 'YYYY-MM-DD', PostgreSQL a date)."""
    return value.month if isinstance(value, date) else int(str(value)[5:7])


def year_figures(session: Session, year: int) -> YearFigures:
    """Totals and monthly breakdown of `year`: one index-only range scan, read without ORM
    conversion and aggregated here (12 GROUP BY queries with COUNT(DISTINCT) were 5x slower)."""
    query = select(Gift.received_on, Gift.contact_id, Gift.amount_cents).where(_year(year))
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    rows = session.connection().exec_driver_sql(str(compiled)).fetchall()
    donors: set[int] = set()
    monthly = [0] * 12
    monthly_donors: list[set[int]] = [set() for _ in range(12)]
    for received_on, contact_id, cents in rows:
        month = _month(received_on) - 1
        donors.add(contact_id)
        monthly[month] += cents
        monthly_donors[month].add(contact_id)
    total = sum(monthly)
    return YearFigures(
        year, len(donors), len(rows), total, total // len(rows) if rows else 0,
        median_cents(session, year), tuple(monthly), tuple(len(d) for d in monthly_donors),
    )


def _donors(year: int):  # type: ignore[no-untyped-def]
    return select(Gift.contact_id).where(_year(year)).distinct()


def dashboard(session: Session, year: int, *, today: date) -> Dashboard:
    """The dashboard of `year` compared with the year before."""
    current, previous = year_figures(session, year), year_figures(session, year - 1)
    kept = (
        session.scalar(
            select(func.count()).select_from(
                _donors(year - 1).where(Gift.contact_id.in_(_donors(year))).subquery()
            )
        )
        or 0
    )
    first_year = (
        select(Gift.contact_id, func.min(Gift.received_on).label("first"))
        .group_by(Gift.contact_id)
        .subquery()
    )
    new = (
        session.scalar(
            select(func.count())
            .select_from(first_year)
            .where(first_year.c.first >= date(year, 1, 1), first_year.c.first <= date(year, 12, 31))
        )
        or 0
    )
    lapsed = previous.donors - kept
    by_method = {
        str(k): int(v)
        for k, v in session.execute(
            select(Gift.payment_method, func.sum(Gift.amount_cents))
            .where(_year(year))
            .group_by(Gift.payment_method)
        )
    }
    by_campaign = {
        (k or "—"): int(v)
        for k, v in session.execute(
            select(Campaign.code, func.sum(Gift.amount_cents))
            .outerjoin(Campaign, Campaign.id == Gift.campaign_id)
            .where(_year(year))
            .group_by(Campaign.code)
        )
    }
    due = requests_due(session, today)
    issued = session.execute(
        select(func.count(Receipt.id), func.coalesce(func.sum(Receipt.total_cents), 0)).where(
            Receipt.year == year, Receipt.status == ReceiptStatus.ISSUED
        )
    ).one()
    pending = session.execute(
        select(func.count(Gift.id), func.coalesce(func.sum(Gift.amount_cents), 0)).where(
            _year(year),
            Gift.receipt_id.is_(None),
            Gift.receiptable.is_(True),
            Gift.is_membership_fee.is_(False),
        )
    ).one()
    return Dashboard(
        current,
        previous,
        kept / previous.donors if previous.donors else 0.0,
        int(new),
        int(lapsed),
        by_method,
        by_campaign,
        sum(d.overdue for d in due),
        sum(not d.overdue for d in due),
        int(issued[0]),
        int(issued[1]),
        int(pending[0]),
        int(pending[1]),
    )
