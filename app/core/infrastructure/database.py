"""An open Obole database: engine, journaled sessions, who acts, read and write units of work.

Opening one (migrating, checking, installing the guards) is the job of app.core.opening."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import db
from app.core.clock import Clock, SystemClock
from app.core.infrastructure import journal
from app.core.infrastructure.backup import sqlite_file
from app.core.infrastructure.storage_errors import translate_storage_errors


@dataclass
class Database:
    """An open database: engine, journaled session factory, and who is acting."""

    engine: Engine
    sessions: sessionmaker[Session]
    target: str
    backup_dir: Path | None = None
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        # The journal stamps its rows with this clock (app.core.infrastructure.journal.now).
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
        """Role of the acting user, checked by app.core.infrastructure.permissions.require."""
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
