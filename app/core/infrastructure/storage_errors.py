"""One place that turns environment failures into clear French StorageError messages.

Disk full, database locked, file not found and permission denied each get a message that
names the file, chosen by errno or by the database driver's error code (never its text);
`translate_storage_errors` wraps any block (open, unit of work, backup).
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from app.errors import StorageError
from app.i18n import _

# SQLite primary result codes (https://sqlite.org/rescode.html); an extended code keeps
# its primary code in its low byte (SQLITE_READONLY_DBMOVED = 8 | (4 << 8)).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_FULL, SQLITE_CANTOPEN = 13, 14
# PostgreSQL SQLSTATE codes for the same situations.
PG_DISK_FULL, PG_LOCK_NOT_AVAILABLE, PG_READ_ONLY = "53100", "55P03", "25006"


def error_code(exc: BaseException) -> int | str | None:
    """The driver's error code: SQLite's primary result code, or PostgreSQL's SQLSTATE."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return str(sqlstate) if sqlstate else None


def storage_message(exc: BaseException, file: Path | str | None) -> str | None:
    """The user message for an environment failure, or None when `exc` is something else.

    Database failures are classified by the driver's error code, never by message text.
    """
    where = str(file) if file else _("(fichier inconnu)")
    if isinstance(exc, OSError):
        return _os_message(exc, where)
    if not isinstance(exc, (sqlite3.Error, DBAPIError)):
        return None
    code = error_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED, PG_LOCK_NOT_AVAILABLE):
        return _(
            "La base {file} est verrouillée par un autre programme ou une autre "
            "instance d'Obole. Fermez-la puis réessayez."
        ).format(file=where)
    if code in (SQLITE_FULL, PG_DISK_FULL):
        return _(
            "Le disque est plein : impossible d'écrire dans {file}. Libérez de "
            "la place puis réessayez."
        ).format(file=where)
    if code in (SQLITE_READONLY, SQLITE_PERM, PG_READ_ONLY):
        return _(
            "Écriture refusée sur {file} : le fichier ou son dossier est en lecture "
            "seule. Vérifiez les droits."
        ).format(file=where)
    if code == SQLITE_CANTOPEN:
        return _(
            "Impossible d'ouvrir {file} : le fichier ou son dossier n'existe pas "
            "ou n'est pas accessible."
        ).format(file=where)
    return None


def _os_message(exc: OSError, where: str) -> str | None:
    where = exc.filename or where
    if exc.errno == errno.ENOSPC:
        return _(
            "Le disque est plein : impossible d'écrire dans {file}. Libérez de la place "
            "puis réessayez."
        ).format(file=where)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _(
            "Accès refusé à {file} : vérifiez les droits sur le fichier et son dossier."
        ).format(file=where)
    if exc.errno == errno.ENOENT:
        return _("Fichier introuvable : {file}.").format(file=where)
    return None


@contextmanager
def translate_storage_errors(file: Path | str | None) -> Iterator[None]:
    """Re-raise environment failures inside the block as StorageError naming `file`."""
    try:
        yield
    except (OSError, sqlite3.Error, OperationalError) as exc:
        message = storage_message(exc, file)
        if message is None:
            raise
        raise StorageError(message) from exc
