"""Open an Obole database: migrate (after a backup), refuse newer schemas, install the
journal and the GDPR restriction guard on its sessions, pre-fill the GDPR register.

The composition root of the core: infrastructure (the Database handle, backups, integrity)
and the GDPR rules every session obeys meet here, so neither package imports the other.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app import db
from app.core.clock import Clock, SystemClock
from app.core.gdpr import restriction
from app.core.gdpr.register import ensure_default_register
from app.core.infrastructure import journal
from app.core.infrastructure.backup import backup_sqlite, remove_stale_partials, sqlite_file
from app.core.infrastructure.database import Database
from app.core.infrastructure.integrity import check_database_file
from app.core.infrastructure.storage_errors import translate_storage_errors
from app.errors import SchemaTooNew

logger = logging.getLogger(__name__)


def open_database(
    target: str,
    *,
    user: str = "",
    backup_dir: Path | None = None,
    clock: Clock | None = None,
) -> Database:
    """Open (creating or upgrading as needed) the database at `target`.

    An older schema is backed up into `backup_dir` before it is upgraded; a newer schema
    raises SchemaTooNew and leaves the file untouched. A damaged file raises
    DatabaseDamaged; disk, lock and permission failures raise StorageError.
    """
    remove_stale_partials(backup_dir)
    with translate_storage_errors(target):
        engine = db.make_engine(target)
    try:
        with translate_storage_errors(target):
            file = sqlite_file(engine)
            if file is not None:
                check_database_file(file)
            created, migrated = _bring_schema_up_to_date(engine, backup_dir)
    except Exception:
        engine.dispose()
        raise
    if engine.dialect.name == "sqlite":
        _refresh_statistics_if_missing(engine, changed=created or migrated)
    factory = db.make_session_factory(engine, user=user)
    journal.install(factory)
    restriction.install(factory)
    database = Database(engine, factory, target, backup_dir, clock or SystemClock())
    if created:
        with database.write() as session:
            ensure_default_register(session)  # the GDPR register is pre-filled from the start
    return database


def _refresh_statistics_if_missing(engine: Engine, *, changed: bool) -> None:
    """ANALYZE when the schema just changed or statistics were never gathered.

    Opening must not write otherwise: a read-only command (`obole info`) run while another
    process holds the write lock (a long receipts batch) reads through WAL and must not
    queue behind the writer. Bulk writes (imports, demo) refresh statistics themselves.
    """
    with engine.connect() as connection:
        present = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        ).first()
    if present is not None and not changed:
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA busy_timeout = 0")  # never wait for a writer here
        connection.commit()
        try:
            with connection.begin():
                db.refresh_statistics(connection)
        except OperationalError as exc:
            logger.info("statistics not refreshed now (%s)", exc)
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {db.SQLITE_BUSY_TIMEOUT_MS}")
        connection.commit()


def _bring_schema_up_to_date(engine: Engine, backup_dir: Path | None) -> tuple[bool, bool]:
    """Migrate as needed; (created just now, migrated just now)."""
    state = db.schema_state(engine)
    if state == "newer":
        raise SchemaTooNew(
            f"La base {engine.url.render_as_string(hide_password=True)} a été créée par une "
            f"version plus récente d'Obole (schéma {db.current_revision(engine)}). "
            "Mettez Obole à jour pour l'ouvrir ; la base n'a pas été modifiée."
        )
    if state == "older":
        source = sqlite_file(engine)
        if source is not None and backup_dir is not None:
            backup_sqlite(source, backup_dir, reason="migration")
        logger.info("upgrading schema from %s", db.current_revision(engine))
    if state != "current":
        db.upgrade(engine)
    return state == "empty", state == "older"
