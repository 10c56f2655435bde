"""Integrity check on open: PRAGMA integrity_check (quick_check on big files) + foreign keys."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from app.core.infrastructure.backup import verify_sqlite
from app.errors import StorageError
from app.i18n import _

logger = logging.getLogger(__name__)

# Above this size the full integrity_check is replaced by quick_check. Measured by
# benchmarks/integrity_check.py: ~28 ms per MB for the full check (5,000 contacts = 11 MB
# in 0.3 s), quick_check ~23 % of that; 200 MB would keep the open under ~6 s.
QUICK_CHECK_ABOVE_BYTES = 200 * 1024 * 1024


class DatabaseDamaged(StorageError):
    """The database file failed its integrity check; the GUI offers a restore."""

    def __init__(self, message: str, *, file: Path) -> None:
        super().__init__(message)
        self.file = file


def check_database_file(file: Path) -> None:
    """Raise DatabaseDamaged when `file` fails the integrity or foreign-key checks."""
    if not file.exists():
        return
    quick = file.stat().st_size > QUICK_CHECK_ABOVE_BYTES
    try:
        verify_sqlite(file, quick=quick)
    except (StorageError, sqlite3.DatabaseError) as exc:
        logger.error("integrity check failed for %s: %s", file, exc)
        raise DatabaseDamaged(
            _(
                "{error} Restaurez une sauvegarde (Fichier > Sauvegardes, ou "
                "« obole backup restore »)."
            ).format(error=_detail(exc, file)),
            file=file,
        ) from exc


def _detail(exc: Exception, file: Path) -> str:
    if isinstance(exc, StorageError):
        return str(exc)
    return _("La base {file} est illisible ou corrompue ({error}).").format(file=file, error=exc)
