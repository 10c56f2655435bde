"""RFM scoring (recency, frequency, monetary; quintiles 1-5) and named segments, with
consent-aware exports."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.contacts.consents import contactable_query
from app.core.contacts.search import fetch_rows
from app.core.infrastructure.journal import record_event
from app.core.infrastructure.permissions import Permission, require
from app.core.renderers import TableWriter
from app.i18n import N_, _
from app.models import Contact, Gift, PostalAddress
from app.models.enums import Channel, ContactStatus

SEGMENTS = {
    "new": N_("Nouveaux"),
    "loyal": N_("Fidèles"),
    "big": N_("Grands donateurs"),
    "at_risk": N_("À risque"),
    "lapsed": N_("Perdus"),
    "other": N_("Autres"),
}
WINDOW_YEARS = 5


@dataclass(frozen=True)
class DonorScore:
    """A donor's RFM quintiles (5 = best) and segment."""

    contact_id: int
    last_gift: date
    first_gift: date
    gifts: int
    amount_cents: int
    r: int
    f: int
    m: int
    segment: str


def _quintiles(values: Sequence[float]) -> list[float]:
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, int(len(ordered) * q / 5))] for q in range(1, 5)]


def _rank(value: float, cuts: list[float]) -> int:
    return 1 + bisect.bisect_left(cuts, value)  # 1 + how many cuts lie below the value


def segment_of(*, r: int, f: int, m: int, first_gift: date, last_gift: date, today: date) -> str:
    """Documented rules, first match wins: new (first gift < 12 months), lapsed (last gift
    > 24 months), big (monetary quintile 5), loyal (frequency and recency >= 4), at risk
    (recency <= 2 with frequency >= 3), else other."""
    days = (today - last_gift).days
    if (today - first_gift).days <= 365:
        return "new"
    if days > 730:
        return "lapsed"
    if m == 5:
        return "big"
    if f >= 4 and r >= 4:
        return "loyal"
    if r <= 2 and f >= 3:
        return "at_risk"
    return "other"


def score_donors(session: Session, *, today: date) -> list[DonorScore]:
    """Every active donor with gifts in the last five years, scored."""
    since = date(today.year - WINDOW_YEARS, today.month, min(today.day, 28))
    rows = session.execute(
        select(
            Gift.contact_id,
            func.max(Gift.received_on),
            func.min(Gift.received_on),
            func.count(Gift.id),
            func.sum(Gift.amount_cents),
        )
        .join(Contact, Contact.id == Gift.contact_id)
        .where(Gift.received_on >= since, Contact.status == ContactStatus.ACTIVE)
        .group_by(Gift.contact_id)
    ).all()
    if not rows:
        return []
    recency = [-(today - r[1]).days for r in rows]
    r_cuts, f_cuts, m_cuts = (
        _quintiles(recency),
        _quintiles([r[3] for r in rows]),
        _quintiles([r[4] for r in rows]),
    )
    scores = []
    for row, rec in zip(rows, recency, strict=True):
        r, f, m = _rank(rec, r_cuts), _rank(row[3], f_cuts), _rank(row[4], m_cuts)
        scores.append(
            DonorScore(
                row[0],
                row[1],
                row[2],
                int(row[3]),
                int(row[4]),
                r,
                f,
                m,
                segment_of(r=r, f=f, m=m, first_gift=row[2], last_gift=row[1], today=today),
            )
        )
    return scores


def segment_counts(scores: list[DonorScore]) -> dict[str, int]:
    """How many donors in each segment."""
    counts = Counter(s.segment for s in scores)
    return {key: counts.get(key, 0) for key in SEGMENTS}


@dataclass(frozen=True)
class SegmentExport:
    """What an export wrote and what it left out, with the reasons."""

    written: int
    excluded: dict[str, int]


def exclusion_reason(session: Session, contact_ids: list[int], channel: Channel) -> dict[int, str]:
    """Why each contact may not be reached on `channel` (ids absent: may be reached)."""
    allowed = set(session.scalars(contactable_query(channel).where(Contact.id.in_(contact_ids))))
    reasons = {}
    restricted = set(
        session.scalars(select(Contact.id).where(Contact.id.in_(contact_ids), Contact.restricted))
    )
    npai_only = (
        set(
            session.scalars(
                select(PostalAddress.contact_id).where(
                    PostalAddress.contact_id.in_(contact_ids), PostalAddress.npai
                )
            )
        )
        if channel == Channel.POST
        else set()
    )
    for contact_id in contact_ids:
        if contact_id in allowed:
            continue
        if contact_id in restricted:
            reasons[contact_id] = _("limitation RGPD")
        elif contact_id in npai_only:
            reasons[contact_id] = _("adresse NPAI")
        else:
            reasons[contact_id] = _("pas de consentement ou de coordonnée pour ce canal")
    return reasons


def export_segment(
    session: Session,
    scores: list[DonorScore],
    segment: str,
    channel: Channel,
    path: Path,
    *,
    write: TableWriter,
) -> SegmentExport:
    """Write the reachable donors of `segment` to CSV/XLSX; count the excluded ones by reason."""
    require(session, Permission.CONTACTS_READ)
    ids = [s.contact_id for s in scores if s.segment == segment]
    reasons = exclusion_reason(session, ids, channel)
    kept = [i for i in ids if i not in reasons]
    rows = ([r.id, r.name, r.email, r.phone, r.postcode, r.city] for r in fetch_rows(session, kept))
    written = write(
        path,
        [_("N°"), _("Nom"), _("Courriel"), _("Téléphone"), _("Code postal"), _("Commune")],
        rows,
    )
    record_event(
        session,
        entity="segment",
        entity_id=None,
        note=_("Export du segment {segment} ({channel}) : {n} contacts, {x} exclus").format(
            segment=segment, channel=channel.value, n=written, x=len(reasons)
        ),
    )
    return SegmentExport(written, dict(Counter(reasons.values())))
