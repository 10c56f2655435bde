"""Duplicate suggestions made by other features: the import calls `suggest_duplicate` when a
row looks like an existing contact without proof (same name and postcode, conflicting birth
dates...); the pair then shows in the duplicates screen until merged or marked different."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DuplicateSuggestion, NotDuplicate

REASON_MAX = 300


def suggest_duplicate(
    session: Session, a: int, b: int, *, reason: str, source: str = "import"
) -> bool:
    """Record that contacts `a` and `b` may be one person (in the caller's transaction).
    False when nothing was added: same contact, already suggested, or marked different."""
    if a == b:
        return False
    low, high = sorted((a, b))
    if session.get(NotDuplicate, (low, high)) is not None:
        return False
    if session.get(DuplicateSuggestion, (low, high)) is not None:
        return False
    session.add(
        DuplicateSuggestion(
            contact_a_id=low, contact_b_id=high, reason=reason[:REASON_MAX], source=source[:40]
        )
    )
    session.flush()
    return True


def suggested_pairs(session: Session) -> dict[tuple[int, int], str]:
    """(lower id, higher id) -> the reason given."""
    rows = session.execute(
        select(
            DuplicateSuggestion.contact_a_id,
            DuplicateSuggestion.contact_b_id,
            DuplicateSuggestion.reason,
        )
    )
    return {(a, b): reason for a, b, reason in rows}
