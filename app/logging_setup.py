"""Logging configured once: a rotating file in the user log folder, warnings on stderr."""

from __future__ import annotations

import logging
import logging.handlers
import os

from app.paths import app_paths

LOG_FILE_NAME = "obole.log"


def configure_logging(*, verbose: bool = False) -> None:
    """Send INFO and above to the log file, WARNING and above (or all if verbose) to stderr."""
    root = logging.getLogger()
    if getattr(root, "_obole_configured", False):
        return
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        log_dir = app_paths().log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / LOG_FILE_NAME, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    except OSError:
        pass  # a read-only home must not prevent Obole from starting
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose or os.environ.get("OBOLE_DEBUG") else logging.WARNING)
    console.setFormatter(formatter)
    root.addHandler(console)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    root._obole_configured = True  # type: ignore[attr-defined]
