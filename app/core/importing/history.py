"""The imports made so far, for the list the CLI prints and the GUI shows (with undo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ImportBatch


@dataclass(frozen=True)
class ImportSummary:
    """One committed import."""

    id: int
    kind: str  # contacts | gifts
    file_name: str
    at: datetime
    user: str
    counts: dict[str, Any]
    undone_at: datetime | None

    @property
    def undone(self) -> bool:
        """True once the import was undone."""
        return self.undone_at is not None


def list_imports(session: Session) -> list[ImportSummary]:
    """Every import, the most recent first."""
    return [
        ImportSummary(b.id, b.kind, b.file_name, b.at, b.user, dict(b.counts or {}), b.undone_at)
        for b in session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))
    ]
