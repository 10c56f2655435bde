"""Logging configured once: one log file per process in the user log folder, warnings on stderr.

The GUI, the CLI and a second instance may run at the same time. A single rotated file
shared by them breaks on Windows (a file open in another process cannot be renamed:
WinError 32) and interleaves elsewhere, so each process writes its own file,
`obole-<date>-<time>-<pid>.log`, and only ever rotates that one. At start-up the oldest
files beyond KEEP_FILES are deleted (a file still open by a running process on Windows is
simply skipped).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from datetime import datetime
from pathlib import Path

from app.paths import app_paths

LOG_PREFIX = "obole-"
KEEP_FILES = 30
MAX_BYTES = 2_000_000


def log_file_name(*, now: datetime | None = None, pid: int | None = None) -> str:
    """This process's log file name: obole-20260315-101500-1234.log."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{LOG_PREFIX}{stamp}-{os.getpid() if pid is None else pid}.log"


def prune_old_logs(log_dir: Path, *, keep: int = KEEP_FILES) -> None:
    """Delete the oldest log files beyond the `keep` most recent."""
    files = sorted(log_dir.glob(f"{LOG_PREFIX}*.log*"), key=_modified, reverse=True)
    for old in files[keep:]:
        with contextlib.suppress(OSError):  # open in a running process (Windows), or gone
            old.unlink()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def configure_logging(*, verbose: bool = False) -> None:
    """Send INFO and above to this process's log file, WARNING and above to stderr."""
    root = logging.getLogger()
    if getattr(root, "_obole_configured", False):
        return
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
    try:
        log_dir = app_paths().log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        prune_old_logs(log_dir, keep=KEEP_FILES - 1)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / log_file_name(), maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    except OSError:
        pass  # a read-only home must not prevent Obole from starting
    if sys.stderr is not None:  # None in a windowed launcher (no console on Windows)
        console = logging.StreamHandler()
        debug = verbose or os.environ.get("OBOLE_DEBUG")
        console.setLevel(logging.DEBUG if debug else logging.WARNING)
        console.setFormatter(formatter)
        root.addHandler(console)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    root._obole_configured = True  # type: ignore[attr-defined]
