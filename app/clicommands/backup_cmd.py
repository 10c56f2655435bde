"""`obole backup create|list|verify|restore`: verified backups and safe restores.

Encryption: when the association has set a backup passphrase (`obole backup passphrase`),
every backup is encrypted without asking; otherwise --encrypt reads a passphrase from
$OBOLE_BACKUP_PASSPHRASE or asks for it. Verify and restore of an encrypted file need the
passphrase.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.clicommands.prompts import ask_secret
from app.core.infrastructure import backup
from app.core.infrastructure.permissions import Permission
from app.errors import ValidationError
from app.i18n import _
from app.operations import backups as backup_ops
from app.operations.base import OperationContext, check_permission

PASSPHRASE_ENV_VAR = "OBOLE_BACKUP_PASSPHRASE"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `backup` command and its sub-commands."""
    parser = subparsers.add_parser("backup", parents=[common], help=_("sauvegardes"))
    actions = parser.add_subparsers(dest="backup_action", metavar=_("ACTION"), required=True)
    create = actions.add_parser("create", parents=[common], help=_("faire une sauvegarde vérifiée"))
    create.add_argument("--encrypt", action="store_true", help=_("chiffrer (phrase de passe)"))
    create.add_argument("--reason", default="manual", help=_("motif inscrit dans le nom"))
    actions.add_parser("list", parents=[common], help=_("lister les sauvegardes"))
    secret = actions.add_parser(
        "passphrase",
        parents=[common],
        help=_("phrase de passe des sauvegardes : toutes seront chiffrées (administrateur)"),
    )
    secret.add_argument("--clear", action="store_true", help=_("ne plus chiffrer les sauvegardes"))
    verify = actions.add_parser("verify", parents=[common], help=_("vérifier une sauvegarde"))
    verify.add_argument("file", type=Path, help=_("fichier de sauvegarde"))
    restore = actions.add_parser(
        "restore", parents=[common], help=_("restaurer (la base actuelle est sauvegardée d'abord)")
    )
    restore.add_argument("file", type=Path, help=_("fichier de sauvegarde"))
    parser.set_defaults(handler=run)


def _passphrase(*, needed: bool) -> str | None:
    if not needed:
        return None
    return ask_secret(_("Phrase de passe : "), env_var=PASSPHRASE_ENV_VAR)


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
                    "reason_label": backup.reason_label(e.reason),
                    "created": e.created.isoformat(),
                    "size": e.size,
                    "encrypted": e.encrypted,
                }
                for e in entries
            ],
            "\n".join(
                f"{e.created:%Y-%m-%d %H:%M}  {backup.reason_label(e.reason):<24} "
                f"{e.size:>10}  {e.path}"
                for e in entries
            )
            or _("Aucune sauvegarde dans {dir}.").format(dir=backup_dir),
        )
        return 0
    if action == "verify":
        file = ctx.args.file
        check = backup.check_backup(
            file, passphrase=_passphrase(needed=file.is_file() and backup.is_encrypted(file))
        )
        seal = (
            _("empreinte SHA-256 vérifiée")
            if check.sealed
            else _("ancienne sauvegarde sans empreinte : structure et effectifs vérifiés")
        )
        ctx.result(
            {"file": str(file), "ok": True, "tables": check.tables, "sealed": check.sealed},
            _("Sauvegarde intègre : {file} ({n} tables, {seal}).").format(
                file=file, n=check.tables, seal=seal
            ),
        )
        return 0
    op = ctx.operation()
    if action == "passphrase":
        return _set_passphrase(ctx, op.database)
    if action == "create":
        keyed = backup.configured_key(op.database.engine) is not None
        result = backup_ops.create_backup(
            op,
            reason=ctx.args.reason,
            passphrase=_passphrase(needed=ctx.args.encrypt and not keyed),
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
    passphrase = _passphrase(needed=source.is_file() and backup.is_encrypted(source))
    safety = backup_ops.restore_backup(op, source, passphrase=passphrase).result
    ctx.result(
        {"restored": str(source), "previous_database_saved_as": str(safety.path)},
        _("Base restaurée depuis {file}. L'ancienne base est sauvegardée dans {safety}.").format(
            file=source, safety=safety.path
        ),
    )
    return 0


def _set_passphrase(ctx: Any, database: Any) -> int:
    """Set (asked twice) or clear the association's backup passphrase."""
    op = OperationContext(database)
    if ctx.args.clear:
        backup_ops.set_backup_passphrase(op, None)
        message = _("Les prochaines sauvegardes ne seront plus chiffrées.")
    else:
        first = ask_secret(_("Phrase de passe des sauvegardes : "), env_var=PASSPHRASE_ENV_VAR)
        if os.environ.get(PASSPHRASE_ENV_VAR) is None and first != ask_secret(
            _("Confirmez : "), env_var=PASSPHRASE_ENV_VAR
        ):
            raise ValidationError(_("Les deux phrases de passe diffèrent."), field="passphrase")
        backup_ops.set_backup_passphrase(op, first)
        message = _(
            "Phrase de passe enregistrée (seule sa clé publique est gardée) : toutes les "
            "sauvegardes seront chiffrées. Sans elle, elles ne pourront pas être restaurées."
        )
    ctx.result({"encrypted": not ctx.args.clear}, message)
    return 0
