"""Command-line front end over the same services as the GUI (argparse).

Exit codes: 0 ok, 1 data or user error (with a message naming what is wrong), 2 usage error.
With --json, machine output goes to stdout and human messages to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__
from app.clicommands import COMMAND_MODULES
from app.clicommands.prompts import ask_secret
from app.core import instance_lock, session_login
from app.core.database import Database, open_database
from app.errors import AppError, NotFound, OperationCancelled, UserError
from app.paths import AppPaths, app_paths, database_target, restrict_umask

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2
PASSWORD_ENV_VAR = "OBOLE_PASSWORD"


@dataclass
class CliContext:
    """What a command needs: parsed arguments, paths, the database, and output helpers."""

    args: argparse.Namespace
    paths: AppPaths
    stdout: Any = field(default_factory=lambda: sys.stdout)
    stderr: Any = field(default_factory=lambda: sys.stderr)
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
                raise NotFound(f"Base introuvable : {target}. Créez-la avec « obole init ».")
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
            lambda: ask_secret(f"Mot de passe de {name} : ", env_var=PASSWORD_ENV_VAR),
        )
        for message in session_login.role_warnings(database):
            print(message, file=self.stderr)

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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit with 2, as argparse does
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The `obole` argument parser with every command registered."""
    parser = _Parser(prog="obole", description="Obole : gestion des donateurs et reçus fiscaux.")
    parser.add_argument("--version", action="version", version=f"obole {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="fichier SQLite ou URL de base (par défaut : $OBOLE_DB, sinon la base locale)",
    )
    common.add_argument(
        "--json",
        action="store_true",
        help="sortie lisible par machine sur stdout, messages sur stderr",
    )
    common.add_argument(
        "--user",
        default="",
        help="utilisateur (obligatoire quand la base en a plusieurs ; "
        "mot de passe dans $OBOLE_PASSWORD ou demandé)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(subparsers, common)
    return parser


def run_cli(argv: Sequence[str], *, paths: AppPaths | None = None) -> int:
    """Run one command; returns the exit code."""
    restrict_umask()  # personal data files are private whatever the user's umask
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    ctx = CliContext(args=args, paths=paths or app_paths())
    try:
        return int(args.handler(ctx) or EXIT_OK)
    except OperationCancelled as exc:
        print(f"obole: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (UserError, AppError) as exc:
        print(f"obole: erreur : {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        ctx.close()
