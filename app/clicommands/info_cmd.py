"""`obole info`: database path, schema version and counts."""

from __future__ import annotations

import argparse
from typing import Any

from app.clicommands.context import CliContext
from app.core.infrastructure.info import database_info
from app.core.money import format_eur
from app.i18n import _


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `info` command."""
    parser = subparsers.add_parser(
        "info", parents=[common], help=_("chemin de la base, version du schéma, effectifs")
    )
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Print the database summary."""
    info = database_info(ctx.database())
    human = _(
        "Base            : {database} ({engine})\n"
        "Schéma          : {schema} (Obole {version})\n"
        "Contacts        : {contacts}\n"
        "Dons            : {gifts} ({gifts_total})\n"
        "Reçus fiscaux   : {receipts}\n"
        "Consentements   : {consents} événements\n"
        "Utilisateurs    : {users}"
    ).format(
        database=info.database,
        engine=info.engine,
        schema=info.schema_version,
        version=info.app_version,
        contacts=info.contacts,
        gifts=info.gifts,
        gifts_total=format_eur(info.gifts_total_cents),
        receipts=info.receipts,
        consents=info.consent_events,
        users=info.users,
    )
    ctx.result(info.as_dict(), human)
    return 0
