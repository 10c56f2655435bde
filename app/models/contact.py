"""Contacts (people and organisations) with their emails, phones and tags."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.enums import ContactKind, ContactStatus, str_enum

if TYPE_CHECKING:
    from app.models.address import PostalAddress

contact_tags = Table(
    "contact_tag",
    Base.metadata,
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    """A free label volunteers put on contacts ("bénévole", "grand donateur"...)."""

    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Contact(TimestampMixin, Base):
    """A person or an organisation the association is in touch with."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_sort_name", "sort_name"),
        Index("ix_contact_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContactKind] = mapped_column(str_enum(ContactKind), default=ContactKind.PERSON)
    civility: Mapped[str] = mapped_column(String(16), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    birth_name: Mapped[str] = mapped_column(String(100), default="")
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    legal_form: Mapped[str] = mapped_column(String(60), default="")
    siren: Mapped[str] = mapped_column(String(9), default="")
    birth_date: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ContactStatus] = mapped_column(
        str_enum(ContactStatus), default=ContactStatus.ACTIVE
    )
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    restricted_reason: Mapped[str] = mapped_column(String(200), default="")
    deceased_on: Mapped[date | None] = mapped_column(default=None)
    # The donor's own limit on appeals per rolling 12 months (1: "one appeal a year").
    appeals_per_year: Mapped[int | None] = mapped_column(default=None)
    # How this donor wants tax receipts: "" as the batch says, "annual" or "per_gift".
    receipt_mode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # A company's financial-year end as "MM-DD" ("" = 31 December): a 16216 receipt never
    # straddles two of the company's financial years (LEGAL_FR.md B, note 5).
    fiscal_year_end: Mapped[str] = mapped_column(String(5), default="", server_default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None, index=True
    )
    anonymised_at: Mapped[datetime | None] = mapped_column(default=None)
    # Denormalised, accent-free lowercase text kept by the contacts service for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Lowercase accent-free "last first" / organisation name, used for sorting.
    sort_name: Mapped[str] = mapped_column(String(220), default="")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), default=None, index=True
    )

    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position"
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position"
    )
    addresses: Mapped[list[PostalAddress]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="PostalAddress.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tags, order_by="Tag.name")

    @property
    def is_organisation(self) -> bool:
        """True for companies, associations and other legal persons."""
        return self.kind == ContactKind.ORGANISATION

    @property
    def display_name(self) -> str:
        """Name as shown in lists: "DUPONT Jean-Pierre" or the organisation name."""
        if self.is_organisation:
            return self.organisation_name
        return " ".join(p for p in (self.last_name.upper(), self.first_name) if p)

    @property
    def primary_email(self) -> str:
        """First e-mail address, or an empty string."""
        return self.emails[0].email if self.emails else ""

    @property
    def primary_address(self) -> PostalAddress | None:
        """The address marked primary, else the first one."""
        for address in self.addresses:
            if address.is_primary:
                return address
        return self.addresses[0] if self.addresses else None


class ContactEmail(Base):
    """One e-mail address of a contact (position 0 is the preferred one)."""

    __tablename__ = "contact_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    label: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Marked invalid when a message to it came back (a bounce): e-mail appeals leave it out.
    invalid_on: Mapped[date | None] = mapped_column(default=None)
    invalid_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact: Mapped[Contact] = relationship(back_populates="emails")


class ContactPhone(Base):
    """One phone number of a contact, stored in E.164 when it could be parsed."""

    __tablename__ = "contact_phone"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32), index=True)
    label: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    contact: Mapped[Contact] = relationship(back_populates="phones")
