"""Campaigns (appeals, events) and the funds gifts are allocated to."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin


class Campaign(TimestampMixin, Base):
    """A fundraising campaign or a fund (restricted purpose) a gift is credited to."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    fund: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[date | None] = mapped_column(default=None)
    ends_on: Mapped[date | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    cost_cents: Mapped[int] = mapped_column(default=0, server_default="0")  # what it cost
