"""Peak memory of reading workbooks for import: an ordinary XLSX, and crafted "bombs".

Prints the tracemalloc peak and the process's max RSS growth for each case; the bomb cases
must be refused before their shared strings are loaded (#14.18).
Usage: python benchmarks/import_workbook_memory.py [rows]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from openpyxl import Workbook

from app.core.importing.readers import read_table
from app.errors import ValidationError


def ordinary(path: Path, rows: int) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Nom", "Prénom", "Courriel", "Adresse", "Code postal", "Ville"])
    for i in range(rows):
        sheet.append([f"Nom{i}", "Hélène", f"p{i}@exemple.fr", f"{i} rue Haute", "21000", "Dijon"])
    workbook.save(path)
    return path


def bomb(path: Path, megabytes: int) -> Path:
    ordinary(path, 1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    big = "<si><t>" + "A" * 1_000_000 + "</t></si>"
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main">{big * megabytes}</sst>'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def measure(label: str, path: Path) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = f"{len(read_table(path).rows)} rows read"
    except ValidationError as exc:
        outcome = f"refused: {str(exc)[:90]}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    print(
        f"{label:32} file {path.stat().st_size / 1e6:7.2f} MB  peak {peak / 1e6:7.1f} MB  "
        f"max RSS +{rss_growth / 1e3:6.1f} MB  {elapsed:6.2f} s  {outcome}"
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        measure("shared-strings bomb 1 GB", bomb(root / "bomb1g.xlsx", 1000))
        measure("shared-strings bomb 60 MB", bomb(root / "bomb60.xlsx", 60))
        measure(f"ordinary XLSX, {rows} rows", ordinary(root / "ok.xlsx", rows))


if __name__ == "__main__":
    main()
