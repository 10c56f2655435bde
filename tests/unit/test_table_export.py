"""Table exports neutralise spreadsheet formulas and read back intact."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.reports.table_export import neutralise, write_csv, write_xlsx

ROWS = [
    ['=HYPERLINK("http://x")', "+33 6 12 34 56 78", "Hélène", 12],
    ["@SUM(A1)", "-2", "ok", None],
]


def test_csv_is_french_excel_and_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert write_csv(path, ["Nom", "Téléphone", "Prénom", "N"], ROWS) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert (
        rows[1][0].startswith("'=") and rows[1][1].startswith("'+") and rows[2][0].startswith("'@")
    )
    assert rows[1][2] == "Hélène"


def test_xlsx_has_no_formula_cells(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["Nom", "Téléphone", "Prénom", "N"], ROWS)
    sheet = load_workbook(path).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for v in values)
    assert sheet["D2"].value == 12 and sheet["C2"].value == "Hélène"


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    assert not str(neutralise(text)).startswith(("=", "+", "-", "@", "\t", "\r"))
