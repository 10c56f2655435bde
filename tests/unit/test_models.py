"""Model invariants enforced by the database itself."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from app.core.infrastructure.database import Database
from app.models import Contact, ContactEmail, Gift, PostalAddress, Receipt, ReceiptSequence
from app.models.enums import ContactKind, PaymentMethod, ReceiptKind, ReceiptMode


def _contact(session, **kw) -> Contact:  # type: ignore[no-untyped-def]
    contact = Contact(last_name=kw.pop("last_name", "Dupont"), first_name="Jean", **kw)
    session.add(contact)
    session.flush()
    return contact


def test_gift_amount_must_be_positive(any_db: Database) -> None:
    with pytest.raises(IntegrityError), any_db.write() as session:
        contact = _contact(session)
        session.add(
            Gift(
                contact_id=contact.id,
                received_on=date(2025, 1, 2),
                amount_cents=0,
                payment_method=PaymentMethod.CHEQUE,
            )
        )
    with any_db.read() as session:
        assert session.scalars(select(Contact)).all() == []  # the whole unit of work rolled back


def test_gift_needs_an_existing_contact(any_db: Database) -> None:
    with pytest.raises(IntegrityError), any_db.write() as session:
        session.add(
            Gift(
                contact_id=999,
                received_on=date(2025, 1, 2),
                amount_cents=100,
                payment_method=PaymentMethod.CASH,
            )
        )


def test_contact_with_gifts_cannot_be_deleted(any_db: Database) -> None:
    with any_db.write() as session:
        contact = _contact(session)
        session.add(
            Gift(
                contact_id=contact.id,
                received_on=date(2025, 1, 2),
                amount_cents=5000,
                payment_method=PaymentMethod.CARD,
            )
        )
    with pytest.raises(IntegrityError), any_db.write() as session:
        session.execute(Contact.__table__.delete())


def test_deleting_a_contact_removes_its_emails_and_addresses(any_db: Database) -> None:
    with any_db.write() as session:
        contact = _contact(session)
        contact.emails.append(ContactEmail(email="jean@exemple.fr"))
        contact.addresses.append(
            PostalAddress(line4="1 rue de la Paix", postcode="75002", city="Paris")
        )
    with any_db.write() as session:
        session.delete(session.get(Contact, contact.id))
    with any_db.read() as session:
        assert session.scalars(select(ContactEmail)).all() == []
        assert session.scalars(select(PostalAddress)).all() == []


def test_datetimes_are_utc_aware_and_naive_ones_are_refused(any_db: Database) -> None:
    with any_db.write() as session:
        contact = _contact(session)
    with any_db.read() as session:
        stored = session.get(Contact, contact.id)
        assert stored is not None and stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    with pytest.raises(StatementError, match="naive datetime"), any_db.write() as session:
        contact = session.get(Contact, contact.id)
        contact.anonymised_at = datetime(2025, 1, 1)  # type: ignore[union-attr]


def test_receipt_numbers_are_unique_per_year(any_db: Database) -> None:
    def receipt(contact_id: int, number: str, sequence: int) -> Receipt:
        return Receipt(
            number=number,
            year=2025,
            sequence=sequence,
            kind=ReceiptKind.INDIVIDUAL,
            mode=ReceiptMode.PER_GIFT,
            contact_id=contact_id,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 1),
            total_cents=100,
            snapshot={},
            issued_at=datetime(2025, 2, 1, tzinfo=UTC),
        )

    with any_db.write() as session:
        contact = _contact(session)
        session.add(ReceiptSequence(year=2025, last_number=1))
        session.add(receipt(contact.id, "2025-00001", 1))
    with pytest.raises(IntegrityError), any_db.write() as session:
        session.add(receipt(contact.id, "2025-00001b", 1))


def test_display_name_for_people_and_organisations(db: Database) -> None:
    person = Contact(first_name="Jean-Pierre", last_name="Dupont")
    company = Contact(kind=ContactKind.ORGANISATION, organisation_name="Boulangerie Martin")
    assert person.display_name == "DUPONT Jean-Pierre"
    assert company.display_name == "Boulangerie Martin"
    assert company.is_organisation and not person.is_organisation
