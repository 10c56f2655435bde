"""Read a spreadsheet file into a header and rows of text, detecting CSV encoding and delimiter."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.errors import ValidationError
from app.i18n import _

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = ";,\t|"
MAX_CELL = 100_000  # characters kept per cell; longer cells are reported


@dataclass
class Table:
    """What was read: header, rows (as lists of text), and how the file was understood."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def _fail(path: Path, message: str) -> ValidationError:
    return ValidationError(
        _("Fichier {file} : {message}").format(file=path.name, message=message), field="file"
    )


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM) first, then cp1252, then latin-1."""
    if b"\x00" in raw[:4096]:
        raise _fail(
            path, _("ce n'est pas un fichier texte (CSV), ni un classeur XLSX ou ODS reconnu.")
        )
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise _fail(path, _("encodage illisible."))  # unreachable: latin-1 decodes anything


def sniff_delimiter(sample: str) -> str:
    """The delimiter used in the first lines (; , tab |), semicolon when unsure (French Excel)."""
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    best, best_score = ";", -1
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        if counts and min(counts) > 0:
            score = min(counts) * 10 - (max(counts) - min(counts))
            if score > best_score:
                best, best_score = delimiter, score
    return best


def read_csv(path: Path) -> Table:
    """A CSV file of any usual French encoding and delimiter."""
    text, encoding = decode(path, path.read_bytes())
    delimiter = sniff_delimiter(text[:20_000])
    csv.field_size_limit(10**8)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return _table(path, rows, encoding=encoding, delimiter=delimiter)


def read_xlsx(path: Path) -> Table:
    """The first sheet of an Excel workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a readable workbook"
        raise _fail(path, _("classeur XLSX illisible ({error}).").format(error=exc)) from None
    sheet = workbook.worksheets[0]
    rows = [
        ["" if v is None else _cell_text(v) for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return _table(path, rows)


def read_ods(path: Path) -> Table:
    """The first sheet of an OpenDocument spreadsheet."""
    from odf.opendocument import load
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow

    try:
        document = load(str(path))
    except Exception as exc:  # noqa: BLE001
        raise _fail(path, _("classeur ODS illisible ({error}).").format(error=exc)) from None
    sheets = document.spreadsheet.getElementsByType(OdsTable)
    rows: list[list[str]] = []
    for row in sheets[0].getElementsByType(TableRow) if sheets else []:
        values: list[str] = []
        for cell in row.getElementsByType(TableCell):
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            value = (
                cell.getAttribute("value")
                if cell.getAttribute("valuetype") == "float"
                else str(cell)
            )
            values += [value or ""] * min(repeat, 200)
        rows.append(values)
    return _table(path, rows)


def _cell_text(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(path: Path, rows: list[list[str]], *, encoding: str = "", delimiter: str = "") -> Table:
    rows = [row for row in rows if any(str(c).strip() for c in row)]
    if not rows:
        raise _fail(
            path,
            _(
                "le fichier est vide : une ligne d'en-têtes puis une ligne par contact ou don sont "
                "attendues."
            ),
        )
    header = [str(h).strip() for h in rows[0]]
    table = Table(path, header, [[str(c) for c in row] for row in rows[1:]], encoding, delimiter)
    if not table.rows:
        raise _fail(path, _("seule la ligne d'en-têtes est présente : aucune donnée à importer."))
    for number, row in enumerate(table.rows, start=2):
        for index, cell in enumerate(row):
            if len(cell) > MAX_CELL:
                row[index] = cell[:MAX_CELL]
                table.notes.append(
                    _("Ligne {row}, colonne {column} : cellule de {n} caractères tronquée.").format(
                        row=number,
                        column=header[index] if index < len(header) else index + 1,
                        n=len(cell),
                    )
                )
    return table


def read_table(path: Path) -> Table:
    """Read CSV, XLSX or ODS (by extension, then by content)."""
    if not path.exists():
        raise _fail(path, _("fichier introuvable."))
    if path.stat().st_size == 0:
        raise _fail(
            path,
            _(
                "le fichier est vide : une ligne d'en-têtes puis une ligne par contact ou don sont "
                "attendues."
            ),
        )
    with path.open("rb") as handle:
        head = handle.read(4)
    if path.suffix.lower() == ".xlsx" or (head == b"PK\x03\x04" and path.suffix.lower() != ".ods"):
        return read_xlsx(path)
    if path.suffix.lower() == ".ods":
        return read_ods(path)
    return read_csv(path)
