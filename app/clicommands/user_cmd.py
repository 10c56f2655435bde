"""`obole user add|list|passwd|deactivate`: manage accounts (admin only, checked in the core)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from app.clicommands.context import CliContext
from app.clicommands.prompts import ask_secret
from app.errors import ValidationError
from app.i18n import _
from app.models.enums import Role
from app.operations import access

NEW_PASSWORD_ENV_VAR = "OBOLE_NEW_PASSWORD"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `user` command and its sub-commands."""
    parser = subparsers.add_parser("user", parents=[common], help=_("gérer les utilisateurs"))
    actions = parser.add_subparsers(dest="user_action", metavar=_("ACTION"), required=True)
    add = actions.add_parser("add", parents=[common], help=_("ajouter un utilisateur"))
    add.add_argument("username", help=_("identifiant de connexion"))
    add.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.VOLUNTEER.value,
        help=_("rôle (droits)"),
    )
    add.add_argument("--name", default="", help=_("nom affiché"))
    actions.add_parser("list", parents=[common], help=_("lister les utilisateurs"))
    passwd = actions.add_parser("passwd", parents=[common], help=_("changer un mot de passe"))
    passwd.add_argument("username", help=_("identifiant de connexion"))
    deactivate = actions.add_parser(
        "deactivate", parents=[common], help=_("désactiver un utilisateur")
    )
    deactivate.add_argument("username", help=_("identifiant de connexion"))
    parser.set_defaults(handler=run)


def _new_password(username: str) -> str:
    """From $OBOLE_NEW_PASSWORD, else asked twice (refused without a terminal)."""
    if os.environ.get(NEW_PASSWORD_ENV_VAR) is not None:
        return os.environ[NEW_PASSWORD_ENV_VAR]
    prompt = _("Nouveau mot de passe de {name} : ").format(name=username)
    first = ask_secret(prompt, env_var=NEW_PASSWORD_ENV_VAR)
    if ask_secret(_("Confirmez : "), env_var=NEW_PASSWORD_ENV_VAR) != first:
        raise ValidationError(_("Les deux mots de passe diffèrent."), field="password")
    return first


def run(ctx: CliContext) -> int:
    """Dispatch to the sub-command (the operations shared with the GUI's users dialog)."""
    action, name = ctx.args.user_action, getattr(ctx.args, "username", "")
    if action == "list":
        rows = access.list_users(ctx.operation()).result
        ctx.result(
            [vars(r) for r in rows],
            "\n".join(
                f"{r.username:<20} {r.role:<10} {_('actif') if r.active else _('désactivé')}"
                for r in rows
            )
            or _("Aucun utilisateur."),
        )
        return 0
    if action == "add":
        access.add_user(
            ctx.operation(),
            name,
            role=ctx.args.role,
            password=_new_password(name),  # asked before the write transaction starts
            display_name=ctx.args.name,
        )
    elif action == "passwd":
        access.change_password(ctx.operation(), name, _new_password(name))
    else:
        access.deactivate_user(ctx.operation(), name)
    ctx.result(
        {"username": name, "action": action},
        _("Utilisateur {name} : fait ({action}).").format(name=name, action=action),
    )
    return 0
