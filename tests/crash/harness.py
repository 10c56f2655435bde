"""Crash-safety harness: SIGKILL a CLI command mid-way, then check the database.

A case names the CLI arguments, how to prepare the database, and what state to compare
(by default every table's row count). The harness first runs the command to completion on
a copy to learn the "after" state and its duration, then on fresh copies kills it at
several fractions of that duration and checks, each time, that the database opens (with
its integrity check), passes integrity and foreign-key checks, and equals either the
"before" or the "after" state: all or nothing.

Apply it to a new operation in a few lines:

    CASE = CrashCase("import", ["import", "contacts", "{data}/people.csv"],
                     prepare=lambda folder: make_db_and_csv(folder))
    def test_import_is_all_or_nothing(tmp_path): assert_all_or_nothing(CASE, tmp_path)
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.infrastructure.backup import verify_sqlite
from app.core.opening import open_database

ROOT = Path(__file__).resolve().parents[2]
Snapshot = Callable[[sqlite3.Connection], object]


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (the default all-or-nothing snapshot)."""
    names = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@dataclass(frozen=True)
class CrashCase:
    """One operation to kill: `argv` may use {db} (the database) and {data} (its folder)."""

    name: str
    argv: Sequence[str]
    prepare: Callable[[Path], None]  # writes {data}/obole.sqlite3 (and any input files)
    snapshot: Snapshot = row_counts
    env: dict[str, str] = field(default_factory=dict)
    kill_fractions: Sequence[float] = (0.15, 0.35, 0.55, 0.75, 0.95)


@dataclass
class CrashReport:
    """What happened in each killed run (for assertions on coverage)."""

    killed_mid_way: int = 0
    saw_before: int = 0
    saw_after: int = 0
    outcomes: list[str] = field(default_factory=list)


def _command(case: CrashCase, folder: Path) -> list[str]:
    values = {"db": str(folder / "obole.sqlite3"), "data": str(folder)}
    return [sys.executable, str(ROOT / "main.py"), *(a.format(**values) for a in case.argv)]


def _state(case: CrashCase, database: Path) -> object:
    connection = sqlite3.connect(database)
    try:
        return case.snapshot(connection)
    finally:
        connection.close()


def _start(case: CrashCase, folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OBOLE_HOME": str(folder / "home"), **case.env}
    return subprocess.Popen(
        _command(case, folder), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _check_opens(database: Path) -> None:
    opened = open_database(str(database))  # runs the integrity check on open
    opened.dispose()
    verify_sqlite(database)


def assert_all_or_nothing(case: CrashCase, tmp_path: Path) -> CrashReport:
    """Kill `case` at several points; every time the database is whole and all-or-nothing."""
    template = tmp_path / f"{case.name}-template"
    template.mkdir()
    case.prepare(template)
    before = _state(case, template / "obole.sqlite3")
    full = _fresh_copy(template, tmp_path / f"{case.name}-full")
    started = time.perf_counter()
    done = _start(case, full)
    _, stderr = done.communicate(timeout=300)
    duration = time.perf_counter() - started
    assert done.returncode == 0, stderr.decode()
    after = _state(case, full / "obole.sqlite3")
    assert after != before, f"{case.name} changed nothing: the test would prove nothing"
    report = CrashReport()
    for index, fraction in enumerate(case.kill_fractions):
        folder = _fresh_copy(template, tmp_path / f"{case.name}-kill{index}")
        process = _start(case, folder)
        time.sleep(duration * fraction)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            report.killed_mid_way += 1
        process.communicate(timeout=60)
        _check_opens(folder / "obole.sqlite3")
        state = _state(case, folder / "obole.sqlite3")
        assert state in (before, after), f"{case.name} killed at {fraction:.0%}: partial state"
        report.saw_before += state == before
        report.saw_after += state == after
        report.outcomes.append("before" if state == before else "after")
    assert report.killed_mid_way, f"{case.name}: never killed while running"
    return report


def _fresh_copy(template: Path, folder: Path) -> Path:
    shutil.copytree(template, folder)
    return folder
