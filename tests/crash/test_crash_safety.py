"""kill -9 during demo generation and during a restore: all or nothing, database intact."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from app.core.infrastructure.backup import backup_sqlite
from tests.crash.harness import ROOT, CrashCase, assert_all_or_nothing


def _obole(*args: str, home: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "OBOLE_HOME": str(home)},
    )


def _existing_database(folder: Path) -> None:
    # Demo data only goes into an empty new database (#14.11): the kill lands while the
    # demo fills a freshly created one.
    _obole("init", "--db", str(folder / "obole.sqlite3"), home=folder / "home")


def _database_and_an_older_backup(folder: Path) -> None:
    database = folder / "obole.sqlite3"
    _obole("init", "--db", str(database), "--demo", "30", home=folder / "home")
    saved = backup_sqlite(database, folder / "saved", reason="manual")
    saved.path.rename(folder / "saved.sqlite3")
    # The database then grows to 400 other contacts (demo data needs an empty database,
    # so it is generated apart and put in place).
    other = folder / "other" / "obole.sqlite3"
    _obole("init", "--db", str(other), "--demo", "400", "--seed", "2", home=folder / "home")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    connection = sqlite3.connect(other)
    connection.execute("VACUUM INTO ?", (str(database),))
    connection.close()


DEMO = CrashCase(
    "demo", ["init", "--db", "{db}", "--demo", "1500", "--seed", "5"], prepare=_existing_database
)
RESTORE = CrashCase(
    "restore",
    ["backup", "restore", "{data}/saved.sqlite3", "--db", "{db}"],
    prepare=_database_and_an_older_backup,
    kill_fractions=(0.5, 0.7, 0.8, 0.9),
)


def test_demo_generation_killed_mid_way_is_all_or_nothing(tmp_path: Path) -> None:
    report = assert_all_or_nothing(DEMO, tmp_path)
    assert report.saw_before  # at least one kill landed inside the transaction


def test_restore_killed_mid_way_leaves_a_whole_database(tmp_path: Path) -> None:
    assert_all_or_nothing(RESTORE, tmp_path)
