"""`obole member add|renew|list|types|type-add`: memberships from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.clock import today
from app.core.dates import parse_date
from app.core.member_status import MemberStatus
from app.core.memberships.service import (
    KIND_LABELS,
    STATUS_LABELS,
    MembershipDraft,
    find_type,
)
from app.core.money import format_eur, parse_eur
from app.i18n import _
from app.models.enums import MembershipKind, MembershipPeriod, PaymentMethod
from app.operations import base
from app.operations import memberships as ops
from app.operations.base import OperationContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `member` command."""
    parser = subparsers.add_parser("member", help="adhésions (types, adhérents, renouvellements)")
    sub = parser.add_subparsers(dest="member_command", metavar="ACTION")
    add = sub.add_parser("add", parents=[common], help="enregistrer une adhésion et sa cotisation")
    add.add_argument("contact", type=int, help="n° du contact")
    add.add_argument("--type", required=True, help="type d'adhésion (n° ou nom)")
    _payment_options(add)
    add.add_argument("--amount", help="montant payé (par défaut : la cotisation du type)")
    add.add_argument("--start", help="début de la période (par défaut : celle du paiement)")
    add.set_defaults(handler=run_add)
    renew = sub.add_parser("renew", parents=[common], help="renouveler la dernière adhésion")
    renew.add_argument("contact", type=int)
    renew.add_argument("--type", help="changer de type d'adhésion")
    _payment_options(renew)
    renew.set_defaults(handler=run_renew)
    listing = sub.add_parser("list", parents=[common], help="adhérents et leur statut")
    listing.add_argument(
        "--status", choices=[s.value for s in MemberStatus if s != MemberStatus.NONE]
    )
    listing.add_argument("--on", help="statut à cette date (par défaut : aujourd'hui)")
    listing.set_defaults(handler=run_list)
    reminders = sub.add_parser(
        "reminders", parents=[common], help="lettres de relance des adhésions à renouveler"
    )
    reminders.add_argument("--out", type=Path, required=True, help="fichier PDF des lettres")
    reminders.add_argument("--on", help="à cette date (par défaut : aujourd'hui)")
    reminders.set_defaults(handler=run_reminders)
    types = sub.add_parser("types", parents=[common], help="types d'adhésion")
    types.set_defaults(handler=run_types)
    type_add = sub.add_parser("type-add", parents=[common], help="créer un type d'adhésion")
    type_add.add_argument("name")
    type_add.add_argument("--kind", choices=[k.value for k in MembershipKind], required=True)
    type_add.add_argument("--fee", required=True, help="cotisation en euros (ex. 25,00)")
    type_add.add_argument("--period", choices=[p.value for p in MembershipPeriod], required=True)
    type_add.set_defaults(handler=run_type_add)


def _payment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paid", help="date du paiement (par défaut : aujourd'hui)")
    parser.add_argument(
        "--method",
        choices=[m.value for m in PaymentMethod if m != PaymentMethod.IN_KIND],
        default="cheque",
    )
    parser.add_argument("--cheque", default="", help="numéro du chèque")


def _context(ctx: CliContext) -> OperationContext:
    return OperationContext(ctx.database())


def _type_id(context: OperationContext, reference: str) -> int:
    return base.read(context, lambda session: find_type(session, reference).id)


def _say_membership(ctx: CliContext, result: ops.MembershipResult, verb: str) -> int:
    data = {
        "membership_id": result.membership_id,
        "contact_id": result.contact_id,
        "type": result.type_name,
        "starts_on": result.starts_on.isoformat(),
        "ends_on": result.ends_on.isoformat(),
        "amount_cents": result.amount_cents,
        "gift_id": result.gift_id,
    }
    ctx.result(
        data,
        _("Adhésion {type} {verb} du {start} au {end} ({amount}).").format(
            type=result.type_name,
            verb=verb,
            start=f"{result.starts_on:%d/%m/%Y}",
            end=f"{result.ends_on:%d/%m/%Y}",
            amount=format_eur(result.amount_cents),
        ),
    )
    return 0


def run_add(ctx: CliContext) -> int:
    """Record a membership."""
    context = _context(ctx)
    args = ctx.args
    outcome = ops.join(
        context,
        MembershipDraft(
            contact_id=args.contact,
            type_id=_type_id(context, args.type),
            paid_on=parse_date(args.paid, field="paid")
            if args.paid
            else today(context.database.clock),
            payment_method=PaymentMethod(args.method),
            amount_cents=parse_eur(args.amount) if args.amount else None,
            starts_on=parse_date(args.start, field="start") if args.start else None,
            cheque_number=args.cheque,
        ),
    )
    return _say_membership(ctx, outcome.result, _("enregistrée"))


def run_renew(ctx: CliContext) -> int:
    """Renew the latest membership."""
    context = _context(ctx)
    args = ctx.args
    outcome = ops.renew(
        context,
        args.contact,
        paid_on=parse_date(args.paid, field="paid") if args.paid else None,
        payment_method=PaymentMethod(args.method),
        type_id=_type_id(context, args.type) if args.type else None,
        cheque_number=args.cheque,
    )
    return _say_membership(ctx, outcome.result, _("renouvelée"))


def run_list(ctx: CliContext) -> int:
    """List the members."""
    context = _context(ctx)
    status = MemberStatus(ctx.args.status) if ctx.args.status else None
    on = parse_date(ctx.args.on, field="on") if ctx.args.on else None
    rows = ops.list_members(context, status=status, on=on)
    data = [
        {
            "contact_id": r.contact_id,
            "name": r.name,
            "type": r.type_name,
            "ends_on": r.ends_on.isoformat(),
            "status": r.status.value,
        }
        for r in rows
    ]
    ctx.result(
        data,
        lambda: "\n".join(
            [
                f"{r.contact_id:>7}  {r.name:<40} {r.type_name:<20} "
                f"{r.ends_on:%d/%m/%Y}  {_(STATUS_LABELS[r.status])}"
                for r in rows
            ]
            + [_("{n} adhérent(s).").format(n=len(rows))]
        ),
    )
    return 0


def run_types(ctx: CliContext) -> int:
    """List the membership types."""
    types = ops.list_types(_context(ctx))
    ctx.result(
        [t.__dict__ for t in types],
        lambda: (
            "\n".join(
                f"{t.type_id:>3}  {t.name:<30} {_(KIND_LABELS[MembershipKind(t.kind)]):<16} "
                f"{format_eur(t.fee_cents)}"
                for t in types
            )
            or _("Aucun type d'adhésion : créez-en un avec « obole member type-add ».")
        ),
    )
    return 0


def run_type_add(ctx: CliContext) -> int:
    """Create a membership type."""
    args = ctx.args
    outcome = ops.add_type(
        _context(ctx),
        name=args.name,
        kind=MembershipKind(args.kind),
        fee_cents=parse_eur(args.fee),
        period=MembershipPeriod(args.period),
    )
    ctx.result(
        outcome.result.__dict__,
        _("Type d'adhésion n° {id} créé.").format(id=outcome.result.type_id),
    )
    return 0


def run_reminders(ctx: CliContext) -> int:
    """Write the renewal reminders."""
    on = parse_date(ctx.args.on, field="on") if ctx.args.on else None
    result = ops.write_reminders(_context(ctx), ctx.args.out, on=on).result
    ctx.result(
        {"written": result.written, "out": str(result.path), "excluded": result.excluded},
        "\n".join(
            [
                _("{n} lettre(s) de relance écrite(s) dans {out}.").format(
                    n=result.written, out=result.path
                )
            ]
            + [
                _("Non relancé : contact n° {id} — {reason}").format(id=cid, reason=reason)
                for cid, reason in result.excluded.items()
            ]
        ),
    )
    return 0
