"""Retention periods as data (per category), the list of contacts past them, and applying it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import Clock, today
from app.core.gdpr.anonymise import anonymise
from app.core.gdpr.requests import add_months
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.i18n import _
from app.models import ConsentEvent, Contact, Gift, Receipt, Setting
from app.models.enums import ContactStatus

SETTING_KEY = "gdpr.retention"


@dataclass(frozen=True)
class RetentionRules:
    """Years after which data is anonymised (defaults from the CNIL and the tax code)."""

    donors_years: int = 3  # after the last gift or contact (CNIL, NS-048)
    receipts_years: int = 6  # after the receipt was issued (LPF L.102 E)


@dataclass(frozen=True)
class RetentionCandidate:
    """A contact whose data has outlived its retention period."""

    contact_id: int
    name: str
    last_activity: date


def load_rules(session: Session) -> RetentionRules:
    """Rules stored in the settings (defaults when never set)."""
    setting = session.get(Setting, SETTING_KEY)
    return RetentionRules(**setting.value) if setting else RetentionRules()


def save_rules(session: Session, rules: RetentionRules) -> None:
    """Store the rules (journaled)."""
    setting = session.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY, value={})
    setting.value = asdict(rules)
    session.add(setting)
    session.flush()


def candidates(session: Session, *, on: date) -> list[RetentionCandidate]:
    """Active contacts with no gift, consent or change for `donors_years`, and no receipt younger
    than `receipts_years` (those are kept until the tax period ends)."""
    rules = load_rules(session)
    donor_limit = add_months(on, -12 * rules.donors_years)
    receipt_limit = add_months(on, -12 * rules.receipts_years)
    last_gift = (
        select(func.max(Gift.received_on)).where(Gift.contact_id == Contact.id).scalar_subquery()
    )
    last_consent = (
        select(func.max(ConsentEvent.occurred_at))
        .where(ConsentEvent.contact_id == Contact.id)
        .scalar_subquery()
    )
    recent_receipt = (
        select(Receipt.id)
        .where(Receipt.contact_id == Contact.id, Receipt.period_end >= receipt_limit)
        .exists()
    )
    query = select(
        Contact.id,
        Contact.first_name,
        Contact.last_name,
        Contact.organisation_name,
        last_gift,
        last_consent,
        Contact.updated_at,
    ).where(Contact.status == ContactStatus.ACTIVE, ~recent_receipt)
    found = []
    for row in session.execute(query):
        dates = [d.date() if isinstance(d, datetime) else d for d in row[4:] if d]
        last = max(dates) if dates else date.min
        if last < donor_limit:
            name = row[3] or f"{(row[2] or '').upper()} {row[1] or ''}".strip()
            found.append(RetentionCandidate(row[0], name, last))
    return sorted(found, key=lambda c: c.last_activity)


def apply(
    session: Session,
    *,
    clock: Clock,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> int:
    """Anonymise every candidate in the caller's transaction (cancel = nothing changed)."""
    todo = candidates(session, on=today(clock))
    progress.start(len(todo), _("Application des durées de conservation"))
    for index, candidate in enumerate(todo):
        anonymise(session, candidate.contact_id, clock=clock)
        progress.advance()
        if cancel is not None and index % 50 == 0:
            cancel.raise_if_cancelled()
    if cancel is not None:
        cancel.raise_if_cancelled()
    return len(todo)
