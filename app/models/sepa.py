"""SEPA direct debit (Core, B2C): mandates, regular-gift plans, collections and their debits."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.enums import (
    DebitStatus,
    MandateStatus,
    PlanFrequency,
    PlanStatus,
    str_enum,
)

if TYPE_CHECKING:
    from app.models.contact import Contact
    from app.models.gift import Gift


class SepaMandate(TimestampMixin, Base):
    """A donor's signed authorisation to debit an account; `rum` is its unique reference.

    `first_collected_on` is set by the first collection that used the mandate: until then
    debits go out as FRST, afterwards as RCUR. Erasure (GDPR) blanks iban/bic/holder.
    """

    __tablename__ = "sepa_mandate"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), index=True
    )
    rum: Mapped[str] = mapped_column(String(35), unique=True)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11), default="")
    holder: Mapped[str] = mapped_column(String(70))
    signed_on: Mapped[date]
    status: Mapped[MandateStatus] = mapped_column(
        str_enum(MandateStatus), default=MandateStatus.ACTIVE
    )
    first_collected_on: Mapped[date | None] = mapped_column(default=None)
    revoked_on: Mapped[date | None] = mapped_column(default=None)

    contact: Mapped[Contact] = relationship()


class RegularGiftPlan(TimestampMixin, Base):
    """A regular gift: an amount debited every month, quarter or year on a given day."""

    __tablename__ = "regular_gift_plan"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("day_of_month BETWEEN 1 AND 28", name="day_in_every_month"),
        Index("ix_regular_gift_plan_status_start", "status", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), index=True
    )
    mandate_id: Mapped[int] = mapped_column(
        ForeignKey("sepa_mandate.id", ondelete="RESTRICT"), index=True
    )
    amount_cents: Mapped[int]
    frequency: Mapped[PlanFrequency] = mapped_column(str_enum(PlanFrequency))
    day_of_month: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None] = mapped_column(default=None)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus), default=PlanStatus.ACTIVE)
    consecutive_rejects: Mapped[int] = mapped_column(default=0)
    # What the donor was last told about (a pre-notification is due when the amount changes).
    notified_amount_cents: Mapped[int] = mapped_column(default=0)
    notified_on: Mapped[date | None] = mapped_column(default=None)

    contact: Mapped[Contact] = relationship()
    mandate: Mapped[SepaMandate] = relationship()


class SepaCollection(TimestampMixin, Base):
    """One collection run: the debits of one date, written to one pain.008 file."""

    __tablename__ = "sepa_collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_date: Mapped[date] = mapped_column(index=True)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    debit_count: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int] = mapped_column(default=0)
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    made_at: Mapped[datetime | None] = mapped_column(default=None)


class SepaDebit(TimestampMixin, Base):
    """One debit of a collection: a plan's instalment, its gift and its end-to-end id."""

    __tablename__ = "sepa_debit"
    __table_args__ = (
        # One instalment per plan and period: a second run for the same date adds nothing.
        Index("uq_sepa_debit_plan_due", "plan_id", "due_on", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("sepa_collection.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("regular_gift_plan.id", ondelete="RESTRICT"))
    mandate_id: Mapped[int] = mapped_column(
        ForeignKey("sepa_mandate.id", ondelete="RESTRICT"), index=True
    )
    gift_id: Mapped[int | None] = mapped_column(
        ForeignKey("gift.id", ondelete="SET NULL"), default=None, index=True
    )
    due_on: Mapped[date]
    sequence_type: Mapped[str] = mapped_column(String(4))  # FRST or RCUR
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    amount_cents: Mapped[int]
    status: Mapped[DebitStatus] = mapped_column(
        str_enum(DebitStatus), default=DebitStatus.COLLECTED
    )
    reject_reason: Mapped[str] = mapped_column(String(4), default="")
    rejected_on: Mapped[date | None] = mapped_column(default=None)

    gift: Mapped[Gift | None] = relationship()
