"""Test factories: contacts, organisations and gifts over a real session.

Every test builds its data with these instead of its own builders, so a new required
column or a derived field is handled once. Each factory adds to the caller's session and
flushes (ids are set); `add_contacts` opens its own write transaction, for GUI tests that
need committed rows before a page reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.core.contacts.fields import refresh_derived_fields
from app.core.infrastructure.database import Database
from app.models import Contact, ContactEmail, ContactPhone, Gift, PostalAddress, Tag
from app.models.enums import ContactKind, PaymentMethod


def make_contact(
    session: Session,
    last_name: str = "Dupont",
    *,
    first_name: str = "Anne",
    civility: str = "",
    email: str = "",
    phone: str = "",
    address: bool = True,
    line4: str = "1 rue Haute",
    postcode: str = "21000",
    city: str = "Dijon",
    npai: bool = False,
    tags: Iterable[Tag] = (),
    **fields: Any,
) -> Contact:
    """A person (with a postal address unless `address=False`), flushed."""
    contact = Contact(civility=civility, first_name=first_name, last_name=last_name, **fields)
    return _finish(session, contact, email, phone, address, line4, postcode, city, npai, tags)


def make_org(
    session: Session,
    name: str = "Moulin SARL",
    *,
    legal_form: str = "SARL",
    siren: str = "732829320",
    email: str = "",
    address: bool = True,
    **fields: Any,
) -> Contact:
    """An organisation (a company by default), flushed."""
    contact = Contact(
        kind=ContactKind.ORGANISATION,
        organisation_name=name,
        first_name="",  # the column defaults apply at INSERT; derived fields read them before
        last_name="",
        legal_form=legal_form,
        siren=siren,
        **fields,
    )
    return _finish(session, contact, email, "", address, "1 rue Haute", "21000", "Dijon", False, ())


def _finish(
    session: Session,
    contact: Contact,
    email: str,
    phone: str,
    address: bool,
    line4: str,
    postcode: str,
    city: str,
    npai: bool,
    tags: Iterable[Tag],
) -> Contact:
    if email:
        contact.emails.append(ContactEmail(email=email))
    if phone:
        contact.phones.append(ContactPhone(number=phone))
    if address:
        contact.addresses.append(
            PostalAddress(line4=line4, postcode=postcode, city=city, npai=npai)
        )
    contact.tags.extend(tags)
    refresh_derived_fields(contact)  # sort_name and search_text, as the services set them
    session.add(contact)
    session.flush()
    return contact


def make_gift(
    session: Session,
    contact: Contact | int,
    day: date = date(2025, 3, 1),
    cents: int = 5000,
    *,
    method: PaymentMethod = PaymentMethod.CHEQUE,
    **fields: Any,
) -> Gift:
    """A gift of `contact` (a Contact or its id), flushed."""
    contact_id = contact if isinstance(contact, int) else contact.id
    gift = Gift(
        contact_id=contact_id, received_on=day, amount_cents=cents, payment_method=method, **fields
    )
    session.add(gift)
    session.flush()
    return gift


def add_contacts(database: Database, *last_names: str, **kwargs: Any) -> list[int]:
    """People committed in their own transaction (for GUI tests); their ids."""
    with database.write() as session:
        return [make_contact(session, name, **kwargs).id for name in last_names]
