"""`obole info`: database path, schema version and counts."""

from __future__ import annotations

import argparse
from typing import Any

from app.clicommands.context import CliContext
from app.core.infrastructure.info import database_info
from app.core.money import format_eur


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `info` command."""
    parser = subparsers.add_parser(
        "info", parents=[common], help="chemin de la base, version du schéma, effectifs"
    )
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Print the database summary."""
    info = database_info(ctx.database())
    human = "\n".join(
        [
            f"Base            : {info.database} ({info.engine})",
            f"Schéma          : {info.schema_version} (Obole {info.app_version})",
            f"Contacts        : {info.contacts}",
            f"Dons            : {info.gifts} ({format_eur(info.gifts_total_cents)})",
            f"Reçus fiscaux   : {info.receipts}",
            f"Consentements   : {info.consent_events} événements",
            f"Utilisateurs    : {info.users}",
        ]
    )
    ctx.result(info.as_dict(), human)
    return 0
