"""One place that turns environment failures into clear French StorageError messages.

Disk full, database locked, file not found and permission denied each get a message that
names the file; `translate_storage_errors` wraps any block (open, unit of work, backup).
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError

from app.errors import StorageError
from app.i18n import _


def storage_message(exc: BaseException, file: Path | str | None) -> str | None:
    """The user message for an environment failure, or None when `exc` is something else."""
    where = str(file) if file else _("(fichier inconnu)")
    if isinstance(exc, OSError):
        return _os_message(exc, where)
    text = str(getattr(exc, "orig", None) or exc).lower()
    if isinstance(exc, (sqlite3.OperationalError, OperationalError)):
        if "database is locked" in text or "database is busy" in text:
            return _(
                "La base {file} est verrouillée par un autre programme ou une autre "
                "instance d'Obole. Fermez-la puis réessayez."
            ).format(file=where)
        if "disk is full" in text or "database or disk is full" in text:
            return _(
                "Le disque est plein : impossible d'écrire dans {file}. Libérez de "
                "la place puis réessayez."
            ).format(file=where)
        if "readonly" in text or "read-only" in text:
            return _(
                "Écriture refusée sur {file} : le fichier ou son dossier est en lecture "
                "seule. Vérifiez les droits."
            ).format(file=where)
        if "unable to open" in text:
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
