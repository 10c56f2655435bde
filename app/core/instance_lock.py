"""Detect a second Obole opening the same SQLite file: a lock file next to the database.

`<database>.lock` holds the pid, host, user and start time of the instance that writes.
A lock left by a dead process on this host is stale and taken over. Whoever does not get
the lock may still open the database read-only (`make_read_only`): every write unit of
work is then refused with a message naming the holder. The GUI offers read-only or quit;
the CLI runs read commands and refuses writes (it does not wait: a GUI may stay open for
hours).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from app.db import BEGIN_OPTION
from app.errors import Conflict
from app.i18n import _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LockHolder:
    """Who holds a database."""

    pid: int
    host: str
    user: str
    started: str

    def describe(self) -> str:
        """« marie sur portable-asso (processus 1234, depuis 2026-03-15 10:00) »."""
        return _("{user} sur {host} (processus {pid}, depuis {started})").format(
            user=self.user or "?", host=self.host, pid=self.pid, started=self.started[:16]
        )


def lock_path(database_file: Path) -> Path:
    """The lock file beside `database_file`."""
    return database_file.with_name(database_file.name + ".lock")


class InstanceLock:
    """The lock this process holds on one database file; release() removes it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def release(self) -> None:
        """Remove the lock file if it is still ours."""
        holder = read_holder(self.path)
        if holder is not None and holder.pid == os.getpid() and holder.host == _host():
            self.path.unlink(missing_ok=True)


def _host() -> str:
    return socket.gethostname()


def read_holder(path: Path) -> LockHolder | None:
    """The holder written in a lock file (None when absent or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(
            int(data["pid"]),
            str(data["host"]),
            str(data.get("user", "")),
            str(data.get("started", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(holder: LockHolder | None) -> bool:
    """True when the holder is gone: unreadable lock, or a dead process on this host."""
    if holder is None:
        return True
    return holder.host == _host() and (holder.pid == os.getpid() or not _alive(holder.pid))


def acquire(database_file: Path) -> InstanceLock | LockHolder:
    """Take the lock, or return who holds it (a stale lock is taken over)."""
    path = lock_path(database_file)
    for _attempt in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = read_holder(path)
            if not is_stale(holder):
                assert holder is not None
                return holder
            logger.info("stale lock removed: %s", path)
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(
                {
                    "pid": os.getpid(),
                    "host": _host(),
                    "user": _user(),
                    "started": datetime.now(UTC).isoformat(),
                },
                stream,
            )
        return InstanceLock(path)
    holder = read_holder(path)
    return holder or LockHolder(0, "?", "", "")


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def make_read_only(engine: Engine, holder: LockHolder) -> None:
    """Refuse every write unit of work on `engine`, naming who holds the database."""

    @event.listens_for(engine, "begin")
    def _refuse_writes(connection: Any) -> None:
        if connection.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE":
            raise Conflict(
                _(
                    "La base est ouverte en écriture par {holder} : elle est ici en "
                    "lecture seule. Fermez l'autre instance d'Obole puis "
                    "réessayez."
                ).format(holder=holder.describe())
            )
