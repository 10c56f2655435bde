"""Kill a CLI command with SIGKILL half-way, then check the database it was writing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kill_midway(args: list[str], *, db_path: Path, after_seconds: float, home: Path) -> bool:
    """Run `obole ARGS --db DB`, SIGKILL it after `after_seconds`; True if it was killed."""
    env = {**os.environ, "OBOLE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "main.py", *args, "--db", str(db_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after_seconds)
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return killed


def assert_database_sound(db_path: Path) -> None:
    """The file opens, passes integrity and foreign-key checks."""
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
