"""`obole sepa creditor|mandate|plan|notify|collect|reject|calls`: regular gifts by direct debit."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.clock import today
from app.core.dates import parse_date
from app.core.money import format_eur, parse_eur
from app.core.sepa.accounts import iban_for_role
from app.core.sepa.collection import Excluded
from app.core.sepa.creditor import CreditorSettings
from app.core.sepa.mandates import MANDATE_STATUS_LABELS, MandateDraft
from app.core.sepa.plans import FREQUENCY_LABELS, PLAN_STATUS_LABELS, PlanDraft
from app.errors import NotFound, ValidationError
from app.i18n import N_, _
from app.models.enums import MandateStatus, PlanFrequency, PlanStatus
from app.operations import sepa as ops
from app.operations.base import OperationContext

EVERY_WORDS = {
    "month": N_("chaque mois"),
    "quarter": N_("chaque trimestre"),
    "year": N_("chaque année"),
}
EVERY = {
    "month": PlanFrequency.MONTHLY,
    "quarter": PlanFrequency.QUARTERLY,
    "year": PlanFrequency.YEARLY,
}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `sepa` command."""
    parser = subparsers.add_parser("sepa", help=_("dons réguliers par prélèvement SEPA"))
    sub = parser.add_subparsers(dest="sepa_command", metavar=_("ACTION"))
    creditor = sub.add_parser("creditor", parents=[common], help=_("créancier : ICS, IBAN, BIC"))
    creditor.add_argument("--name")
    creditor.add_argument("--ics", help=_("identifiant créancier SEPA (ex. FR72ZZZ123456)"))
    creditor.add_argument("--iban")
    creditor.add_argument("--bic")
    creditor.add_argument("--prenotice-days", type=int)
    creditor.add_argument("--reject-limit", type=int)
    creditor.set_defaults(handler=run_creditor)
    mandate = sub.add_parser("mandate", help=_("mandats de prélèvement"))
    msub = mandate.add_subparsers(dest="mandate_command", metavar=_("ACTION"))
    madd = msub.add_parser("add", parents=[common], help=_("enregistrer un mandat signé"))
    madd.add_argument("contact", type=int)
    madd.add_argument("--iban", required=True)
    madd.add_argument("--bic", default="")
    madd.add_argument("--signed", required=True, help=_("date de signature (jj/mm/aaaa)"))
    madd.add_argument("--rum", default="", help=_("référence du mandat (par défaut : générée)"))
    madd.set_defaults(handler=run_mandate_add)
    mlist = msub.add_parser(
        "list", parents=[common], help=_("mandats (IBAN masqués sauf trésorier)")
    )
    mlist.set_defaults(handler=run_mandate_list)
    for action, status, help_text in (
        ("suspend", MandateStatus.SUSPENDED, N_("suspendre un mandat")),
        ("revoke", MandateStatus.REVOKED, N_("révoquer un mandat")),
        ("resume", MandateStatus.ACTIVE, N_("réactiver un mandat suspendu")),
    ):
        p = msub.add_parser(action, parents=[common], help=_(help_text))
        p.add_argument("mandate", help=_("n° ou RUM du mandat"))
        p.set_defaults(handler=run_mandate_status, status=status)
    plan = sub.add_parser("plan", help=_("dons réguliers"))
    psub = plan.add_subparsers(dest="plan_command", metavar=_("ACTION"))
    padd = psub.add_parser("add", parents=[common], help=_("enregistrer un don régulier"))
    padd.add_argument("contact", type=int)
    padd.add_argument("--amount", required=True, help=_("montant (ex. 15,00)"))
    padd.add_argument("--every", choices=list(EVERY), default="month")
    padd.add_argument("--day", type=int, default=5, help=_("jour du mois (1 à 28)"))
    padd.add_argument("--start", help=_("début (par défaut : aujourd'hui)"))
    padd.add_argument("--end", help=_("fin (facultatif)"))
    padd.add_argument(
        "--mandate", help=_("n° ou RUM du mandat (par défaut : le mandat actif du contact)")
    )
    padd.add_argument("--campaign", type=int)
    padd.set_defaults(handler=run_plan_add)
    plist = psub.add_parser("list", parents=[common], help=_("dons réguliers et leur statut"))
    plist.set_defaults(handler=run_plan_list)
    pchange = psub.add_parser("change", parents=[common], help=_("modifier un don régulier"))
    pchange.add_argument("plan", type=int, help=_("n° du don régulier"))
    pchange.add_argument("--amount", help=_("nouveau montant (à annoncer par pré-notification)"))
    pchange.add_argument("--day", type=int, help=_("nouveau jour du mois (1 à 28)"))
    ending = pchange.add_mutually_exclusive_group()
    ending.add_argument("--end", help=_("date de fin"))
    ending.add_argument("--no-end", action="store_true", help=_("sans date de fin"))
    pchange.add_argument("--status", choices=[s.value for s in PlanStatus])
    pchange.set_defaults(handler=run_plan_change)
    notify = sub.add_parser(
        "notify",
        parents=[common],
        help=_("pré-notifications (e-mails, puis lettres pour les autres)"),
    )
    notify.add_argument("--date", required=True, help=_("date du prélèvement annoncé"))
    notify.add_argument("--email", action="store_true", help=_("d'abord par e-mail (SMTP)"))
    notify.add_argument(
        "--out", type=Path, help=_("fichier PDF des lettres (les autres donateurs)")
    )
    notify.set_defaults(handler=run_notify)
    collect = sub.add_parser(
        "collect", parents=[common], help=_("préparer le fichier de prélèvement")
    )
    collect.add_argument("--date", required=True, help=_("date de prélèvement demandée"))
    collect.add_argument("--out", type=Path, help=_("fichier XML pain.008 pour la banque"))
    collect.add_argument("--dry-run", action="store_true", help=_("afficher sans rien enregistrer"))
    collect.set_defaults(handler=run_collect)
    reject = sub.add_parser(
        "reject", parents=[common], help=_("enregistrer des rejets de la banque")
    )
    reject.add_argument(
        "file", nargs="?", type=Path, help=_("fichier de la banque (camt.054, CSV)")
    )
    reject.add_argument("--gift", type=int, help=_("n° du don prélevé"))
    reject.add_argument("--reason", help=_("code motif ISO (ex. AM04)"))
    reject.add_argument("--date", help=_("date du rejet (par défaut : aujourd'hui)"))
    reject.set_defaults(handler=run_reject)
    calls = sub.add_parser("calls", parents=[common], help=_("donateurs à appeler après rejets"))
    calls.set_defaults(handler=run_calls)


def _context(ctx: CliContext) -> OperationContext:
    return OperationContext(ctx.database())


def run_creditor(ctx: CliContext) -> int:
    """Show or change the creditor settings."""
    context = _context(ctx)
    current = ops.load_creditor(context)
    args = ctx.args
    changes = {
        "name": args.name,
        "creditor_id": args.ics,
        "iban": args.iban,
        "bic": args.bic,
        "prenotice_days": args.prenotice_days,
        "reject_limit": args.reject_limit,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if given:
        current = ops.save_creditor(
            context, CreditorSettings(**{**current.__dict__, **given})
        ).result
    ctx.result(
        current.__dict__,
        _(
            "Créancier : {name} ; ICS {ics} ; IBAN {iban} ; BIC {bic} ; "
            "pré-notification {days} jours."
        ).format(
            name=current.name or "—",
            ics=current.creditor_id or "—",
            iban=iban_for_role(current.iban, context.database.role) if current.iban else "—",
            bic=current.bic or "—",
            days=current.prenotice_days,
        ),
    )
    return 0


def run_mandate_add(ctx: CliContext) -> int:
    """Record a mandate."""
    args = ctx.args
    outcome = ops.add_mandate(
        _context(ctx),
        MandateDraft(
            contact_id=args.contact,
            iban=args.iban,
            bic=args.bic,
            signed_on=parse_date(args.signed, field="signed", past=True),
            rum=args.rum,
        ),
    )
    r = outcome.result
    ctx.result(
        r.__dict__,
        _("Mandat n° {id} enregistré, RUM {rum} (premier prélèvement : {seq}).").format(
            id=r.mandate_id, rum=r.rum, seq=r.sequence_type
        ),
    )
    return 0


def run_mandate_list(ctx: CliContext) -> int:
    """List mandates; whole IBANs only for the treasurer and the administrator."""
    rows = ops.list_mandates(_context(ctx))
    ctx.result(
        [{**r.__dict__, "signed_on": r.signed_on.isoformat()} for r in rows],
        lambda: (
            "\n".join(
                f"{r.mandate_id:>5}  {r.rum:<24} {r.holder:<30} {r.iban:<34} "
                f"{_(MANDATE_STATUS_LABELS.get(r.status, r.status))}"
                for r in rows
            )
            or _("Aucun mandat.")
        ),
    )
    return 0


def run_mandate_status(ctx: CliContext) -> int:
    """Suspend, resume or revoke a mandate."""
    outcome = ops.set_mandate_status(_context(ctx), ctx.args.mandate, ctx.args.status)
    ctx.result(
        outcome.result.__dict__,
        _("Mandat {rum} : {status}.").format(
            rum=outcome.result.rum, status=_(MANDATE_STATUS_LABELS[ctx.args.status])
        ),
    )
    return 0


def run_plan_add(ctx: CliContext) -> int:
    """Record a regular gift."""
    context = _context(ctx)
    args = ctx.args
    mandate_id = ops.mandate_for(context, args.contact, args.mandate)
    outcome = ops.add_plan(
        context,
        PlanDraft(
            mandate_id=mandate_id,
            amount_cents=parse_eur(args.amount),
            frequency=EVERY[args.every],
            starts_on=parse_date(args.start, field="start")
            if args.start
            else today(context.database.clock),
            day_of_month=args.day,
            ends_on=parse_date(args.end, field="end") if args.end else None,
            campaign_id=args.campaign,
        ),
    )
    r = outcome.result
    ctx.result(
        r.__dict__,
        _("Don régulier n° {id} : {amount} ({every}) sur le mandat n° {mandate}.").format(
            id=r.plan_id,
            amount=format_eur(r.amount_cents),
            every=_(EVERY_WORDS[args.every]),
            mandate=r.mandate_id,
        ),
    )
    return 0


def run_plan_list(ctx: CliContext) -> int:
    """List the regular gifts."""
    rows = ops.list_plans(_context(ctx))
    ctx.result(
        [
            {
                **r.__dict__,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
            }
            for r in rows
        ],
        lambda: (
            "\n".join(
                f"{r.plan_id:>5}  {r.holder:<30} {format_eur(r.amount_cents):>12} "
                f"{_(FREQUENCY_LABELS.get(r.frequency, r.frequency)):<16} {r.day_of_month:>2}  "
                f"{_(PLAN_STATUS_LABELS.get(r.status, r.status))}"
                + (" " + _("(pré-notification à envoyer)") if r.needs_notice else "")
                for r in rows
            )
            or _("Aucun don régulier.")
        ),
    )
    return 0


def run_plan_change(ctx: CliContext) -> int:
    """Change a regular gift."""
    args = ctx.args
    result = ops.change_plan(
        _context(ctx),
        args.plan,
        amount_cents=parse_eur(args.amount) if args.amount else None,
        day_of_month=args.day,
        ends_on=parse_date(args.end, field="end") if args.end else None,
        open_ended=args.no_end,
        status=PlanStatus(args.status) if args.status else None,
    ).result
    ctx.result(
        result.__dict__,
        _("Don régulier n° {id} modifié : {amount}.").format(
            id=result.plan_id, amount=format_eur(result.amount_cents)
        ),
    )
    return 0


def run_notify(ctx: CliContext) -> int:
    """Send the pre-notifications by e-mail (--email), then write the letters (--out)."""
    args, context = ctx.args, _context(ctx)
    if not args.email and args.out is None:
        raise ValidationError(_("Indiquez --email, --out FICHIER.pdf ou les deux."), field="out")
    day = parse_date(args.date, field="date")
    data: dict[str, Any] = {}
    lines: list[str] = []
    if args.email:
        emailed = ops.email_notices(context, day).result
        data["emails"] = [n.plan_id for n in emailed.sent]
        data["failed"] = {n.plan_id: error for n, error in emailed.failed}
        lines.append(
            _("{n} pré-notification(s) envoyée(s) par e-mail.").format(n=len(emailed.sent))
        )
        lines += [
            _("Échec pour le don régulier n° {id} : {error}").format(id=n.plan_id, error=error)
            for n, error in emailed.failed
        ]
    if args.out is not None:
        letters = ops.prenotify(context, day, args.out).result
        data.update(letters=len(letters), plans=[n.plan_id for n in letters], out=str(args.out))
        if letters:
            lines.append(
                _("{n} lettre(s) de pré-notification écrite(s) dans {out}.").format(
                    n=len(letters), out=args.out
                )
            )
    elif args.email and emailed.without_email:
        lines.append(
            _(
                "{n} donateur(s) sans adresse e-mail : relancez avec --out pour leurs lettres."
            ).format(n=emailed.without_email)
        )
    ctx.result(data, "\n".join(lines) or _("Aucune pré-notification à envoyer pour cette date."))
    return 0


def run_collect(ctx: CliContext) -> int:
    """Preview, or record the run and write the pain.008 file."""
    context = _context(ctx)
    args = ctx.args
    day = parse_date(args.date, field="date")
    if args.dry_run or args.out is None:
        plan = ops.preview_collection(context, day)
        excluded = [_excluded(e) for e in plan.excluded]
        data = {
            "dry_run": True,
            "count": len(plan.debits),
            "total_cents": plan.total_cents,
            "excluded": excluded,
        }
        ctx.result(data, _collect_text(len(plan.debits), plan.total_cents, excluded, None))
        return 0
    r = ops.collect(context, day, args.out).result
    excluded = [_excluded(e) for e in r.excluded]
    data = {
        "dry_run": False,
        "collection_id": r.collection_id,
        "message_id": r.message_id,
        "count": r.count,
        "first": r.first,
        "recurring": r.recurring,
        "total_cents": r.total_cents,
        "file": str(r.path),
        "sha256": r.sha256,
        "excluded": excluded,
    }
    ctx.result(data, _collect_text(r.count, r.total_cents, excluded, r.path))
    return 0


def _excluded(e: Excluded) -> dict[str, Any]:
    return {
        "plan_id": e.plan_id,
        "contact_id": e.contact_id,
        "name": e.name,
        "reason": e.reason,
        "reason_text": e.reason_text,
    }


def _collect_text(count: int, total: int, excluded: list[dict[str, Any]], path: Path | None) -> str:
    lines = [
        _("{n} prélèvement(s) pour {total}.").format(n=count, total=format_eur(total))
        + (" " + _("Fichier : {path}").format(path=path) if path else "")
    ]
    lines += [
        _("Écarté : {name} — {reason}").format(name=e["name"], reason=e["reason_text"])
        for e in excluded
    ]
    return "\n".join(lines)


def run_reject(ctx: CliContext) -> int:
    """Record returns from a bank file or one typed by hand."""
    context = _context(ctx)
    args = ctx.args
    if args.file is not None:
        results = ops.reject_file(context, args.file).result
    elif args.gift is not None and args.reason:
        on = parse_date(args.date, field="date") if args.date else None
        results = (ops.reject(context, reason=args.reason, on=on, gift_id=args.gift).result,)
    else:
        raise NotFound(_("Indiquez un fichier de la banque, ou --gift N° et --reason CODE."))
    data = [r.__dict__ for r in results]
    ctx.result(
        data,
        lambda: "\n".join(
            _("Don n° {gift} ({name}, {amount}) : {reason}{extra}").format(
                gift=r.gift_id,
                name=r.name,
                amount=format_eur(r.amount_cents),
                reason=r.reason,
                extra=(" — " + _("don régulier suspendu, à appeler"))
                if r.plan_suspended
                else (" — " + _("déjà enregistré"))
                if r.already_recorded
                else "",
            )
            for r in results
        ),
    )
    return 0


def run_calls(ctx: CliContext) -> int:
    """Donors to call after rejects."""
    rows = ops.donors_to_call(_context(ctx))
    ctx.result(
        [{"contact_id": c, "name": n, "rejects": k} for c, n, k in rows],
        lambda: (
            "\n".join(
                _("{name} (n° {id}) : {k} rejet(s) consécutif(s)").format(name=n, id=c, k=k)
                for c, n, k in rows
            )
            or _("Aucun donateur à appeler.")
        ),
    )
    return 0
