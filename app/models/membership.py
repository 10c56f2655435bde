"""Membership types (fee and period) and each member's memberships over the years."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.enums import MembershipKind, MembershipPeriod, PaymentMethod, str_enum

if TYPE_CHECKING:
    from app.models.contact import Contact
    from app.models.gift import Gift


class MembershipType(TimestampMixin, Base):
    """A kind of membership the association offers: individual, family, organisation."""

    __tablename__ = "membership_type"
    __table_args__ = (CheckConstraint("fee_cents >= 0", name="fee_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[MembershipKind] = mapped_column(str_enum(MembershipKind))
    fee_cents: Mapped[int] = mapped_column(default=0)
    period: Mapped[MembershipPeriod] = mapped_column(str_enum(MembershipPeriod))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Membership(TimestampMixin, Base):
    """One paid membership of one contact, valid from `starts_on` to `ends_on` inclusive."""

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        # The contact list's status filter: the latest end per contact, found by index.
        Index("ix_membership_contact_ends", "contact_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(
        ForeignKey("membership_type.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    paid_on: Mapped[date]
    amount_cents: Mapped[int]
    payment_method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    gift_id: Mapped[int | None] = mapped_column(
        ForeignKey("gift.id", ondelete="SET NULL"), default=None, index=True
    )

    contact: Mapped[Contact] = relationship()
    type: Mapped[MembershipType] = relationship()
    gift: Mapped[Gift | None] = relationship()
