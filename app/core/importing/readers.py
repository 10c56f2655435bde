"""Read a spreadsheet file into a header and rows of text, detecting CSV encoding and delimiter.

Whatever cannot be read faithfully is refused with the file, the line and the reason, never
guessed: a file mixing two encodings, an unbalanced quote that would swallow the next lines,
binary content, a workbook whose shared strings or sheets would not fit in memory.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET  # noqa: N817

from app.errors import ValidationError
from app.i18n import _

DELIMITERS = ";,\t|"
MAX_CELL = 100_000  # characters per cell; a longer cell rejects its row (reported)
MAX_FILE_BYTES = 200 * 1024 * 1024  # a CSV larger than this is not a contact list
MAX_COLUMNS = 500
MAX_ROWS = 1_000_000
# Workbooks are zip files: what matters is the uncompressed size of what openpyxl/odfpy load.
MAX_SHARED_STRINGS_BYTES = 30 * 1024 * 1024
MAX_SHEET_BYTES = 300 * 1024 * 1024
MAX_ODS_CONTENT_BYTES = 60 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed for one member: above, a zip bomb
# The 8-bit encodings French spreadsheets come in: Windows Excel, old Mac Excel, DOS exports.
SINGLE_BYTE = ("cp1252", "mac_roman", "cp850", "latin-1")
FRENCH_LETTERS = set("éèêëàâäîïôöùûüçœæÉÈÊËÀÂÎÏÔÖÙÛÜÇŒÆ€'«»°")
COMMON_FRENCH = set("éèàçêô")  # the accents of everyday French weigh more than rare ones
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Table:
    """What was read: header, rows (as lists of text), and how the file was understood."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)
    # data row index (0-based, as in `rows`) -> [(column index, length)] of cells over MAX_CELL
    oversized: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def _fail(path: Path, message: str) -> ValidationError:
    return ValidationError(
        _("Fichier {file} : {message}").format(file=path.name, message=message), field="file"
    )


def _not_text(path: Path) -> ValidationError:
    return _fail(
        path, _("ce n'est pas un fichier texte (CSV), ni un classeur XLSX ou ODS reconnu.")
    )


# --- encodings ---------------------------------------------------------------------------


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (text with no BOM), else None."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _french_score(text: str) -> float:
    """How French a decoding looks: accented letters count, symbols and controls cost."""
    good = sum(1 + 2 * (c in COMMON_FRENCH) for c in text if c in FRENCH_LETTERS)
    bad = sum(
        1
        for c in text
        if ord(c) > 127 and c not in FRENCH_LETTERS and not c.isalpha() and c not in "\u00a0"
    )
    odd_letters = sum(1 for c in text if ord(c) > 127 and c.isalpha() and c not in FRENCH_LETTERS)
    return good - 3 * bad - odd_letters


def _single_byte(raw: bytes) -> str:
    """The 8-bit encoding of a non-UTF-8 file: charset-normalizer's ranking, checked on French."""
    from charset_normalizer import from_bytes

    candidates = []
    for match in from_bytes(raw[:200_000], cp_isolation=list(SINGLE_BYTE)):
        name = match.encoding.replace("_", "").lower()
        for known in SINGLE_BYTE:
            if known.replace("_", "").replace("-", "") in name.replace("-", ""):
                candidates.append(known)
    ordered = list(dict.fromkeys([*candidates, *SINGLE_BYTE]))
    scored = []
    for rank, encoding in enumerate(ordered):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((_french_score(text), -rank, encoding))
    return max(scored)[2]


def _physical_lines(raw: bytes) -> list[bytes]:
    return re.split(rb"\r\n|\r|\n", raw)


def _mixed_encoding_line(raw: bytes) -> tuple[int, int] | None:
    """(line in UTF-8, line not in UTF-8) when a file mixes both, else None."""
    utf8_line = other_line = 0
    for number, line in enumerate(_physical_lines(raw), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            return utf8_line, other_line
    return None


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Text and encoding: BOMs, UTF-16 without BOM, UTF-8, else the likeliest 8-bit encoding."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(path, raw[3:], "utf-8"), "utf-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(path, raw, "utf-16"), "utf-16"
    wide = _utf16_without_bom(raw)
    if wide:
        return _strict(path, raw, wide), wide
    nuls = raw.count(0)
    if nuls > max(4, len(raw) // 1000):
        raise _not_text(path)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _mixed_encoding_line(raw)
    if mixed:
        raise _fail(
            path,
            _(
                "encodages mélangés : la ligne {utf8} est en UTF-8 mais la ligne {other} dans un "
                "autre encodage (Windows, Mac...). Réenregistrez le fichier entier en UTF-8."
            ).format(utf8=mixed[0], other=mixed[1]),
        )
    encoding = _single_byte(raw)
    return raw.decode(encoding), encoding


def _strict(path: Path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1 if encoding == "utf-8" else None
        where = _(" (ligne {row})").format(row=line) if line else ""
        raise _fail(
            path,
            _("octets invalides pour l'encodage {encoding}{where} : encodages mélangés ?").format(
                encoding=encoding.upper(), where=where
            ),
        ) from None


def _check_text(path: Path, text: str) -> None:
    """Refuse binary content that has no NUL byte (control characters everywhere)."""
    controls = len(CONTROL.findall(text[:100_000]))
    if controls > max(8, len(text[:100_000]) // 200):
        raise _not_text(path)


# --- CSV ---------------------------------------------------------------------------------


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


def _csv_rows(path: Path, text: str, delimiter: str) -> list[list[str]]:
    """Parse strictly: an unbalanced quote is refused with the line where its row starts."""
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    start = 1
    try:
        for row in reader:
            if reader.line_num - start > 0 and _swallowed(row, delimiter):
                raise _unbalanced(path, start, reader.line_num)
            rows.append(row)
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS + 1:
                raise _fail(path, _("plus de {n} lignes.").format(n=MAX_ROWS))
    except csv.Error:
        raise _unbalanced(path, start, reader.line_num) from None
    return rows


def _swallowed(row: list[str], delimiter: str) -> bool:
    """A quoted cell spanning lines that itself holds delimiters: following rows were eaten."""
    return any(("\n" in cell or "\r" in cell) and delimiter in cell for cell in row)


def _unbalanced(path: Path, start: int, end: int) -> ValidationError:
    return _fail(
        path,
        _(
            "ligne {row} : guillemet non fermé ou mal placé (la cellule déborderait jusqu'à la "
            "ligne {end}) ; corrigez ce guillemet, aucune ligne n'a été importée."
        ).format(row=start, end=max(end, start)),
    )


def read_csv(path: Path) -> Table:
    """A CSV file of any usual encoding (UTF-8/16, Windows, Mac, DOS), delimiter, line ending."""
    raw = path.read_bytes()
    text, encoding = decode(path, raw)
    _check_text(path, text)
    delimiter = sniff_delimiter(text[:20_000])
    rows = _csv_rows(path, text, delimiter)
    return _table(path, rows, encoding=encoding, delimiter=delimiter)


# --- workbooks ---------------------------------------------------------------------------


def _check_zip(path: Path, limits: dict[str, int], kind: str) -> None:
    """Refuse a workbook whose parts would not fit in memory, before anything is loaded.

    `limits` maps a member name prefix to its largest uncompressed size.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(
            path, _("classeur {kind} illisible ({error}).").format(kind=kind, error=exc)
        ) from None
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        limit = next((v for k, v in limits.items() if info.filename.startswith(k)), None)
        too_big = limit is not None and info.file_size > limit
        if too_big or (info.file_size > 10 * 1024 * 1024 and ratio > MAX_ZIP_RATIO):
            raise _fail(
                path,
                _(
                    "la partie {part} du classeur ferait {size} Mo une fois décompressée "
                    "({limit} Mo au plus) : enregistrez la feuille en CSV ou scindez le fichier."
                ).format(
                    part=info.filename,
                    size=info.file_size // (1024 * 1024),
                    limit=(limit or MAX_SHEET_BYTES) // (1024 * 1024),
                ),
            )


def read_xlsx(path: Path) -> Table:
    """The first sheet of an Excel workbook, streamed (read-only mode), sizes checked first."""
    from openpyxl import load_workbook

    _check_zip(
        path,
        {"xl/sharedStrings": MAX_SHARED_STRINGS_BYTES, "xl/worksheets/": MAX_SHEET_BYTES},
        "XLSX",
    )
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a readable workbook"
        raise _fail(path, _("classeur XLSX illisible ({error}).").format(error=exc)) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a forged dimension must not pad rows to 16,384 columns
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(_bounded_row(path, row, len(rows)))
    finally:
        workbook.close()
    return _table(path, rows)


def _bounded_row(path: Path, row: tuple[object, ...], count: int) -> list[str]:
    if count > MAX_ROWS:
        raise _fail(path, _("plus de {n} lignes.").format(n=MAX_ROWS))
    values = ["" if v is None else _cell_text(v) for v in row[: MAX_COLUMNS + 1]]
    while values and not values[-1]:
        values.pop()
    if len(values) > MAX_COLUMNS:
        raise _fail(
            path,
            _("ligne {row} : plus de {n} colonnes remplies.").format(row=count + 1, n=MAX_COLUMNS),
        )
    return values


TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def read_ods(path: Path) -> Table:
    """The first sheet of an OpenDocument spreadsheet, streamed from content.xml (iterparse:
    memory stays flat whatever the size), sizes checked first."""
    _check_zip(path, {"content.xml": MAX_ODS_CONTENT_BYTES}, "ODS")
    rows: list[list[str]] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            _ods_rows(path, content, rows)
    except (KeyError, ET.ParseError, zipfile.BadZipFile) as exc:
        raise _fail(
            path, _("classeur {kind} illisible ({error}).").format(kind="ODS", error=exc)
        ) from None
    return _table(path, rows)


def _ods_rows(path: Path, content: Any, rows: list[list[str]]) -> None:
    """Fill `rows` from the first table; repeated empty rows and cells are not expanded."""
    depth = 0  # nesting of table:table (only the first one is read)
    values: list[str] = []
    for event, element in ET.iterparse(content, events=("start", "end")):
        tag = element.tag
        if tag == f"{{{TABLE_NS}}}table":
            depth += event == "start"
            if event == "end":
                return
        elif event == "end" and depth and tag == f"{{{TABLE_NS}}}table-cell":
            values += [_ods_value(element)] * min(
                int(element.get(f"{{{TABLE_NS}}}number-columns-repeated", "1")), MAX_COLUMNS + 1
            )
            element.clear()
        elif event == "end" and depth and tag == f"{{{TABLE_NS}}}table-row":
            repeat = int(element.get(f"{{{TABLE_NS}}}number-rows-repeated", "1"))
            row = _bounded_row(path, tuple(values), len(rows))
            for _copy in range(min(repeat, MAX_ROWS) if any(row) else 1):
                rows.append(list(row))
                _bounded_row(path, (), len(rows))
            values = []
            element.clear()


def _ods_value(cell: Any) -> str:
    kind = cell.get(f"{{{OFFICE_NS}}}value-type", "")
    if kind in ("float", "currency", "percentage"):
        return _cell_text(float(cell.get(f"{{{OFFICE_NS}}}value", "0")))
    if kind == "date":
        return str(cell.get(f"{{{OFFICE_NS}}}date-value", ""))[:10]
    return "\n".join("".join(paragraph.itertext()) for paragraph in cell.iter(f"{{{TEXT_NS}}}p"))


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
    for index, row in enumerate(table.rows):
        for column, cell in enumerate(row):
            if len(cell) > MAX_CELL:
                table.oversized.setdefault(index, []).append((column, len(cell)))
                row[column] = cell[:200]  # the row is rejected; keep a preview, not 10 MB
                table.notes.append(
                    _(
                        "Ligne {row}, colonne « {column} » : cellule de {n} caractères ({max} au "
                        "plus), ligne rejetée."
                    ).format(
                        row=index + 2, column=column_name(header, column), n=len(cell), max=MAX_CELL
                    )
                )
    return table


def column_name(header: list[str], index: int) -> str:
    """The header of column `index`, or its number when the row is longer than the header."""
    return header[index] if index < len(header) and header[index] else str(index + 1)


def read_table(path: Path) -> Table:
    """Read CSV, XLSX or ODS (by extension, then by content)."""
    if path.is_dir():
        raise _fail(path, _("c'est un dossier : indiquez le fichier à importer."))
    if not path.exists():
        raise _fail(path, _("fichier introuvable."))
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise _fail(path, _("lecture impossible ({error}).").format(error=exc.strerror)) from None
    if size == 0:
        raise _fail(
            path,
            _(
                "le fichier est vide : une ligne d'en-têtes puis une ligne par contact ou don sont "
                "attendues."
            ),
        )
    if path.suffix.lower() == ".xlsx" or (head == b"PK\x03\x04" and path.suffix.lower() != ".ods"):
        return read_xlsx(path)
    if path.suffix.lower() == ".ods":
        return read_ods(path)
    if size > MAX_FILE_BYTES:
        raise _fail(
            path,
            _("{size} Mo : {max} Mo au plus.").format(size=size >> 20, max=MAX_FILE_BYTES >> 20),
        )
    return read_csv(path)
