"""`obole campaign list|add|close|reopen`: campaigns from the command line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from app.core.dates import format_date, parse_optional_date
from app.core.gifts.campaigns import CampaignDraft
from app.core.money import format_eur, parse_eur
from app.i18n import N_, _
from app.operations import campaigns as ops
from app.operations.base import OperationContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `campaign` command."""
    parser = subparsers.add_parser("campaign", help=_("campagnes (appels, événements, fonds)"))
    sub = parser.add_subparsers(dest="campaign_command", metavar=_("ACTION"))
    listing = sub.add_parser(
        "list", parents=[common], help=_("campagnes et ce qu'elles ont collecté")
    )
    listing.set_defaults(handler=run_list)
    add = sub.add_parser("add", parents=[common], help=_("créer une campagne"))
    add.add_argument("code", help=_("code court de la campagne"))
    add.add_argument("name", help=_("nom de la campagne"))
    add.add_argument("--start", default="", help=_("début (jj/mm/aaaa)"))
    add.add_argument("--end", default="", help=_("fin (jj/mm/aaaa)"))
    add.add_argument("--cost", default="", help=_("coût en euros (ex. 350,00)"))
    add.set_defaults(handler=run_add)
    for name, text in (
        ("close", N_("clore une campagne")),
        ("reopen", N_("rouvrir une campagne")),
    ):
        action = sub.add_parser(name, parents=[common], help=_(text))
        action.add_argument("campaign", type=int, help=_("n° de la campagne"))
        action.set_defaults(handler=run_close if name == "close" else run_reopen)


def _context(ctx: Any) -> OperationContext:
    return OperationContext(ctx.database())


def run_list(ctx: Any) -> int:
    """List the campaigns."""
    rows = ops.list_campaigns(_context(ctx))
    ctx.result(
        [{k: str(v) if v is not None else None for k, v in asdict(r).items()} for r in rows],
        lambda: (
            "\n".join(
                f"{r.id:>3}  {r.code:<16} {r.name:<30} {format_date(r.starts_on):<10} "
                + _("{gifts:>5} dons {total:>12}  {state}").format(
                    gifts=r.gifts,
                    total=format_eur(r.total_cents),
                    state=_("ouverte") if r.active else _("close"),
                )
                for r in rows
            )
            or _("Aucune campagne.")
        ),
    )
    return 0


def run_add(ctx: Any) -> int:
    """Create a campaign."""
    args = ctx.args
    draft = CampaignDraft(
        code=args.code,
        name=args.name,
        starts_on=parse_optional_date(args.start, field="starts_on"),
        ends_on=parse_optional_date(args.end, field="ends_on"),
        cost_cents=parse_eur(args.cost) if args.cost else 0,
    )
    outcome = ops.create(_context(ctx), draft)
    ctx.result(
        {"id": outcome.result}, lambda: _("Campagne n° {id} créée.").format(id=outcome.result)
    )
    return 0


def run_close(ctx: Any) -> int:
    """Close a campaign."""
    ops.set_active(_context(ctx), ctx.args.campaign, active=False)
    ctx.result({"id": ctx.args.campaign, "active": False}, lambda: _("Campagne close."))
    return 0


def run_reopen(ctx: Any) -> int:
    """Reopen a campaign."""
    ops.set_active(_context(ctx), ctx.args.campaign, active=True)
    ctx.result({"id": ctx.args.campaign, "active": True}, lambda: _("Campagne rouverte."))
    return 0
