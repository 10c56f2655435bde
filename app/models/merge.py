"""Merge records (for undo) and pairs marked "not a duplicate"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.types import utcnow


class MergeRecord(Base):
    """A merge of contacts into a survivor, with the full before-state for undo."""

    __tablename__ = "merge_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(80), default="")
    survivor_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    merged_ids: Mapped[list[Any]]
    before_state: Mapped[dict[str, Any]]
    undone_at: Mapped[datetime | None] = mapped_column(default=None)


class NotDuplicate(Base):
    """Two contacts a user said are different people (lower id first)."""

    __tablename__ = "not_duplicate"
    __table_args__ = (CheckConstraint("contact_a_id < contact_b_id", name="ordered_pair"),)
    contact_a_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    contact_b_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(80), default="")


class DuplicateSuggestion(Base):
    """Two contacts another feature (the import) thinks may be one person: always shown in
    the duplicates screen until merged or marked "not a duplicate" (lower id first)."""

    __tablename__ = "duplicate_suggestion"
    __table_args__ = (CheckConstraint("contact_a_id < contact_b_id", name="ordered_pair"),)
    contact_a_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    contact_b_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
