"""Kill a CLI command with SIGKILL half-way, then check the database it was writing."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kill_midway(
    args: list[str],
    *,
    db_path: Path,
    home: Path,
    after_seconds: float | None = None,
    after_percent: int | None = None,
) -> bool:
    """Run `obole ARGS --db DB` and SIGKILL it; True if it was killed before it ended.

    The kill comes after `after_seconds`, or, deterministically, as soon as the command
    reports on stderr at least `after_percent` (and less than 100) percent done.
    """
    env = {**os.environ, "OBOLE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "main.py", *args, "--db", str(db_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if after_percent is not None else subprocess.DEVNULL,
        text=True,
    )
    if after_percent is not None:
        assert process.stderr is not None
        for line in process.stderr:
            match = re.fullmatch(r"\s*(\d+) %", line.strip())
            if match and after_percent <= int(match.group(1)) < 100:
                break
    else:
        time.sleep(after_seconds or 0)
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    if process.stderr is not None:
        process.stderr.close()
    return killed


def assert_database_sound(db_path: Path) -> None:
    """The file opens, passes integrity and foreign-key checks."""
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
