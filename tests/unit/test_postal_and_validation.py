"""NF Z10-011 address blocks, e-mail and phone checks, erased identities."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.core.contacts.postal import (
    AddressParts,
    address_block,
    address_problems,
    city_line,
    recipient_line,
)
from app.core.contacts.validation import check_email, check_phone, format_phone
from app.core.gdpr.erased_identities import identity_hashes, is_erased
from app.core.infrastructure.database import Database
from app.models import ErasedIdentity
from app.models.types import utcnow


def test_block_follows_the_standard() -> None:
    parts = AddressParts(
        recipient=recipient_line(civility="Mme", first_name="Hélène", last_name="Dupont"),
        line2="Appartement 12",
        line4="3, rue de l'Église",
        postcode="21000",
        city="Saint-Étienne-lès-Remiremont",
    )
    block = address_block(parts)
    assert block == [
        "Mme Hélène DUPONT",
        "Appartement 12",
        "3 rue de l'Église",
        "21000 SAINT ETIENNE LES REMIREMONT",
    ]
    assert address_problems(parts) == []


def test_abroad_gets_a_country_line() -> None:
    block = address_block(
        AddressParts(
            recipient="Jean Martin",
            line4="12 rue Haute",
            postcode="1000",
            city="Bruxelles",
            country="BE",
        )
    )
    assert block[-1] == "BELGIQUE" and block[-2] == "1000 BRUXELLES"


def test_problems_name_the_field() -> None:
    parts = AddressParts(recipient="X", line4="x" * 39, postcode="2100", city="")
    fields = {p.field for p in address_problems(parts)}
    assert fields == {"line4", "postcode", "city"}


@given(st.text(max_size=60))
def test_city_line_is_capitals_digits_and_spaces(city: str) -> None:
    line = city_line("75001", city)
    assert line.startswith("75001")
    assert all(c.isdigit() or ("A" <= c <= "Z") or c == " " for c in line)


def test_email_and_phone_checks() -> None:
    assert check_email("Helene.Dupont@Exemple.fr").value == "Helene.Dupont@exemple.fr"
    assert not check_email("helene@").ok and "helene@" in (check_email("helene@").error or "")
    assert check_phone("06 12 34 56 78").value == "+33612345678"
    assert check_phone("+32 470 12 34 56").ok
    assert not check_phone("12").ok
    assert format_phone("+33612345678") == "06 12 34 56 78"


def test_erased_identity_is_recognised_by_name_or_email(db: Database) -> None:
    with db.write() as session:
        for digest in identity_hashes(
            session,
            first_name="Hélène",
            last_name="Dupont",
            birth_date=date(1960, 5, 1),
            email="h@exemple.fr",
        ):
            session.add(ErasedIdentity(identity_hash=digest, erased_at=utcnow()))
    with db.read() as session:
        assert is_erased(
            session, first_name="HELENE", last_name="dupont", birth_date=date(1960, 5, 1)
        )
        assert is_erased(session, first_name="Autre", last_name="Nom", email="H@exemple.fr")
        assert not is_erased(
            session, first_name="Hélène", last_name="Dupont", birth_date=date(1961, 5, 1)
        )


@given(
    st.from_regex(
        r"[a-z0-9]{1,8}([._+-][a-z0-9]{1,8}){0,2}@[a-z0-9]{1,10}(\.[a-z0-9-]{1,8})?\.([a-z]{2,6}|test|local|onion|arpa|invalid)",
        fullmatch=True,
    )
)
def test_the_email_fast_path_agrees_with_email_validator(address: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    assert check_email(address).value == expected


@given(st.from_regex(r"(\+33|0)[1-9]( ?[0-9]{2}){4}", fullmatch=True))
def test_the_phone_fast_path_agrees_with_phonenumbers(text: str) -> None:
    import phonenumbers

    from app.core.contacts.validation import _fast_french

    fast = _fast_french(text)
    if fast is not None:
        number = phonenumbers.parse(text, "FR")
        assert phonenumbers.is_valid_number(number)
        assert fast == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
