"""Engine and session factory; SQLite pragmas; schema migrations with Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.errors import SchemaTooNew, StorageError
from app.paths import PRIVATE_DIR_MODE, create_private_file
from app.resources import migrations_dir

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = migrations_dir()
SQLITE_BUSY_TIMEOUT_MS = 10_000
BEGIN_OPTION = "obole_sqlite_begin"


def to_url(target: str) -> URL:
    """Turn a --db value (a file path or a database URL) into a SQLAlchemy URL."""
    if "://" in target:
        url = make_url(target)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(target).expanduser().resolve()))


def is_sqlite(url: URL) -> bool:
    """True when the URL designates an SQLite database."""
    return url.get_backend_name() == "sqlite"


def make_engine(target: str | URL, *, echo: bool = False) -> Engine:
    """Create an engine; on SQLite set WAL, foreign keys, busy timeout and explicit BEGIN."""
    url = target if isinstance(target, URL) else to_url(target)
    if not is_sqlite(url):
        try:
            return create_engine(url, echo=echo, pool_pre_ping=True)
        except ModuleNotFoundError as exc:  # the [postgresql] extra is not installed
            raise StorageError(
                f"Le pilote de base de données « {exc.name} » n'est pas installé : installez "
                "Obole avec « pip install 'obole[postgresql]' » pour une base PostgreSQL."
            ) from exc
    if url.database and url.database != ":memory:":
        file = Path(url.database)
        file.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        create_private_file(file)  # -wal and -shm files take the database file's mode
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN (so SAVEPOINT and IMMEDIATE work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine, *, user: str = "") -> sessionmaker[Session]:
    """Session factory; `session.info["user"]` names who acts, for the journal."""
    return sessionmaker(engine, expire_on_commit=False, info={"user": user})


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work that writes: takes the write lock at once on SQLite, commits at end.

    Taking the lock at BEGIN (IMMEDIATE) means two writers queue instead of one failing
    half-way with "database is locked".
    """
    with factory.begin() as session:
        session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
        yield session


def refresh_statistics(connection: Any) -> None:
    """Update the query planner's statistics (after bulk writes, and on open for SQLite).

    Without statistics SQLite may pick a low-cardinality index (e.g. the NPAI flag) and make
    the contact list 50 times slower. `analysis_limit` keeps ANALYZE to a few milliseconds.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
    connection.exec_driver_sql("ANALYZE")


# --- migrations -----------------------------------------------------------------------------


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration pointing at our migration scripts and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The schema revision this version of Obole writes."""
    head = ScriptDirectory.from_config(_script_config()).get_current_head()
    assert head is not None
    return head


def _script_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_state(engine: Engine) -> str:
    """'empty', 'current', 'older' or 'newer' compared with this version of Obole."""
    revision = current_revision(engine)
    if revision is None:
        tables = set(inspect(engine).get_table_names())
        if tables - {"alembic_version"}:
            raise StorageError("Cette base n'est pas une base Obole (tables inconnues).")
        return "empty"
    if revision == head_revision():
        return "current"
    known = {rev.revision for rev in ScriptDirectory.from_config(_script_config()).walk_revisions()}
    return "older" if revision in known else "newer"


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Apply migrations up to `revision` (refuses a database newer than this Obole)."""
    if schema_state(engine) == "newer":
        raise SchemaTooNew(
            "Cette base a été créée par une version plus récente d'Obole "
            f"(schéma {current_revision(engine)}). Mettez Obole à jour pour l'ouvrir."
        )
    command.upgrade(alembic_config(engine), revision)
