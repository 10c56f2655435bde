"""`obole appeal create|list|prepare|letters|labels|results` and `obole thanks letters`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.appeals.preparation import AppealPlan, plan_summary
from app.core.appeals.results import AppealResults, Figures, results_summary
from app.core.appeals.sending import AppealDraft
from app.core.dates import parse_date
from app.core.money import parse_eur
from app.i18n import _
from app.models.enums import Channel
from app.operations import appeals as ops
from app.operations.base import OperationContext
from app.reports.labels_pdf import ENVELOPES, SHEETS


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `appeal` and `thanks`."""
    parser = subparsers.add_parser("appeal", help=_("appels aux dons (courrier, e-mail)"))
    sub = parser.add_subparsers(dest="appeal_command", metavar=_("ACTION"))
    create = sub.add_parser("create", parents=[common], help=_("créer un appel"))
    create.add_argument("name")
    create.add_argument("--channel", choices=["post", "email"], required=True)
    target = create.add_mutually_exclusive_group()
    target.add_argument("--filter", help=_("filtre de contacts enregistré (nom)"))
    target.add_argument(
        "--segment", help=_("segment RFM (new, loyal, big, at_risk, lapsed, other)")
    )
    create.add_argument("--date", help=_("date d'envoi (par défaut : aujourd'hui)"))
    create.add_argument("--cost", help=_("coût de l'appel en euros"))
    create.add_argument("--window", type=int, default=90, help=_("fenêtre de réponse en jours"))
    create.set_defaults(handler=run_create)
    listing = sub.add_parser("list", parents=[common], help=_("appels"))
    listing.set_defaults(handler=run_list)
    prepare = sub.add_parser("prepare", parents=[common], help=_("destinataires et exclusions"))
    prepare.add_argument("appeal", type=int)
    prepare.add_argument(
        "--excluded", type=Path, help=_("écrire les personnes écartées et le motif (CSV ou XLSX)")
    )
    prepare.set_defaults(handler=run_prepare)
    limit = sub.add_parser(
        "limit", parents=[common], help=_("limite d'appels demandée par un donateur (par an)")
    )
    limit.add_argument("contact", type=int)
    which = limit.add_mutually_exclusive_group(required=True)
    which.add_argument("--per-year", type=int, help=_("appels par 12 mois glissants (1 à 12)"))
    which.add_argument("--none", action="store_true", help=_("lever la limite"))
    limit.set_defaults(handler=run_limit)
    letters = sub.add_parser("letters", parents=[common], help=_("imprimer les lettres (envoi)"))
    letters.add_argument("appeal", type=int)
    letters.add_argument("--out", type=Path, required=True)
    letters.set_defaults(handler=run_letters)
    labels = sub.add_parser("labels", parents=[common], help=_("étiquettes ou enveloppes"))
    labels.add_argument("appeal", type=int)
    labels.add_argument("--format", choices=[*SHEETS, *ENVELOPES], default="3x8")
    labels.add_argument("--out", type=Path, required=True)
    labels.set_defaults(handler=run_labels)
    send = sub.add_parser("send", parents=[common], help=_("envoyer un appel par e-mail"))
    send.add_argument("appeal", type=int)
    send.add_argument("--per-minute", type=int, default=60, help=_("cadence d'envoi (e-mails/min)"))
    send.set_defaults(handler=run_send)
    stop = sub.add_parser("unsubscribe", parents=[common], help=_("désinscription (réponse STOP)"))
    stop.add_argument("appeal", type=int)
    stop.add_argument("contact", type=int)
    stop.set_defaults(handler=run_unsubscribe)
    bounce = sub.add_parser("bounce", parents=[common], help=_("e-mail revenu non distribué"))
    bounce.add_argument("appeal", type=int)
    bounce.add_argument("address")
    bounce.set_defaults(handler=run_bounce)
    results = sub.add_parser("results", parents=[common], help=_("résultats de l'appel"))
    results.add_argument("appeal", type=int)
    results.set_defaults(handler=run_results)
    thanks = subparsers.add_parser("thanks", help=_("remerciements"))
    tsub = thanks.add_subparsers(dest="thanks_command", metavar=_("ACTION"))
    thank_letters = tsub.add_parser("letters", parents=[common], help=_("lettres de remerciement"))
    thank_letters.add_argument("--since", help=_("dons reçus depuis cette date"))
    thank_letters.add_argument("--out", type=Path, required=True)
    thank_letters.set_defaults(handler=run_thanks)


def _context(ctx: CliContext) -> OperationContext:
    return OperationContext(ctx.database())


def run_create(ctx: CliContext) -> int:
    """Create an appeal."""
    args = ctx.args
    kind, target = (
        ("filter", args.filter)
        if args.filter
        else ("segment", args.segment)
        if args.segment
        else ("all", "")
    )
    view = ops.create(
        _context(ctx),
        AppealDraft(
            name=args.name,
            channel=Channel(args.channel),
            target_kind=kind,
            target=target or "",
            send_on=parse_date(args.date, field="date") if args.date else None,
            cost_cents=parse_eur(args.cost) if args.cost else 0,
            response_days=args.window,
        ),
    ).result
    ctx.result(
        {**asdict(view), "send_on": view.send_on.isoformat()},
        _("Appel n° {id} « {name} » créé.").format(id=view.appeal_id, name=view.name),
    )
    return 0


def run_list(ctx: CliContext) -> int:
    """List the appeals."""
    views = ops.list_appeals(_context(ctx))
    ctx.result(
        [{**asdict(v), "send_on": v.send_on.isoformat()} for v in views],
        lambda: (
            "\n".join(
                f"{v.appeal_id:>4}  {v.send_on:%d/%m/%Y}  {v.channel:<6} {v.name}"
                + (f"  ({_('envoyé')})" if v.sent else "")
                for v in views
            )
            or _("Aucun appel.")
        ),
    )
    return 0


def _plan_data(plan: AppealPlan) -> dict[str, Any]:
    return {
        "appeal_id": plan.appeal_id,
        "recipients": len(plan.recipients),
        "excluded": plan.counts,
        "excluded_contacts": [
            {"contact_id": left.contact_id, "name": left.name, "reason": left.reason}
            for left in plan.left_out
        ],
    }


def run_prepare(ctx: CliContext) -> int:
    """Recipients and exclusions by reason (and the excluded list written to a file)."""
    plan = ops.prepare(_context(ctx), ctx.args.appeal)
    lines = plan_summary(plan)
    if ctx.args.excluded is not None:
        written = ops.export_left_out(_context(ctx), ctx.args.appeal, ctx.args.excluded).result
        lines.append(
            _("{n} personne(s) écartée(s) écrite(s) dans {out}.").format(
                n=written, out=ctx.args.excluded
            )
        )
    ctx.result(_plan_data(plan), "\n".join(lines))
    return 0


def run_limit(ctx: CliContext) -> int:
    """Record the donor's own limit on appeals."""
    per_year = None if ctx.args.none else ctx.args.per_year
    ops.set_appeals_limit(_context(ctx), ctx.args.contact, per_year)
    ctx.result(
        {"contact_id": ctx.args.contact, "appeals_per_year": per_year},
        _("Contact n° {id} : {limit}.").format(
            id=ctx.args.contact,
            limit=_("au plus {n} appel(s) par an").format(n=per_year)
            if per_year
            else _("pas de limite d'appels"),
        ),
    )
    return 0


def run_letters(ctx: CliContext) -> int:
    """Print the letters (the first print sends the appeal)."""
    r = ops.print_letters(_context(ctx), ctx.args.appeal, ctx.args.out).result
    ctx.result(
        {"letters": r.count, "out": str(r.path)},
        _("{n} lettre(s) écrite(s) dans {out}.").format(n=r.count, out=r.path),
    )
    return 0


def run_labels(ctx: CliContext) -> int:
    """Labels or envelopes."""
    r = ops.print_labels(
        _context(ctx), ctx.args.appeal, ctx.args.out, layout=ctx.args.format
    ).result
    ctx.result(
        {"addresses": r.count, "pages": r.pages, "out": str(r.path)},
        _("{n} adresse(s) sur {pages} page(s) : {out}.").format(
            n=r.count, pages=r.pages, out=r.path
        ),
    )
    return 0


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "asked": f.asked,
        "respondents": f.respondents,
        "gifts": f.gifts,
        "amount_cents": f.amount_cents,
        "response_rate": round(f.response_rate, 4),
        "average_cents": f.average_cents,
    }


def _results_data(r: AppealResults) -> dict[str, Any]:
    return {
        "appeal_id": r.appeal_id,
        "name": r.name,
        "cost_cents": r.cost_cents,
        "cost_per_euro_cents": r.cost_per_euro_cents,
        **_figures(r.total),
        "by_segment": {k: _figures(v) for k, v in r.by_segment.items()},
        "previous": _results_data(r.previous) if r.previous else None,
    }


def run_results(ctx: CliContext) -> int:
    """What the appeal brought."""
    r = ops.appeal_results(_context(ctx), ctx.args.appeal)
    ctx.result(_results_data(r), "\n".join(results_summary(r)))
    return 0


def run_thanks(ctx: CliContext) -> int:
    """Thank-you letters for the gifts not thanked yet."""
    since = parse_date(ctx.args.since, field="since") if ctx.args.since else None
    r = ops.thank_letters(_context(ctx), ctx.args.out, since=since).result
    ctx.result(
        {"letters": r.count, "out": str(r.path)},
        _("{n} lettre(s) de remerciement écrite(s) dans {out}.").format(n=r.count, out=r.path)
        if r.count
        else _("Aucun don à remercier."),
    )
    return 0


def run_send(ctx: CliContext) -> int:
    """Send (or resume) an e-mail appeal."""
    r = ops.send_emails(_context(ctx), ctx.args.appeal, per_minute=ctx.args.per_minute).result
    ctx.result(
        {"sent": r.sent, "failed": r.failed, "remaining": r.remaining},
        _("{sent} e-mail(s) envoyé(s), {failed} en échec, {remaining} restant(s).").format(
            sent=r.sent, failed=r.failed, remaining=r.remaining
        ),
    )
    return 0


def run_unsubscribe(ctx: CliContext) -> int:
    """Record an unsubscribe as a withdrawal of the e-mail consent."""
    ops.record_unsubscribe(_context(ctx), ctx.args.appeal, ctx.args.contact)
    ctx.result({"contact_id": ctx.args.contact}, _("Consentement e-mail retiré."))
    return 0


def run_bounce(ctx: CliContext) -> int:
    """Record an undelivered e-mail."""
    count = ops.record_bounce(_context(ctx), ctx.args.appeal, ctx.args.address).result
    ctx.result(
        {"bounced": count},
        _("Retour enregistré pour {address} : adresse marquée invalide.").format(
            address=ctx.args.address
        ),
    )
    return 0
