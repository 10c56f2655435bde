"""The dashboard's figures and actions, shared by the GUI and the CLI: the year's indicators
with the RFM segments, the time taken to thank a gift, the last appeals' results, the
contacts behind a quality metric, and the export of a segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.core.appeals.results import AppealResults, appeal_results
from app.core.appeals.thanks import average_days_to_thank
from app.core.clock import today
from app.core.contacts.search import ContactRow, fetch_rows
from app.core.contacts.segments import DonorScore, SegmentExport, score_donors
from app.core.contacts.segments import export_segment as write_segment
from app.core.infrastructure.permissions import Permission
from app.core.stats import Dashboard, dashboard
from app.models import Appeal
from app.models.enums import Channel
from app.operations.base import OperationContext, Outcome, check_permission
from app.reports.table_export import write_table

LAST_APPEALS = 3
METRIC_CONTACTS_SHOWN = 500


@dataclass(frozen=True)
class SentAppeal:
    """One of the last appeals sent, with what it brought."""

    send_on: date
    channel: Channel
    results: AppealResults


@dataclass(frozen=True)
class Overview:
    """What the dashboard's first two tabs show for a year."""

    figures: Dashboard
    scores: tuple[DonorScore, ...]
    days_to_thank: float | None  # average days between a gift of the year and its thanks
    appeals: tuple[SentAppeal, ...]  # the last appeals sent, newest first


def last_appeals(ctx: OperationContext, count: int = LAST_APPEALS) -> list[SentAppeal]:
    """The results of the last `count` appeals sent, newest first."""
    with ctx.database.read() as session:
        sent = session.scalars(
            select(Appeal)
            .where(Appeal.sent_at.is_not(None))
            .order_by(Appeal.send_on.desc(), Appeal.id.desc())
            .limit(count)
        ).all()
        return [
            SentAppeal(
                appeal.send_on,
                Channel(appeal.channel),
                appeal_results(session, appeal, with_previous=False),
            )
            for appeal in sent
        ]


def overview(ctx: OperationContext, year: int) -> Outcome[Overview]:
    """The year's indicators compared with the year before, segments, thanks and appeals."""
    check_permission(ctx, Permission.CONTACTS_READ)
    day = today(ctx.database.clock)
    with ctx.database.read() as session:
        figures = dashboard(session, year, today=day)
        scores = tuple(score_donors(session, today=day))
        days = average_days_to_thank(session, year)
    return Outcome(Overview(figures, scores, days, tuple(last_appeals(ctx))))


def metric_contacts(ctx: OperationContext, contact_ids: Sequence[int]) -> Outcome[list[ContactRow]]:
    """The first contacts behind a quality metric, for the list the user opens."""
    check_permission(ctx, Permission.CONTACTS_READ)
    with ctx.database.read() as session:
        return Outcome(fetch_rows(session, list(contact_ids[:METRIC_CONTACTS_SHOWN])))


def export_segment(
    ctx: OperationContext,
    scores: Sequence[DonorScore],
    segment: str,
    channel: Channel,
    path: Path,
) -> Outcome[SegmentExport]:
    """Write the reachable donors of a segment (consents, NPAI, restrictions respected)."""
    check_permission(ctx, Permission.CONTACTS_READ)
    with ctx.database.write() as session:  # the export is journaled
        return Outcome(
            write_segment(session, list(scores), segment, channel, path, write=write_table)
        )
