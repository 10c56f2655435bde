"""Detect a second Obole opening the same SQLite file: lock files next to the database.

Two files, the same on Windows, macOS and Linux:

* `<database>.lock-os` carries an operating-system lock (filelock: LockFileEx on Windows,
  flock elsewhere) held for the life of the writing process. The system drops it when that
  process ends, even by a crash, so two instances starting together cannot both win;
* `<database>.lock` says who writes: pid, host, user and start time (JSON), for the
  message shown to the others.

A `.lock` left by a process of this host that is no longer running (psutil: no such pid,
or a pid reused by a process started later) is stale and taken over; a lock from another
host is trusted, as its process cannot be checked from here. Whoever does not get
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
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from filelock import FileLock, Timeout
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
    """The file naming the holder, beside `database_file`."""
    return database_file.with_name(database_file.name + ".lock")


def os_lock_path(database_file: Path) -> Path:
    """The file carrying the operating-system lock, beside `database_file`."""
    return database_file.with_name(database_file.name + ".lock-os")


class _Held:
    """The operating-system lock this process holds on one database, and its users."""

    def __init__(self, os_lock: FileLock) -> None:
        self.os_lock = os_lock
        self.users = 0


_held: dict[Path, _Held] = {}  # by lock file: a process takes a database's lock once
_held_guard = threading.Lock()


class InstanceLock:
    """The lock this process holds on one database file; release() gives it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._released = False

    def release(self) -> None:
        """Give the lock back; the last user in this process removes the holder file."""
        with _held_guard:
            held = _held.get(self.path)
            if self._released or held is None:
                return
            self._released = True
            held.users -= 1
            if held.users > 0:
                return
            del _held[self.path]
            holder = read_holder(self.path)
            if holder is not None and holder.pid == os.getpid() and holder.host == _host():
                self.path.unlink(missing_ok=True)
            held.os_lock.release()


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


def _alive(pid: int, started: str = "") -> bool:
    """True when process `pid` runs and was started before the lock was written."""
    try:
        process = psutil.Process(pid)
        created = process.create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # exists, but not ours to inspect
        return True
    try:
        written = datetime.fromisoformat(started).timestamp()
    except ValueError:
        return True
    return created <= written + 1  # a later process reusing the pid is not the holder


def is_stale(holder: LockHolder | None) -> bool:
    """True when the holder is gone: unreadable lock, or a dead process on this host."""
    if holder is None:
        return True
    return holder.host == _host() and (
        holder.pid == os.getpid() or not _alive(holder.pid, holder.started)
    )


def acquire(database_file: Path) -> InstanceLock | LockHolder:
    """Take the lock, or return who holds it (a stale lock is taken over)."""
    path = lock_path(database_file)
    with _held_guard:
        held = _held.get(path)
        if held is None:
            os_lock = FileLock(str(os_lock_path(database_file)), thread_local=False)
            try:
                os_lock.acquire(timeout=0)
            except Timeout:
                return read_holder(path) or LockHolder(0, "?", "", "")
            holder = read_holder(path)
            if not is_stale(holder):
                os_lock.release()
                assert holder is not None
                return holder
            if holder is not None:
                logger.info("stale lock taken over: %s (%s)", path, holder.describe())
            _write_holder(path)
            held = _held[path] = _Held(os_lock)
        held.users += 1
        return InstanceLock(path)


def _write_holder(path: Path) -> None:
    record = {
        "pid": os.getpid(),
        "host": _host(),
        "user": _user(),
        "started": datetime.now(UTC).isoformat(),
    }
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temporary, path)


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
