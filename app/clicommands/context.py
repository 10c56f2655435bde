"""What every CLI command receives: parsed arguments, paths, the database, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from sqlalchemy.orm import Session

from app.clicommands.progress import StderrProgress
from app.clicommands.prompts import ask_secret
from app.core.access import session_login
from app.core.infrastructure import instance_lock
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.errors import NotFound
from app.i18n import _
from app.operations import base
from app.operations.base import OperationContext
from app.paths import AppPaths, database_target

PASSWORD_ENV_VAR = "OBOLE_PASSWORD"
T = TypeVar("T")


@dataclass
class CliContext:
    """What a command needs: parsed arguments, paths, the database, and output helpers."""

    args: argparse.Namespace
    paths: AppPaths
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _database: Database | None = None
    _lock: instance_lock.InstanceLock | None = None

    @property
    def json(self) -> bool:
        """True when --json was given."""
        return bool(self.args.json)

    def database(self, *, create: bool = False) -> Database:
        """Open (once) the database chosen by --db / $OBOLE_DB / the default file.

        Only `obole init` creates a missing SQLite file; other commands refuse it.
        """
        if self._database is None:
            self.paths.ensure()
            target = database_target(self.args.db, paths=self.paths)
            if "://" not in target and not create and not Path(target).expanduser().exists():
                raise NotFound(
                    _("Base introuvable : {target}. Créez-la avec « obole init ».").format(
                        target=target
                    )
                )
            self._database = open_database(target, backup_dir=self.paths.backup_dir)
            self._guard(self._database)
        return self._database

    def _guard(self, database: Database) -> None:
        """Read-only when another instance holds the file; log in when users exist."""
        if database.file is not None:
            taken = instance_lock.acquire(database.file)
            if isinstance(taken, instance_lock.LockHolder):
                instance_lock.make_read_only(database.engine, taken)
            else:
                self._lock = taken
        name = self.args.user
        session_login.identify(
            database,
            name,
            lambda: ask_secret(
                _("Mot de passe de {name} : ").format(name=name), env_var=PASSWORD_ENV_VAR
            ),
        )
        for message in session_login.role_warnings(database):
            print(message, file=self.stderr)

    def operation(self) -> OperationContext:
        """The context an operation runs in: this database, progress on stderr."""
        return OperationContext(self.database(), progress=StderrProgress(self.stderr))

    def query(self, read: Callable[[Session], T]) -> T:
        """A read of the core in one read session (what the GUI's runner.query does)."""
        return base.read(self.operation(), read)

    def say(self, message: str) -> None:
        """A human message: stdout normally, stderr in --json mode."""
        print(message, file=self.stderr if self.json else self.stdout)

    def result(self, data: Any, human: str | Callable[[], str]) -> None:
        """Print the command's result: JSON on stdout with --json, else the human text."""
        if self.json:
            json.dump(data, self.stdout, ensure_ascii=False, indent=2, default=str)
            self.stdout.write("\n")
        else:
            print(human() if callable(human) else human, file=self.stdout)

    def close(self) -> None:
        """Release the database."""
        if self._database is not None:
            self._database.dispose()
        if self._lock is not None:
            self._lock.release()
