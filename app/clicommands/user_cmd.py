"""`obole user add|list|passwd|deactivate`: manage accounts (admin only, checked in the core)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from app.clicommands.context import CliContext
from app.clicommands.prompts import ask_secret
from app.core.access import users
from app.errors import ValidationError
from app.i18n import _
from app.models.enums import Role

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
    """Dispatch to the sub-command."""
    database = ctx.database()
    action = ctx.args.user_action
    if action == "list":
        with database.read() as session:
            rows = users.list_users(session)
        ctx.result(
            [vars(r) for r in rows],
            "\n".join(
                f"{r.username:<20} {r.role:<10} {_('actif') if r.active else _('désactivé')}"
                for r in rows
            )
            or _("Aucun utilisateur."),
        )
        return 0
    with database.write() as session:
        if action == "add":
            info = users.create_user(
                session,
                ctx.args.username,
                role=ctx.args.role,
                password=_new_password(ctx.args.username),
                display_name=ctx.args.name,
            )
        elif action == "passwd":
            users.set_password(
                session,
                ctx.args.username,
                _new_password(ctx.args.username),
                acting_user=database.user,
            )
            info = None
        else:
            info = users.deactivate_user(session, ctx.args.username)
    ctx.result(
        {"username": ctx.args.username, "action": action},
        _("Utilisateur {name} : fait ({action}).").format(name=ctx.args.username, action=action),
    )
    del info
    return 0
