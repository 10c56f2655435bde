"""The association's identity (printed on receipts) and other settings kept in the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin


class OrganisationSettings(TimestampMixin, Base):
    """A single row (id 1): who the association is and who signs its receipts."""

    __tablename__ = "organisation_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    siren: Mapped[str] = mapped_column(String(9), default="")
    rna: Mapped[str] = mapped_column(String(10), default="")  # W + 9 digits
    address_line: Mapped[str] = mapped_column(String(38), default="")
    address_complement: Mapped[str] = mapped_column(String(38), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(60), default="")
    country: Mapped[str] = mapped_column(String(60), default="France")
    purpose: Mapped[str] = mapped_column(Text, default="")  # objet
    receipt_category: Mapped[str] = mapped_column(String(40), default="")
    category_details: Mapped[dict[str, Any]] = mapped_column(default=dict)  # RUP decree dates...
    applies_75_percent: Mapped[bool] = mapped_column(default=False)  # "Coluche" organisms
    signatory_name: Mapped[str] = mapped_column(String(120), default="")
    signatory_title: Mapped[str] = mapped_column(String(120), default="")
    signature_image: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_image: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    dpo_name: Mapped[str] = mapped_column(String(120), default="")
    dpo_contact: Mapped[str] = mapped_column(String(254), default="")
    receipts_enabled_on: Mapped[date | None] = mapped_column(default=None)
    # "Je signe les reçus à la main": receipts are printed with room for a handwritten
    # signature and never leave the software as files (LEGAL_FR.md 0.1).
    hand_signature: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Membership fees carry no counterpart here: include them in receipts (LEGAL_FR.md A.5).
    receipt_membership_fees: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class Setting(TimestampMixin, Base):
    """A typed key/value setting (JSON value): SMTP, retention rules, thresholds..."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON())


class SavedFilter(TimestampMixin, Base):
    """A named filter or segment on a list (contacts, gifts)."""

    __tablename__ = "saved_filter"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
