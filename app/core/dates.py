"""French dates: parse what people type (31/12/2025, 31/12/25, 2025-12-31, 3 mars 2026) and
print them."""

from __future__ import annotations

import re
from datetime import date

from app.errors import ValidationError
from app.i18n import _

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
TWO_DIGIT_PIVOT = 70  # 25 -> 2025, 85 -> 1985
_FRENCH_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_WORDS = re.compile(r"^\s*(?:1er|(\d{1,2}))\s+([^\W\d_]+)\.?\s+(\d{4})\s*$")


def _french_words(text: str) -> tuple[int, int, int] | None:
    """ "3 mars 2026", "1er janvier 2026", "14 févr. 2026" -> (2026, 3, 3)."""
    import unicodedata

    folded = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )
    match = _WORDS.match(folded)
    if not match or match.group(2) not in _FRENCH_MONTHS:
        return None
    day = int(match.group(1)) if match.group(1) else 1
    return int(match.group(3)), _FRENCH_MONTHS[match.group(2)], day


def parse_date(text: str, *, field: str = "date", past: bool = False) -> date:
    """Parse dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd; ValidationError naming the expected form.

    A two-digit year means 20yy below the pivot (a gift in '25'); with `past` (a birth date)
    it means the latest such year that is not in the future ('60' -> 1960).
    """
    match = _DMY.match(text or "")
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            if past:
                year += 2000 if 2000 + year <= date.today().year else 1900
            else:
                year += 2000 if year < TWO_DIGIT_PIVOT else 1900
    elif iso := _ISO.match(text or ""):
        year, month, day = (int(g) for g in iso.groups())
    elif words := _french_words(text or ""):
        year, month, day = words
    else:
        raise ValidationError(
            _("Date « {value} » illisible : jj/mm/aaaa attendu.").format(value=text), field=field
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Date « {value} » impossible (jour ou mois hors calendrier).").format(value=text),
            field=field,
        ) from None


def parse_optional_date(text: str, *, field: str = "date", past: bool = False) -> date | None:
    """Like parse_date, but an empty text means no date."""
    return parse_date(text, field=field, past=past) if (text or "").strip() else None


def format_date(value: date | None) -> str:
    """31/12/2025 (empty for None)."""
    return value.strftime("%d/%m/%Y") if value else ""
