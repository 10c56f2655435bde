"""`obole init [--demo N] [--seed S]`: create the database, optionally with demo data."""

from __future__ import annotations

import argparse
import time
from typing import Any

from app.clicommands.context import CliContext
from app.core.infrastructure.info import database_info
from app.i18n import _
from app.operations import demo as demo_ops


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `init` command."""
    parser = subparsers.add_parser("init", parents=[common], help=_("créer la base (avec démo)"))
    parser.add_argument(
        "--demo",
        type=int,
        default=0,
        metavar="N",
        help=_("ajouter N contacts de démonstration"),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help=_("graine du générateur (même graine, mêmes données)"),
    )
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Create or upgrade the database and add demo data when asked."""
    if ctx.args.demo < 0:
        ctx.say(_("obole: erreur : --demo attend un nombre de contacts positif."))
        return 1
    database = ctx.database(create=True)
    report = None
    if ctx.args.demo:
        started = time.perf_counter()
        report = demo_ops.fill_with_demo(
            ctx.operation(), contacts=ctx.args.demo, seed=ctx.args.seed
        ).result
        ctx.say(
            "\n"
            + _("{contacts} contacts et {gifts} dons générés en {seconds:.1f} s.").format(
                contacts=report.contacts,
                gifts=report.gifts,
                seconds=time.perf_counter() - started,
            )
        )
    info = database_info(database)
    data = {
        **info.as_dict(),
        "demo": None
        if report is None
        else {
            "contacts": report.contacts,
            "gifts": report.gifts,
            "consents": report.consents,
            "planted_duplicates": len(report.planted_duplicates),
        },
    }
    ctx.result(
        data,
        _("Base prête : {database} (schéma {schema}).").format(
            database=info.database, schema=info.schema_version
        ),
    )
    return 0
