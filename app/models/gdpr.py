"""GDPR: the Art. 30 register, data-subject requests and erased identities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin
from app.models.enums import RightsRequestKind, RightsRequestStatus, str_enum


class ProcessingActivity(TimestampMixin, Base):
    """One activity of the register of processing activities (CNIL model)."""

    __tablename__ = "processing_activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), default="")
    name: Mapped[str] = mapped_column(String(200))
    purposes: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[str] = mapped_column(Text, default="")
    # [{"category": "...", "description": "...", "retention": "..."}]
    data_categories: Mapped[list[Any]] = mapped_column(default=list)
    sensitive_data: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    transfers: Mapped[str] = mapped_column(Text, default="")
    transfer_safeguards: Mapped[str] = mapped_column(Text, default="")
    security_measures: Mapped[str] = mapped_column(Text, default="")
    joint_controller: Mapped[str] = mapped_column(Text, default="")
    processor: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)


class RightsRequest(TimestampMixin, Base):
    """A data-subject request, with its legal deadline."""

    __tablename__ = "rights_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None, index=True
    )
    requester: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[RightsRequestKind] = mapped_column(str_enum(RightsRequestKind))
    received_on: Mapped[date]
    identity_check: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date]
    extended: Mapped[bool] = mapped_column(default=False)
    extension_notified_on: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[RightsRequestStatus] = mapped_column(
        str_enum(RightsRequestStatus), default=RightsRequestStatus.RECEIVED
    )
    closed_on: Mapped[date | None] = mapped_column(default=None)
    details: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")


class ErasedIdentity(Base):
    """Salted hash of an erased person's identity, so an import does not bring it back."""

    __tablename__ = "erased_identity"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity_hash: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime]
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("rights_request.id", ondelete="SET NULL"), default=None
    )
