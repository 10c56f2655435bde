"""Amounts: French formats in, integer cents inside, French formatting out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.money import format_eur, parse_eur
from app.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56 €", 123456),
        ("1234.56", 123456),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("50", 5000),
        ("0,01", 1),
        ("12,5", 1250),
        ("1\u202f000,00\u00a0€", 100000),
        ("EUR 3", 300),
    ],
)
def test_parse_french_and_plain_amounts(text: str, cents: int) -> None:
    assert parse_eur(text) == cents


@pytest.mark.parametrize(
    "text", ["", "abc", "12,345,67", "1,001"[:0] + "1.2.3,4,5", "1,234"[:0] + "3,141"]
)
def test_unreadable_or_ambiguous_amounts_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(ValidationError, match="[Mm]ontant"):
        parse_eur(text)


@given(st.integers(min_value=0, max_value=10**11))
def test_formatting_then_parsing_gives_back_the_cents(cents: int) -> None:
    assert parse_eur(format_eur(cents)) == cents


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_plain_decimal_strings_parse_exactly(value: Decimal) -> None:
    assert parse_eur(str(value)) == int(value * 100)
