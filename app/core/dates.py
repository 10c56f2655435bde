"""French dates: parse what people type (31/12/2025, 31/12/25, 2025-12-31) and print them."""

from __future__ import annotations

import re
from datetime import date

from app.errors import ValidationError
from app.i18n import _

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
TWO_DIGIT_PIVOT = 70  # 25 -> 2025, 85 -> 1985


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
