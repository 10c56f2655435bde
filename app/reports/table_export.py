"""Export a table (header + rows of plain values) to CSV or XLSX, safe against formula injection.

The cells and the CSV writer are app/core/tabular.py (shared with the core's own files: rejected
import rows, the GDPR subject ZIP); the XLSX writer is here. No other module writes CSV/XLSX.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.core.tabular import csv_text, neutralise, safe_row, write_csv

__all__ = ["csv_text", "neutralise", "safe_row", "write_csv", "write_table", "write_xlsx"]


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
    sheet.append(safe_row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        sheet.append(safe_row(row))
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
