"""Backups of the SQLite database with the online backup API, verified after writing."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from app.errors import StorageError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupResult:
    """Where a backup was written and what it holds."""

    path: Path
    reason: str
    tables: int


def sqlite_file(engine: Engine) -> Path | None:
    """The database file behind an SQLite engine, or None (memory, PostgreSQL)."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def backup_file_name(source: Path, reason: str, *, now: datetime | None = None) -> str:
    """File name such as obole-20261124-091500-migration.sqlite3."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")
    return f"{source.stem}-{stamp}-{reason}.sqlite3"


def backup_sqlite(source: Path, backup_dir: Path, *, reason: str) -> BackupResult:
    """Copy `source` with SQLite's online backup API, then check the copy's integrity."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / backup_file_name(source, reason)
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        tables = verify_sqlite(target)
    except (sqlite3.Error, OSError) as exc:
        target.unlink(missing_ok=True)
        raise StorageError(f"La sauvegarde de {source} a échoué : {exc}") from exc
    logger.info("backup written: %s (%s)", target, reason)
    return BackupResult(target, reason, tables)


def automatic_backup(
    engine: Engine, backup_dir: Path | None, *, reason: str
) -> BackupResult | None:
    """Backup taken before a risky operation (import, merge batch, receipt batch...).

    Returns None when there is nothing this function can copy (PostgreSQL, memory database
    or no backup folder configured); raises StorageError when the copy fails, so the risky
    operation does not start without its safety net.
    """
    source = sqlite_file(engine)
    if source is None or backup_dir is None:
        logger.info("no automatic backup for %s (%s)", engine.url.get_backend_name(), reason)
        return None
    return backup_sqlite(source, backup_dir, reason=reason)


def verify_sqlite(path: Path) -> int:
    """Run integrity and foreign-key checks on a database file; return its table count."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise StorageError(f"La sauvegarde {path} est corrompue : {result}")
        if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise StorageError(f"La sauvegarde {path} a des références cassées.")
        (tables,) = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    return int(tables)
