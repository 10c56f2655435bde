"""`obole backup create|list|verify|restore`: verified backups and safe restores.

Encryption: --encrypt reads the passphrase from $OBOLE_BACKUP_PASSPHRASE or asks for it;
verify and restore of an encrypted file need the same passphrase.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core import backup
from app.core.permissions import Permission
from app.i18n import _
from app.operations import backups as backup_ops
from app.operations.base import OperationContext, check_permission

PASSPHRASE_ENV_VAR = "OBOLE_BACKUP_PASSPHRASE"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `backup` command and its sub-commands."""
    parser = subparsers.add_parser("backup", parents=[common], help="sauvegardes")
    actions = parser.add_subparsers(dest="backup_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[common], help="faire une sauvegarde vérifiée")
    create.add_argument("--encrypt", action="store_true", help="chiffrer (phrase de passe)")
    create.add_argument("--reason", default="manual", help="motif inscrit dans le nom")
    actions.add_parser("list", parents=[common], help="lister les sauvegardes")
    verify = actions.add_parser("verify", parents=[common], help="vérifier une sauvegarde")
    verify.add_argument("file", type=Path)
    restore = actions.add_parser(
        "restore", parents=[common], help="restaurer (la base actuelle est sauvegardée d'abord)"
    )
    restore.add_argument("file", type=Path)
    parser.set_defaults(handler=run)


def _passphrase(*, needed: bool) -> str | None:
    if not needed:
        return None
    return os.environ.get(PASSPHRASE_ENV_VAR) or getpass.getpass(_("Phrase de passe : "))


def run(ctx: CliContext) -> int:
    """Dispatch to the sub-command."""
    action = ctx.args.backup_action
    backup_dir: Path = ctx.paths.backup_dir
    if action == "list":
        entries = backup.list_backups(backup_dir)
        ctx.result(
            [
                {
                    "file": str(e.path),
                    "reason": e.reason,
                    "created": e.created.isoformat(),
                    "size": e.size,
                    "encrypted": e.encrypted,
                }
                for e in entries
            ],
            "\n".join(
                f"{e.created:%Y-%m-%d %H:%M}  {e.reason:<16} {e.size:>10}  {e.path}"
                for e in entries
            )
            or _("Aucune sauvegarde dans {dir}.").format(dir=backup_dir),
        )
        return 0
    if action == "verify":
        file = ctx.args.file
        tables = backup.verify_backup(
            file, passphrase=_passphrase(needed=file.exists() and backup.is_encrypted(file))
        )
        ctx.result(
            {"file": str(file), "ok": True, "tables": tables},
            _("Sauvegarde intègre : {file} ({n} tables).").format(file=file, n=tables),
        )
        return 0
    op = ctx.operation()
    if action == "create":
        result = backup_ops.create_backup(
            op, reason=ctx.args.reason, passphrase=_passphrase(needed=ctx.args.encrypt)
        ).result
        ctx.result(
            {"file": str(result.path), "row_counts": result.row_counts},
            _("Sauvegarde vérifiée : {file}").format(file=result.path),
        )
        return 0
    return _restore(ctx, op)


def _restore(ctx: CliContext, op: OperationContext) -> int:
    check_permission(op, Permission.BACKUP_RESTORE)  # before asking for a passphrase
    source = ctx.args.file
    passphrase = _passphrase(needed=source.exists() and backup.is_encrypted(source))
    safety = backup_ops.restore_backup(op, source, passphrase=passphrase).result
    ctx.result(
        {"restored": str(source), "previous_database_saved_as": str(safety.path)},
        _("Base restaurée depuis {file}. L'ancienne base est sauvegardée dans {safety}.").format(
            file=source, safety=safety.path
        ),
    )
    return 0
