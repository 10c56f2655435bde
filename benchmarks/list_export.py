"""Exporting the whole contact list of the 100,000-contact demo (the GUI's "Exporter" button):
CSV and XLSX through the operation (chunked reads, progress, cancel, atomic file), against a
bare baseline measured in the same run (the same rows read in one query and written by the
same writer, without chunks or progress).

Usage: python benchmarks/list_export.py [CONTACTS]
Target (issue #13): no frozen screen (it runs on the runner's worker thread with progress and
cancel); the figures say how long the user waits and what the operation adds to the writer.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import demo_database, rss_mb  # noqa: E402


class _Counting:
    """A progress sink that counts its updates (what the GUI's dialog would receive)."""

    def __init__(self) -> None:
        self.updates = 0

    def start(self, total: int, label: str = "") -> None:
        self.updates += 1

    def advance(self, steps: int = 1) -> None:
        self.updates += 1


def main() -> None:
    """Measure and print."""
    from app.core.contacts import search as contact_search
    from app.core.list_exports import CONTACT_HEADER, contact_line
    from app.core.opening import open_database
    from app.operations import exports
    from app.operations.base import OperationContext
    from app.reports.table_export import write_table

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    database = open_database(str(demo_database(size)))
    spec = contact_search.ContactFilter()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        print(f"Export of {size:,} contacts (rss {rss_mb():.0f} MB before)")
        for suffix in ("csv", "xlsx"):
            with database.read() as session:
                started = time.perf_counter()
                ids = list(session.scalars(contact_search.ids_query(spec)))
                rows = [contact_line(r) for r in contact_search.fetch_rows(session, ids)]
                count = write_table(out / f"bare.{suffix}", list(CONTACT_HEADER), iter(rows))
                bare = time.perf_counter() - started
            progress = _Counting()
            context = OperationContext(database, progress=progress)
            started = time.perf_counter()
            written = exports.export_contacts(context, spec, out / f"list.{suffix}").result
            operation = time.perf_counter() - started
            assert written == count, (written, count)
            print(
                f"  {suffix:4}: operation {operation:5.1f} s, bare {bare:5.1f} s, "
                f"ratio {operation / bare:.2f}; {written:,} rows; {progress.updates} progress "
                f"updates; {(out / f'list.{suffix}').stat().st_size / 1e6:.1f} MB; "
                f"rss {rss_mb():.0f} MB"
            )
    database.dispose()


if __name__ == "__main__":
    main()
