"""Money: integer cents inside, French formatting at the edges."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from app.errors import ValidationError

MAX_EUROS = 10**9  # above, a typing or export error (a cap per gift is an import setting)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def format_eur(cents: int, *, locale: str = "fr_FR") -> str:
    """12345 -> '123,45 €' (French grouping with narrow no-break spaces)."""
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)


def cents_from_decimal(value: Decimal) -> int:
    """Decimal euros -> integer cents, rounded half up."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_eur(text: str) -> int:
    """Parse a French or plain amount ('1 234,56 €', '1234.56', '1.234,56') into cents."""
    cleaned = (text or "").strip().replace("€", "").replace("EUR", "").strip()
    for space in (" ", "\u00a0", "\u202f", "'"):
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        raise ValidationError("Montant vide : un montant en euros est attendu (ex. 1 234,56).")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    if not _PLAIN_NUMBER.match(cleaned):  # no NaN, Infinity, 1e400: only digits and one point
        raise ValidationError(
            f"Montant illisible « {text} » : un montant en euros est attendu (ex. 1 234,56)."
        )
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(
            f"Montant illisible « {text} » : un montant en euros est attendu (ex. 1 234,56)."
        ) from None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(f"Montant « {text} » : au plus deux décimales sont permises.")
    if abs(value) > MAX_EUROS:
        raise ValidationError(
            f"Montant « {text} » invraisemblable : {MAX_EUROS:,} € au plus.".replace(",", " ")
        )
    return cents_from_decimal(value)
