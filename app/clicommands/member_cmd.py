"""`obole member add|renew|list|cards|types|type-add|type-edit|...`: memberships (CLI)."""

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
from app.i18n import N_, _
from app.models.enums import Channel, MembershipKind, MembershipPeriod, PaymentMethod
from app.operations import base
from app.operations import memberships as ops
from app.operations.base import OperationContext

# --status of `member cards`: the statuses' values, and their French names without accents
CARD_STATUSES = {
    **{s.value: s for s in (MemberStatus.CURRENT, MemberStatus.DUE, MemberStatus.LAPSED)},
    "a_jour": MemberStatus.CURRENT,
    "a_renouveler": MemberStatus.DUE,
    "echu": MemberStatus.LAPSED,
}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `member` command."""
    parser = subparsers.add_parser(
        "member", help=_("adhésions (types, adhérents, renouvellements)")
    )
    sub = parser.add_subparsers(dest="member_command", metavar=_("ACTION"))
    add = sub.add_parser(
        "add", parents=[common], help=_("enregistrer une adhésion et sa cotisation")
    )
    add.add_argument("contact", type=int, help=_("n° du contact"))
    add.add_argument("--type", required=True, help=_("type d'adhésion (n° ou nom)"))
    _payment_options(add)
    add.add_argument("--amount", help=_("montant payé (par défaut : la cotisation du type)"))
    add.add_argument("--start", help=_("début de la période (par défaut : celle du paiement)"))
    add.set_defaults(handler=run_add)
    renew = sub.add_parser("renew", parents=[common], help=_("renouveler la dernière adhésion"))
    renew.add_argument("contact", type=int)
    renew.add_argument("--type", help=_("changer de type d'adhésion"))
    _payment_options(renew)
    renew.set_defaults(handler=run_renew)
    listing = sub.add_parser("list", parents=[common], help=_("adhérents et leur statut"))
    listing.add_argument(
        "--status", choices=[s.value for s in MemberStatus if s != MemberStatus.NONE]
    )
    listing.add_argument("--on", help=_("statut à cette date (par défaut : aujourd'hui)"))
    listing.set_defaults(handler=run_list)
    reminders = sub.add_parser(
        "reminders",
        parents=[common],
        help=_("relancer les adhésions à renouveler (lettres ou e-mails)"),
    )
    reminders.add_argument("--channel", choices=["post", "email"], default="post")
    reminders.add_argument("--out", type=Path, help=_("fichier PDF des lettres (courrier)"))
    reminders.add_argument(
        "--per-minute", type=int, default=60, help=_("e-mails par minute (e-mail)")
    )
    reminders.add_argument("--on", help=_("à cette date (par défaut : aujourd'hui)"))
    reminders.set_defaults(handler=run_reminders)
    bounce = sub.add_parser(
        "bounce", parents=[common], help=_("relance par e-mail revenue non distribuée")
    )
    bounce.add_argument("address")
    bounce.set_defaults(handler=run_bounce)
    cards = sub.add_parser(
        "cards", parents=[common], help=_("cartes d'adhérent (PDF, 10 par page A4)")
    )
    cards.add_argument("--out", type=Path, required=True, help=_("fichier PDF des cartes"))
    cards.add_argument("--type", help=_("seulement ce type d'adhésion (n° ou nom)"))
    cards.add_argument(
        "--status",
        choices=sorted(CARD_STATUSES),
        help=_("seulement ce statut (par défaut : à jour et à renouveler)"),
    )
    cards.add_argument("--on", help=_("statut à cette date (par défaut : aujourd'hui)"))
    cards.set_defaults(handler=run_cards)
    types = sub.add_parser("types", parents=[common], help=_("types d'adhésion"))
    types.set_defaults(handler=run_types)
    type_add = sub.add_parser("type-add", parents=[common], help=_("créer un type d'adhésion"))
    type_add.add_argument("name")
    type_add.add_argument("--kind", choices=[k.value for k in MembershipKind], required=True)
    type_add.add_argument("--fee", required=True, help=_("cotisation en euros (ex. 25,00)"))
    type_add.add_argument("--period", choices=[p.value for p in MembershipPeriod], required=True)
    type_add.set_defaults(handler=run_type_add)
    type_edit = sub.add_parser("type-edit", parents=[common], help=_("modifier un type d'adhésion"))
    type_edit.add_argument("type", help=_("type d'adhésion (n° ou nom)"))
    type_edit.add_argument("--name", help=_("nouveau nom"))
    type_edit.add_argument("--kind", choices=[k.value for k in MembershipKind])
    type_edit.add_argument("--fee", help=_("cotisation en euros (ex. 25,00)"))
    type_edit.add_argument("--period", choices=[p.value for p in MembershipPeriod])
    type_edit.set_defaults(handler=run_type_edit)
    for action, active, text in (
        ("type-deactivate", False, N_("désactiver un type (plus de nouvelle adhésion)")),
        ("type-activate", True, N_("réactiver un type d'adhésion")),
    ):
        switch = sub.add_parser(action, parents=[common], help=_(text))
        switch.add_argument("type", help=_("type d'adhésion (n° ou nom)"))
        switch.set_defaults(handler=run_type_active, active=active)
    window = sub.add_parser(
        "renewal-days", parents=[common], help=_("délai « à renouveler » (jours avant la fin)")
    )
    window.add_argument("days", type=int, nargs="?", help=_("nouveau délai (sinon : l'afficher)"))
    window.set_defaults(handler=run_renewal_days)


def _payment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paid", help=_("date du paiement (par défaut : aujourd'hui)"))
    parser.add_argument(
        "--method",
        choices=[m.value for m in PaymentMethod if m != PaymentMethod.IN_KIND],
        default="cheque",
    )
    parser.add_argument("--cheque", default="", help=_("numéro du chèque"))


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


def _say_type(ctx: CliContext, result: ops.TypeResult, message: str) -> int:
    ctx.result(result.__dict__, message.format(id=result.type_id, name=result.name))
    return 0


def run_type_edit(ctx: CliContext) -> int:
    """Change a membership type (only the options given)."""
    args, context = ctx.args, _context(ctx)
    current = base.read(context, lambda session: ops.type_result(find_type(session, args.type)))
    outcome = ops.update_type(
        context,
        current.type_id,
        name=args.name if args.name is not None else current.name,
        kind=MembershipKind(args.kind or current.kind),
        fee_cents=parse_eur(args.fee) if args.fee is not None else current.fee_cents,
        period=MembershipPeriod(args.period or current.period),
    )
    return _say_type(ctx, outcome.result, _("Type d'adhésion n° {id} ({name}) modifié."))


def run_type_active(ctx: CliContext) -> int:
    """Deactivate or reactivate a membership type."""
    context = _context(ctx)
    outcome = ops.set_type_active(context, _type_id(context, ctx.args.type), active=ctx.args.active)
    message = (
        _("Type d'adhésion n° {id} ({name}) réactivé.")
        if ctx.args.active
        else _("Type d'adhésion n° {id} ({name}) désactivé : plus de nouvelle adhésion de ce type.")
    )
    return _say_type(ctx, outcome.result, message)


def run_renewal_days(ctx: CliContext) -> int:
    """Show or change the renewal window."""
    context = _context(ctx)
    days = (
        ops.set_renewal_days(context, ctx.args.days).result
        if ctx.args.days is not None
        else ops.renewal_days(context)
    )
    ctx.result(
        {"renewal_days": days},
        _("Une adhésion est « à renouveler » {days} jours avant sa fin.").format(days=days),
    )
    return 0


def run_cards(ctx: CliContext) -> int:
    """Write the member cards."""
    args = ctx.args
    result = ops.write_cards(
        _context(ctx),
        args.out,
        status=CARD_STATUSES[args.status] if args.status else None,
        type_reference=args.type,
        on=parse_date(args.on, field="on") if args.on else None,
    ).result
    ctx.result(
        {"written": result.written, "out": str(result.path)},
        _("{n} carte(s) d'adhérent écrite(s) dans {out}.").format(
            n=result.written, out=result.path
        ),
    )
    return 0


def run_reminders(ctx: CliContext) -> int:
    """Send the renewal reminders by letter or by e-mail."""
    on = parse_date(ctx.args.on, field="on") if ctx.args.on else None
    channel = Channel(ctx.args.channel)
    result = ops.send_reminders(
        _context(ctx), channel=channel, out=ctx.args.out, on=on, per_minute=ctx.args.per_minute
    ).result
    emails = result.emails
    if channel == Channel.POST:
        done = _("{n} lettre(s) de relance écrite(s) dans {out}.").format(
            n=result.written, out=result.path
        )
    else:
        done = _(
            "{n} relance(s) par e-mail : {sent} envoyée(s), {failed} en échec, "
            "{remaining} en attente."
        ).format(
            n=result.written,
            sent=emails.sent if emails else 0,
            failed=emails.failed if emails else 0,
            remaining=emails.remaining if emails else 0,
        )
    ctx.result(
        {
            "channel": channel.value,
            "written": result.written,
            "out": str(result.path) if result.path else None,
            "excluded": result.excluded,
            "counts": result.counts,
            "emails": emails.__dict__ if emails else None,
        },
        "\n".join(
            [done]
            + [
                _("Non relancé : contact n° {id} — {reason}").format(id=cid, reason=reason)
                for cid, reason in result.excluded.items()
            ]
        ),
    )
    return 0


def run_bounce(ctx: CliContext) -> int:
    """Record an undelivered reminder e-mail."""
    count = ops.record_reminder_bounce(_context(ctx), ctx.args.address).result
    ctx.result(
        {"bounced": count},
        _("Retour enregistré pour {address} : adresse marquée invalide.").format(
            address=ctx.args.address
        ),
    )
    return 0
