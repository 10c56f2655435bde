"""Backup actions shared by the GUI and the CLI: make a verified backup, restore one.

Restoring needs the restore permission and the database to itself (another instance
holding it refuses the restore); the current file is backed up first.
"""

from __future__ import annotations

from pathlib import Path

from app.core.infrastructure import backup, backup_crypto
from app.core.infrastructure.permissions import Permission
from app.errors import StorageError
from app.i18n import _
from app.operations.base import EVERYTHING, Change, OperationContext, Outcome, check_permission


def _backup_dir(ctx: OperationContext, chosen: Path | None) -> Path:
    folder = chosen or ctx.database.backup_dir
    if folder is None:
        raise StorageError(_("Aucun dossier de sauvegarde n'est configuré."))
    return folder


def create_backup(
    ctx: OperationContext,
    *,
    reason: str = "manual",
    passphrase: str | None = None,
    backup_dir: Path | None = None,
) -> Outcome[backup.BackupResult]:
    """A verified copy of the database now (encrypted with `passphrase` when given)."""
    result = backup.automatic_backup(
        ctx.database.engine, _backup_dir(ctx, backup_dir), reason=reason, passphrase=passphrase
    )
    if result is None:
        raise StorageError(_("Rien à sauvegarder pour cette base."))
    return Outcome(result, frozenset({Change.BACKUPS}))


def daily_backup(ctx: OperationContext) -> Outcome[backup.BackupResult | None]:
    """The day's verified backup, taken when the last one is more than 24 hours old (the
    GUI runs it in the background once its window is up; None when none was due)."""
    folder = ctx.database.backup_dir
    if folder is None or not backup.daily_backup_due(folder):
        return Outcome(None)
    result = backup.automatic_backup(ctx.database.engine, folder, reason="daily")
    return Outcome(result, frozenset({Change.BACKUPS}) if result else frozenset())


def restore_backup(
    ctx: OperationContext,
    source: Path,
    *,
    passphrase: str | None = None,
    backup_dir: Path | None = None,
) -> Outcome[backup.BackupResult]:
    """Replace the SQLite database by `source`; returns the safety copy of the old one.

    The caller reopens the database afterwards (its engine is disposed here).
    """
    check_permission(ctx, Permission.BACKUP_RESTORE)
    database = ctx.database
    file = database.file
    if file is None:
        raise StorageError(
            _(
                "La restauration ne concerne que les bases SQLite ; pour PostgreSQL "
                "utilisez pg_restore."
            )
        )
    with database.write():  # refused when another instance holds the database
        pass
    database.dispose()
    safety = backup.restore_sqlite(
        source, file, _backup_dir(ctx, backup_dir), passphrase=passphrase, user=database.user
    )
    return Outcome(safety, EVERYTHING)


def set_backup_passphrase(ctx: OperationContext, passphrase: str | None) -> Outcome[bool]:
    """Encrypt every future backup for `passphrase` (None: stop encrypting); administrator.

    Only the public key derived from it is stored: restoring an encrypted backup asks for it.
    """
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        if passphrase is None:
            backup_crypto.clear_backup_passphrase(session)
        else:
            backup_crypto.set_backup_passphrase(session, passphrase)
    return Outcome(passphrase is not None, frozenset({Change.SETTINGS, Change.BACKUPS}))


def verify_backup(
    ctx: OperationContext, source: Path, *, passphrase: str | None = None
) -> Outcome[Path]:
    """Check a backup file whole (checksum, integrity, row counts); raises with what is wrong.

    Reading only: a verification cancelled while it runs simply says nothing.
    """
    backup.verify_backup(source, passphrase=passphrase)
    ctx.cancel.raise_if_cancelled()
    return Outcome(source)
