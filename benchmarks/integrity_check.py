"""Time of the open-time checks on a demo database: integrity_check vs quick_check vs a bare
`SELECT count(*)` baseline, all in the same run.
Usage (from the repository root): PYTHONPATH=. python benchmarks/integrity_check.py [N]"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from app.core.demo import generate_demo
from app.core.opening import open_database


def _timed(path: Path, sql: str) -> float:
    connection = sqlite3.connect(path)
    started = time.perf_counter()
    connection.execute(sql).fetchall()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    contacts = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    database = open_database(str(path))
    with database.write() as session:
        generate_demo(session, contacts=contacts, seed=1)
    database.dispose()
    size = path.stat().st_size / 1e6
    base = _timed(path, "SELECT count(*) FROM contact")
    full = _timed(path, "PRAGMA integrity_check")
    quick = _timed(path, "PRAGMA quick_check")
    fk = _timed(path, "PRAGMA foreign_key_check")
    print(f"{contacts} contacts, {size:.1f} MB")
    print(f"baseline count(*) {base * 1000:.1f} ms")
    print(f"integrity_check   {full * 1000:.1f} ms  ({full / size * 1000:.1f} ms/MB)")
    print(f"quick_check       {quick * 1000:.1f} ms  ({quick / full:.0%} of full)")
    print(f"foreign_key_check {fk * 1000:.1f} ms")


if __name__ == "__main__":
    main()
