"""Named filters of a list (contacts, gifts) kept in the database for reuse."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.i18n import _
from app.models import SavedFilter


def save_filter(session: Session, *, scope: str, name: str, spec: dict[str, Any]) -> SavedFilter:
    """Create or replace the filter `name` of `scope` (journaled like every setting)."""
    if not name.strip():
        raise ValidationError(_("Nom du filtre : champ obligatoire."), field="name")
    saved = session.scalar(
        select(SavedFilter).where(SavedFilter.scope == scope, SavedFilter.name == name.strip())
    ) or SavedFilter(scope=scope, name=name.strip())
    saved.spec = dict(spec)
    session.add(saved)
    session.flush()
    return saved


def list_filters(session: Session, scope: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, spec) of the saved filters of `scope`, by name."""
    rows = session.scalars(
        select(SavedFilter).where(SavedFilter.scope == scope).order_by(SavedFilter.name)
    )
    return [(f.name, dict(f.spec)) for f in rows]
