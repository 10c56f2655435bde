"""The probable-double rule of gifts (same donor, amount, date or cheque number)."""

from __future__ import annotations

from datetime import date

from app.core.gifts.recording import GiftKey, same_gift

BASE = GiftKey(1, date(2026, 3, 10), 3000, "111", "REM-7")


def test_same_cheque_is_a_double_even_with_another_date() -> None:
    assert same_gift(BASE, GiftKey(1, date(2026, 3, 11), 3000, " 111 ", ""))


def test_another_cheque_number_tells_two_gifts_apart() -> None:
    assert not same_gift(BASE, GiftKey(1, date(2026, 3, 10), 3000, "112", "REM-7"))


def test_same_day_without_cheque_is_a_double_unless_the_slips_differ() -> None:
    cash = GiftKey(1, date(2026, 3, 10), 3000)
    assert same_gift(cash, GiftKey(1, date(2026, 3, 10), 3000, "", "REM-7"))
    assert not same_gift(
        GiftKey(1, date(2026, 3, 10), 3000, "", "REM-8"),
        GiftKey(1, date(2026, 3, 10), 3000, "", "REM-7"),
    )


def test_another_donor_amount_or_day_is_not_a_double() -> None:
    assert not same_gift(BASE, GiftKey(2, BASE.received_on, 3000, "111", "REM-7"))
    assert not same_gift(BASE, GiftKey(1, BASE.received_on, 3001, "111", "REM-7"))
    cash = GiftKey(1, date(2026, 3, 10), 3000)
    assert not same_gift(cash, GiftKey(1, date(2026, 3, 9), 3000))
