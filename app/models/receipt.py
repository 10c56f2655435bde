"""Tax receipts (Cerfa 11580 / 16216): immutable once issued, numbered without gaps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.enums import ReceiptKind, ReceiptMode, ReceiptStatus, str_enum
from app.models.types import utcnow


class ReceiptSequence(Base):
    """Last number allocated per year; locked while issuing so numbers never skip."""

    __tablename__ = "receipt_sequence"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Receipt(Base):
    """An issued receipt. Only `status`, cancellation fields and `replaced_by_id` change."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        Index("ix_receipt_contact", "contact_id"),
        Index("ix_receipt_year_status", "year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "2025-00042"
    year: Mapped[int]
    sequence: Mapped[int]
    kind: Mapped[ReceiptKind] = mapped_column(str_enum(ReceiptKind))
    mode: Mapped[ReceiptMode] = mapped_column(str_enum(ReceiptMode))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(80), default="")
    period_start: Mapped[date]
    period_end: Mapped[date]
    total_cents: Mapped[int]
    status: Mapped[ReceiptStatus] = mapped_column(
        str_enum(ReceiptStatus), default=ReceiptStatus.ISSUED
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"), default=None)
    snapshot: Mapped[dict[str, Any]]  # donor, association and gift data as printed
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    # SHA-256 of the snapshot (canonical JSON): tells a new layout from altered data.
    snapshot_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)

    lines: Mapped[list[ReceiptLine]] = relationship(
        back_populates="receipt", cascade="all, delete-orphan", order_by="ReceiptLine.id"
    )


class ReceiptLine(Base):
    """A gift covered by a receipt (kept after cancellation, for the audit trail)."""

    __tablename__ = "receipt_line"
    __table_args__ = (UniqueConstraint("receipt_id", "gift_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id", ondelete="CASCADE"))
    gift_id: Mapped[int] = mapped_column(ForeignKey("gift.id", ondelete="RESTRICT"), index=True)
    amount_cents: Mapped[int]
    receipt: Mapped[Receipt] = relationship(back_populates="lines")


class ReceiptDelivery(Base):
    """One attempt to e-mail a receipt (send log, for retry)."""

    __tablename__ = "receipt_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(
        ForeignKey("receipt.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(Text, default="")
