"""Gifts received, in integer cents; locked once on an issued receipt."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.enums import GiftNature, PaymentMethod, str_enum

if TYPE_CHECKING:
    from app.models.campaign import Campaign
    from app.models.contact import Contact


class Gift(TimestampMixin, Base):
    """One gift. `receipt_id` points at the valid receipt covering it (the lock)."""

    __tablename__ = "gift"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("counterpart_cents >= 0", name="counterpart_not_negative"),
        Index("ix_gift_contact_received", "contact_id", "received_on"),
        # Covers the dashboard's range scans: by date, every column the figures need.
        Index(
            "ix_gift_dashboard",
            "received_on",
            "contact_id",
            "amount_cents",
            "payment_method",
            "campaign_id",
            "receipt_id",
            "receiptable",
            "is_membership_fee",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="RESTRICT"))
    received_on: Mapped[date]
    amount_cents: Mapped[int]
    payment_method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    nature: Mapped[GiftNature] = mapped_column(str_enum(GiftNature), default=GiftNature.CASH)
    in_kind_description: Mapped[str] = mapped_column(Text, default="")
    in_kind_valuation: Mapped[str] = mapped_column(String(200), default="")  # how it was valued
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), default=None, index=True
    )
    cheque_number: Mapped[str] = mapped_column(String(30), default="")
    deposit_slip: Mapped[str] = mapped_column(String(30), default="", index=True)
    bank_reference: Mapped[str] = mapped_column(String(80), default="", index=True)
    receiptable: Mapped[bool] = mapped_column(Boolean, default=True)
    is_membership_fee: Mapped[bool] = mapped_column(Boolean, default=False)
    counterpart_cents: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A payment that did not arrive (a rejected direct debit, a bounced cheque): the gift is
    # kept for the record but counts nowhere and is never receipted.
    failed_on: Mapped[date | None] = mapped_column(default=None)
    thanked_on: Mapped[date | None] = mapped_column(default=None)  # thank-you letter sent
    failure_reason: Mapped[str] = mapped_column(String(120), default="")
    receipt_id: Mapped[int | None] = mapped_column(
        ForeignKey("receipt.id", ondelete="SET NULL"), default=None, index=True
    )
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), default=None, index=True
    )

    contact: Mapped[Contact] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
