"""Open an Obole database: migrate (after a backup), refuse newer schemas, journal sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import db
from app.core import journal
from app.core.backup import backup_sqlite, remove_stale_partials, sqlite_file
from app.core.clock import Clock, SystemClock
from app.core.gdpr import restriction
from app.core.gdpr.register import ensure_default_register
from app.core.integrity import check_database_file
from app.core.storage_errors import translate_storage_errors
from app.errors import SchemaTooNew

logger = logging.getLogger(__name__)


@dataclass
class Database:
    """An open database: engine, journaled session factory, and who is acting."""

    engine: Engine
    sessions: sessionmaker[Session]
    target: str
    backup_dir: Path | None = None
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        # The journal stamps its rows with this clock (app.core.journal.now).
        self.sessions.kw["info"][journal.CLOCK_KEY] = self.clock

    @property
    def user(self) -> str:
        """Username written in the journal."""
        return str(self.sessions.kw["info"].get("user", ""))

    @user.setter
    def user(self, value: str) -> None:
        self.sessions.kw["info"]["user"] = value

    @property
    def role(self) -> str:
        """Role of the acting user, checked by app.core.permissions.require."""
        return str(self.sessions.kw["info"].get("role", "admin"))

    @role.setter
    def role(self, value: str) -> None:
        self.sessions.kw["info"]["role"] = value

    @property
    def file(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL."""
        return sqlite_file(self.engine)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded engine."""
        return self.engine.dialect.name == "sqlite"

    def read(self) -> Session:
        """A session for reading (use as a context manager)."""
        return self.sessions()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work that writes; commits at the end, rolls back on error."""
        with (
            translate_storage_errors(self.file or self.target),
            db.write_session(self.sessions) as session,
        ):
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


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
