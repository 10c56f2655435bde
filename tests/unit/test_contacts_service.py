"""Contacts service and search: validation, derived fields, accent-insensitive search."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.core.contacts.editing import (
    AddressDraft,
    ContactDraft,
    create_contact,
    update_contact,
    validate_draft,
)
from app.core.contacts.postcodes import department_of, postcode_city_hint
from app.core.contacts.search import ContactFilter, ContactSort, count_contacts, fetch_window
from app.core.demo import generate_demo
from app.core.infrastructure.database import Database
from app.errors import PermissionDenied, ValidationError
from app.models import Contact, Gift
from app.models.enums import ContactKind, PaymentMethod, Role

TODAY = date(2026, 3, 15)


def _person(**kw) -> ContactDraft:  # type: ignore[no-untyped-def]
    base = {
        "first_name": "Jean-Pierre",
        "last_name": "Dupont",
        "emails": ["jp@exemple.fr"],
        "address": AddressDraft(line4="1 rue Haute", postcode="21000", city="Dijon"),
    }
    return ContactDraft(**{**base, **kw})


def test_search_is_case_and_accent_insensitive_and_knows_initials(any_db: Database) -> None:
    with any_db.write() as session:
        create_contact(session, _person(), today=TODAY)
        create_contact(
            session, _person(first_name="Hélène", last_name="Lefèvre", emails=[]), today=TODAY
        )
        create_contact(
            session,
            ContactDraft(kind=ContactKind.ORGANISATION, organisation_name="Œuvres Sociales SA"),
            today=TODAY,
        )
    with any_db.read() as session:

        def names(text: str) -> list[str]:
            return [
                r.name for r in fetch_window(session, ContactFilter(text=text), offset=0, limit=10)
            ]

        assert names("helene") == ["LEFÈVRE Hélène"]
        assert names("dupont jp") == ["DUPONT Jean-Pierre"]
        assert names("DUPONT J") == ["DUPONT Jean-Pierre"]
        assert names("oeuvres") == ["Œuvres Sociales SA"]
        assert names("21000") == ["DUPONT Jean-Pierre", "LEFÈVRE Hélène"]
        assert names("exemple.fr") == ["DUPONT Jean-Pierre"]
        assert names("zzz") == []


def test_filters_donor_last_gift_year_and_sort(any_db: Database) -> None:
    with any_db.write() as session:
        a = create_contact(session, _person(last_name="Alpha"), today=TODAY)
        b = create_contact(session, _person(last_name="Bravo"), today=TODAY)
        create_contact(session, _person(last_name="Charlie"), today=TODAY)
        session.add_all(
            [
                Gift(
                    contact_id=a.id,
                    received_on=date(2024, 5, 1),
                    amount_cents=100,
                    payment_method=PaymentMethod.CASH,
                ),
                Gift(
                    contact_id=b.id,
                    received_on=date(2025, 5, 1),
                    amount_cents=100,
                    payment_method=PaymentMethod.CASH,
                ),
            ]
        )
    with any_db.read() as session:
        assert count_contacts(session, ContactFilter(donor=True)) == 2
        assert count_contacts(session, ContactFilter(donor=False)) == 1
        rows = fetch_window(session, ContactFilter(last_gift_year=2024), offset=0, limit=10)
        assert [r.name for r in rows] == ["ALPHA Jean-Pierre"]
        by_gift = fetch_window(
            session,
            ContactFilter(sort=ContactSort.LAST_GIFT, descending=True, donor=True),
            offset=0,
            limit=10,
        )
        assert [r.name.split()[0] for r in by_gift] == ["BRAVO", "ALPHA"]


def test_validation_names_each_field() -> None:
    problems = validate_draft(
        ContactDraft(
            emails=["x@"],
            phones=["12"],
            address=AddressDraft(line4="x" * 39, postcode="2100", city="Dijon"),
        ),
        today=TODAY,
    )
    assert {p.field for p in problems} == {
        "last_name",
        "email0",
        "phone0",
        "address.line4",
        "address.postcode",
    }
    org = validate_draft(
        ContactDraft(kind=ContactKind.ORGANISATION, siren="123456789"), today=TODAY
    )
    assert {p.field for p in org} == {"organisation_name", "siren"}


def test_invalid_draft_saves_nothing_and_volunteer_may_write(db: Database) -> None:
    db.role = Role.VOLUNTEER
    with pytest.raises(ValidationError), db.write() as session:
        create_contact(session, _person(last_name=""), today=TODAY)
    with db.read() as session:
        assert session.scalars(select(Contact)).all() == []
    with db.write() as session:
        contact = create_contact(session, _person(), today=TODAY)
    with db.write() as session:
        update_contact(
            session,
            contact.id,
            _person(
                phones=["06 12 34 56 78"],
                address=AddressDraft(
                    line4="2 rue Basse", postcode="21000", city="Dijon", npai=True
                ),
            ),
            today=TODAY,
        )
    with db.read() as session:
        stored = session.get(Contact, contact.id)
        assert stored.phones[0].number == "+33612345678"  # type: ignore[union-attr]
        assert stored.primary_address.npai and stored.primary_address.npai_on == TODAY  # type: ignore[union-attr]
        assert "0612345678" in stored.search_text  # type: ignore[union-attr]


def test_an_unknown_role_fails_closed(db: Database) -> None:
    db.role = "nobody"
    with pytest.raises(ValueError), db.write() as session:
        create_contact(session, _person(), today=TODAY)


def test_postcode_reference() -> None:
    assert (
        department_of("97400") == "974"
        and department_of("21000") == "21"
        and department_of("96000") is None
    )
    assert postcode_city_hint("96000", "Nulle part") is not None
    assert postcode_city_hint("21000", "Beaune") is not None and "DIJON" in (
        postcode_city_hint("21000", "Beaune") or ""
    )
    assert postcode_city_hint("21000", "dijon") is None
    assert postcode_city_hint("1000", "Bruxelles", "BE") is None


def test_demo_initials_are_searchable(db: Database) -> None:
    with db.write() as session:
        generate_demo(session, contacts=400, seed=3, today=TODAY)
    with db.read() as session:
        jp = session.scalar(select(Contact).where(Contact.first_name == "Jean-Pierre"))
        if jp is not None:
            rows = fetch_window(
                session, ContactFilter(text=f"{jp.last_name} jp"), offset=0, limit=50
            )
            assert jp.id in [r.id for r in rows]


def test_permission_denied_for_gifts_as_volunteer(db: Database) -> None:
    from app.core.gifts.recording import GiftDraft, create_gift

    with db.write() as session:
        contact = create_contact(session, _person(), today=TODAY)
    db.role = Role.VOLUNTEER
    with pytest.raises(PermissionDenied), db.write() as session:
        create_gift(
            session,
            GiftDraft(
                contact_id=contact.id,
                received_on=TODAY,
                amount_cents=100,
                payment_method=PaymentMethod.CASH,
            ),
            today=TODAY,
        )
