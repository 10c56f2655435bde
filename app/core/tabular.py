"""Formula-safe table cells and CSV: the one writer behind every CSV the application produces.

A spreadsheet treats a cell starting with = + - @ (or tab / carriage return) as a formula;
a contact named "=HYPERLINK(...)" must not run anything when the file is opened. Such cells
are prefixed with an apostrophe (the OWASP recommendation), which shows the text as typed.

Every CSV the application writes goes through this module, and every XLSX through
app/reports/table_export.py, which uses the same cells (a test scans the code for csv.writer
and openpyxl Workbook elsewhere): exports, rejected import rows, the GDPR subject ZIP, the
processing register. It lives in the core so that core features (import, GDPR) can use it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Return `value` unchanged unless it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime | date):
        return (
            value.strftime("%d/%m/%Y")
            if not isinstance(value, datetime)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    return str(neutralise(value))


def _write_rows(handle: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow([_csv_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
    return count


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """French Excel CSV: UTF-8 with BOM, semicolons, decimal commas. Returns rows written.

    An empty header writes the rows only (for files whose first lines are a preamble).
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return _write_rows(handle, header, rows)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The same CSV as text (for a file inside a ZIP), without the BOM."""
    buffer = io.StringIO(newline="")
    _write_rows(buffer, header, rows)
    return buffer.getvalue()


def safe_row(row: Sequence[Any]) -> list[Any]:
    """A row ready for openpyxl's sheet.append (text neutralised, Decimal as float)."""
    return [float(v) if isinstance(v, Decimal) else neutralise(v) for v in row]
