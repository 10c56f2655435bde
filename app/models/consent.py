"""Consent history: append-only events per contact, channel and purpose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import Channel, ConsentStatus, str_enum
from app.models.types import utcnow


class ConsentEvent(Base):
    """A grant, withdrawal or objection, with its proof. Never updated, never deleted.

    The current status of a (contact, channel, purpose) is its latest event.
    """

    __tablename__ = "consent_event"
    __table_args__ = (
        Index("ix_consent_event_lookup", "contact_id", "channel", "purpose", "occurred_at"),
        Index("ix_consent_event_channel_purpose", "channel", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    purpose: Mapped[str] = mapped_column(String(40), default="solicitation")
    status: Mapped[ConsentStatus] = mapped_column(str_enum(ConsentStatus))
    occurred_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(120), default="")  # form, phone call, import...
    proof_text: Mapped[str] = mapped_column(Text, default="")  # text or form shown
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
