"""Postal addresses in NF Z10-011 structure, with the returned-mail (NPAI) flag."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from app.models.contact import Contact


class PostalAddress(TimestampMixin, Base):
    """An address: NF Z10-011 lines 2 to 5, then postcode and city (line 6), country (7).

    Line 1 (the recipient) is built from the contact's name when printing. Lines are stored as
    typed, even over the standard's 38 characters (imports): postal.address_problems flags them.
    """

    __tablename__ = "postal_address"
    __table_args__ = (Index("ix_postal_address_postcode", "postcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    line2: Mapped[str] = mapped_column(String(100), default="")  # apt, floor, "chez"
    line3: Mapped[str] = mapped_column(String(100), default="")  # building, entrance
    line4: Mapped[str] = mapped_column(String(100), default="")  # number and street
    line5: Mapped[str] = mapped_column(String(100), default="")  # lieu-dit, BP
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")  # ISO 3166-1 alpha-2
    is_primary: Mapped[bool] = mapped_column(Boolean, default=True)
    npai: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    npai_on: Mapped[date | None] = mapped_column(default=None)
    npai_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), default=None
    )
    contact: Mapped[Contact] = relationship(back_populates="addresses")
