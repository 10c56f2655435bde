"""Export a table (header + rows of plain values) to CSV or XLSX, safe against formula injection.

A spreadsheet treats a cell starting with = + - @ (or tab / carriage return) as a formula;
a contact named "=HYPERLINK(...)" must not run anything when the file is opened. Such cells
are prefixed with an apostrophe (the OWASP recommendation), which shows the text as typed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """French Excel CSV: UTF-8 with BOM, semicolons, decimal commas. Returns rows written."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([_csv_cell(h) for h in header])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
    return count


def write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Export"
) -> int:
    """XLSX with a bold frozen header; text cells neutralised. Returns rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's active sheet
    sheet.title = sheet_title[:31]
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else neutralise(v) for v in row])
        count += 1
    workbook.save(path)
    return count


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write CSV or XLSX depending on the file extension."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(path, header, rows)
    if suffix == ".csv":
        return write_csv(path, header, rows)
    raise ValueError(f"unsupported export format: {suffix}")
