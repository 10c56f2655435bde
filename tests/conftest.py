"""Shared fixtures: isolated folders, real databases (SQLite file, PostgreSQL), a clock."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring.backends.fail
import keyring.core
import pytest
from sqlalchemy import create_engine, text

import app.operations  # noqa: F401  (hands the receipt renderer to the core)
from app.core.clock import FixedClock
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.models import Base

PG_URL_VAR = "OBOLE_TEST_PG_URL"
PG_SKIP_VAR = "OBOLE_TEST_PG_SKIP"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/ui are GUI tests; tests using `any_db` run on both engines."""
    for item in items:
        if "/tests/ui/" in str(item.fspath):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes under its own temporary OBOLE_HOME, never in the user's folders."""
    home = tmp_path / "home"
    monkeypatch.setenv("OBOLE_HOME", str(home))
    monkeypatch.delenv("OBOLE_DB", raising=False)
    monkeypatch.setenv("OBOLE_LANG", "fr")
    # never the developer's real keyring: no backend, so the SMTP password goes to the file
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())
    return home


class _FailOnWarning(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("app"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_unexpected_warning(request: pytest.FixtureRequest) -> Iterator[None]:
    """An unexpected WARNING or ERROR logged by app code fails the test."""
    handler = _FailOnWarning()
    logging.getLogger().addHandler(handler)
    yield
    logging.getLogger().removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("allow_log_warnings"):
        messages = "; ".join(r.getMessage() for r in handler.records)
        pytest.fail(f"unexpected log warning(s): {messages}")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker used by tests that expect logged warnings."""
    config.addinivalue_line("markers", "allow_log_warnings: the test expects logged warnings")


@pytest.fixture
def clock() -> FixedClock:
    """A fixed clock (2026-03-15 10:00 UTC) the test can move."""
    return FixedClock(datetime(2026, 3, 15, 10, 0, tzinfo=UTC))


# --- SQLite ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the current schema, migrated once per test worker."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(str(path))
    database.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, sqlite_template: Path) -> Path:
    """A fresh copy of the template database file."""
    path = tmp_path / "obole.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def db(db_path: Path, clock: FixedClock, tmp_path: Path) -> Iterator[Database]:
    """An open SQLite database (real file) acting as user 'test'."""
    database = open_database(
        str(db_path), user="test", backup_dir=tmp_path / "backups", clock=clock
    )
    yield database
    database.dispose()


# --- PostgreSQL --------------------------------------------------------------------------


def pg_unavailable_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None if they can."""
    if os.environ.get(PG_URL_VAR):
        return None
    return os.environ.get(PG_SKIP_VAR) or (
        f"PostgreSQL not available: {PG_URL_VAR} is not set (scripts/test.sh starts a server)"
    )


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL database for this test worker."""
    reason = pg_unavailable_reason()
    if reason:
        pytest.skip(reason=reason)
    admin_url = os.environ[PG_URL_VAR]
    name = f"obole_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    database = open_database(url)
    database.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, clock: FixedClock, tmp_path: Path) -> Iterator[Database]:
    """The same test on an SQLite file and on a PostgreSQL database."""
    if request.param == "sqlite":
        database = request.getfixturevalue("db")
        yield database
        return
    url = request.getfixturevalue("pg_url")
    database = open_database(url, user="test", backup_dir=tmp_path / "backups", clock=clock)
    _truncate_all(database)
    yield database
    database.dispose()
