"""`obole init [--demo N] [--seed S]`: create the database, optionally with demo data."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from app.core.demo import generate_demo
from app.core.info import database_info


class _StderrProgress:
    """A small text progress bar on stderr."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0

    def start(self, total: int, label: str = "") -> None:
        self.total = total
        if label:
            print(label + "…", file=sys.stderr)

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.total, self.done + steps)
        if self.total and sys.stderr.isatty():
            print(f"\r{self.done * 100 // self.total:3d} %", end="", file=sys.stderr, flush=True)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `init` command."""
    parser = subparsers.add_parser("init", parents=[common], help="créer la base (avec démo)")
    parser.add_argument(
        "--demo", type=int, default=0, metavar="N", help="ajouter N contacts de démonstration"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="graine du générateur (même graine, mêmes données)",
    )
    parser.set_defaults(handler=run)


def run(ctx: Any) -> int:
    """Create or upgrade the database and add demo data when asked."""
    if ctx.args.demo < 0:
        ctx.say("obole: erreur : --demo attend un nombre de contacts positif.")
        return 1
    database = ctx.database(create=True)
    report = None
    if ctx.args.demo:
        started = time.perf_counter()
        with database.write() as session:
            report = generate_demo(
                session, contacts=ctx.args.demo, seed=ctx.args.seed, progress=_StderrProgress()
            )
        ctx.say(
            f"\n{report.contacts} contacts et {report.gifts} dons générés "
            f"en {time.perf_counter() - started:.1f} s."
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
    ctx.result(data, f"Base prête : {info.database} (schéma {info.schema_version}).")
    return 0
