"""Appeals (a campaign with a send) and the solicitations they made, one per contact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin
from app.models.enums import Channel, str_enum


class Appeal(TimestampMixin, Base):
    """An appeal: whom to ask (target), how (channel), when, at what cost, with which letter.

    Gifts answering it are credited to its campaign. `sent_at` freezes the recipients: the
    solicitations recorded then are the list, whatever the target says later.
    """

    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    target_kind: Mapped[str] = mapped_column(String(20))  # "all" | "filter" | "segment"
    target: Mapped[str] = mapped_column(String(120), default="")  # filter name or segment key
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"))
    send_on: Mapped[date]
    cost_cents: Mapped[int] = mapped_column(default=0)
    response_days: Mapped[int] = mapped_column(default=90)
    template: Mapped[dict[str, Any]] = mapped_column(default=dict)  # subject, body, ask rule
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_by: Mapped[str] = mapped_column(String(80), default="")


class Solicitation(Base):
    """One contact asked by one appeal (or reminded, or thanked) on one channel and day."""

    __tablename__ = "solicitation"
    __table_args__ = (Index("ix_solicitation_contact_sent", "contact_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(
        ForeignKey("appeal.id", ondelete="CASCADE"), default=None, index=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    sent_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20), default="appeal")  # appeal | reminder
    what: Mapped[str] = mapped_column(Text, default="")  # subject of what was sent
    segment: Mapped[str] = mapped_column(String(20), default="")  # RFM segment at send time
    amount_asked_cents: Mapped[int] = mapped_column(default=0)
    # E-mail appeals: the address used and the delivery log ("pending", "sent", "failed",
    # "bounced"); empty for letters.
    email: Mapped[str] = mapped_column(String(254), default="")
    delivery: Mapped[str] = mapped_column(String(12), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempted_at: Mapped[datetime | None] = mapped_column(default=None)


class AppealExclusion(Base):
    """One contact an appeal left out when it was sent, and why (the reasons' keys of
    app.core.appeals.preparation.REASONS): the exclusions stay countable and exportable
    after the send, when the list is frozen."""

    __tablename__ = "appeal_exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
