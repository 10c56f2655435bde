"""`obole receipts ...`: issue (with preview), list, reprint, cancel, replace, log, declaration."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.money import format_eur
from app.core.receipts import audit, lifecycle, mailing
from app.errors import Conflict
from app.i18n import N_, _, ngettext
from app.models.enums import ReceiptMode
from app.operations import receipts as ops
from app.operations import smtp


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `receipts` command group."""
    parser = subparsers.add_parser("receipts", help=_("reçus fiscaux (Cerfa 11580 et 16216)"))
    sub = parser.add_subparsers(dest="receipts_command", metavar=_("ACTION"))
    issue_p = sub.add_parser("issue", parents=[common], help=_("émettre les reçus d'une année"))
    issue_p.add_argument("--year", type=int, required=True, help=_("année des dons"))
    issue_p.add_argument(
        "--mode",
        choices=["annual", "per_gift"],
        default="annual",
        help=_("un reçu annuel par donateur (annual) ou un reçu par don (per_gift)"),
    )
    issue_p.add_argument(
        "--requested-only",
        action="store_true",
        help=_("avec --mode per_gift : seulement les donateurs qui demandent un reçu par don"),
    )
    issue_p.add_argument("--out", type=Path, help=_("dossier où écrire les PDF"))
    issue_p.add_argument(
        "--merged", type=Path, help=_("un seul PDF avec tous les reçus (impression)")
    )
    issue_p.add_argument(
        "--dry-run", action="store_true", help=_("aperçu seulement, rien n'est émis")
    )
    issue_p.add_argument(
        "--contact", type=int, action="append", help=_("seulement ce donateur (répétable)")
    )
    issue_p.set_defaults(handler=run_issue)
    for name, handler, help_text in (
        ("cancel", run_cancel, N_("annuler un reçu (motif obligatoire)")),
        ("replace", run_replace, N_("annuler et remplacer un reçu")),
    ):
        p = sub.add_parser(name, parents=[common], help=_(help_text))
        p.add_argument("number", help=_("numéro du reçu (ex. 2025-00012)"))
        p.add_argument("--reason", required=True, help=_("motif de l'annulation"))
        p.add_argument("--out", type=Path, help=_("dossier où écrire le nouveau PDF"))
        p.set_defaults(handler=handler)
    reprint_p = sub.add_parser("reprint", parents=[common], help=_("duplicata d'un reçu"))
    reprint_p.add_argument("number", help=_("numéro du reçu (ex. 2025-00012)"))
    reprint_p.add_argument("--out", type=Path, required=True, help=_("fichier PDF"))
    reprint_p.set_defaults(handler=run_reprint)
    pdf_p = sub.add_parser(
        "pdf",
        parents=[common],
        help=_("(ré)écrire les originaux PDF des reçus émis d'une année"),
    )
    pdf_p.add_argument("--year", type=int, required=True, help=_("année des reçus"))
    pdf_p.add_argument("--out", type=Path, required=True, help=_("dossier où écrire les PDF"))
    pdf_p.set_defaults(handler=run_pdf)
    list_p = sub.add_parser("list", parents=[common], help=_("reçus d'une année"))
    list_p.add_argument("--year", type=int, required=True, help=_("année des reçus"))
    list_p.set_defaults(handler=run_list)
    log_p = sub.add_parser(
        "log", parents=[common], help=_("registre des numéros (PDF, CSV ou XLSX)")
    )
    log_p.add_argument("--year", type=int, required=True, help=_("année des reçus"))
    log_p.add_argument(
        "--out", type=Path, required=True, help=_("fichier à écrire (.pdf, .csv ou .xlsx)")
    )
    log_p.set_defaults(handler=run_log)
    decl = sub.add_parser(
        "declaration", parents=[common], help=_("chiffres de la déclaration art. 222 bis")
    )
    decl.add_argument("--year", type=int, required=True, help=_("année de la déclaration"))
    decl.set_defaults(handler=run_declaration)
    send = sub.add_parser("send", parents=[common], help=_("envoyer les reçus par courriel (SMTP)"))
    send.add_argument("--year", type=int, required=True, help=_("année des reçus"))
    send.add_argument(
        "--retry", action="store_true", help=_("renvoyer seulement les envois en échec")
    )
    send.set_defaults(handler=run_send)
    smtp = sub.add_parser("smtp", parents=[common], help=_("paramètres du serveur d'envoi"))
    smtp.add_argument("--host", required=True, help=_("serveur SMTP"))
    smtp.add_argument("--port", type=int, default=587, help=_("port (587 par défaut)"))
    smtp.add_argument(
        "--security",
        choices=["starttls", "ssl", "none"],
        default="starttls",
        help=_("chiffrement de la connexion"),
    )
    smtp.add_argument(
        "--login", default="", help=_("identifiant (mot de passe dans $OBOLE_SMTP_PASSWORD)")
    )
    smtp.add_argument("--sender", required=True, help=_("adresse de l'expéditeur"))
    smtp.add_argument("--test", action="store_true", help=_("tester la connexion"))
    smtp.set_defaults(handler=run_smtp)
    waiver = sub.add_parser(
        "waiver", parents=[common], help=_("renonciation écrite d'un bénévole à ses frais (don)")
    )
    waiver.add_argument("gift", type=int, help=_("numéro du don (frais abandonnés)"))
    waiver.add_argument("--signed-on", required=True, help=_("date de la lettre (JJ/MM/AAAA)"))
    waiver.add_argument("--reference", required=True, help=_("référence de la lettre conservée"))
    waiver.set_defaults(handler=run_waiver)
    year_end = sub.add_parser(
        "company-year", parents=[common], help=_("fin d'exercice d'une entreprise donatrice")
    )
    year_end.add_argument("contact", type=int, help=_("numéro du contact (l'entreprise)"))
    year_end.add_argument("--end", required=True, help=_("JJ/MM (31/12 par défaut)"))
    year_end.set_defaults(handler=run_company_year)
    verify_p = sub.add_parser("verify", parents=[common], help=_("vérifier l'empreinte d'un reçu"))
    verify_p.add_argument("number", help=_("numéro du reçu (ex. 2025-00012)"))
    verify_p.set_defaults(handler=run_verify)


STATUS_WORDS = {"issued": N_("émis"), "cancelled": N_("annulé")}  # ReceiptStatus, in words


def _plan_data(plan: Any) -> dict[str, Any]:
    return {
        "year": plan.year,
        "mode": str(plan.mode),
        "receipts": len(plan.receipts),
        "total_cents": plan.total_cents,
        "organisation_problems": plan.organisation_problems,
        "excluded": [
            {
                "contact_id": e.contact_id,
                "donor": e.donor_name,
                "gift_ids": list(e.gift_ids),
                "reason": e.reason,
            }
            for e in plan.excluded
        ],
        "warnings": [
            {"contact_id": r.contact_id, "donor": r.donor_name, "warning": w}
            for r, w in plan.warnings
        ],
    }


def _plan_text(plan: Any) -> str:
    count = len(plan.receipts)
    lines = [
        ngettext(
            N_("{n} reçu à émettre pour {year}, total {total}."),
            N_("{n} reçus à émettre pour {year}, total {total}."),
            count,
        ).format(n=count, year=plan.year, total=format_eur(plan.total_cents))
    ]
    if plan.organisation_problems:
        lines.append(
            _("Mentions obligatoires manquantes : {problems}").format(
                problems=" ; ".join(plan.organisation_problems)
            )
        )
    donor_line = _("  - {donor} (contact {id}) : {why}")
    if plan.excluded:
        count = len(plan.excluded)
        lines.append(
            ngettext(
                N_("{n} donateur ou don exclu :"), N_("{n} donateurs ou dons exclus :"), count
            ).format(n=count)
        )
        lines += [
            donor_line.format(donor=e.donor_name, id=e.contact_id, why=e.reason)
            for e in plan.excluded[:50]
        ]
    if plan.warnings:
        count = len(plan.warnings)
        lines.append(
            ngettext(N_("{n} avertissement :"), N_("{n} avertissements :"), count).format(n=count)
        )
        lines += [
            donor_line.format(donor=r.donor_name, id=r.contact_id, why=w)
            for r, w in plan.warnings[:50]
        ]
    return "\n".join(lines)


def run_issue(ctx: CliContext) -> int:
    """Preview, then issue (backup, planned again inside the transaction); PDFs after commit."""
    args = ctx.args
    mode = ReceiptMode(args.mode)
    if args.requested_only and mode != ReceiptMode.PER_GIFT:
        ctx.say(_("obole: erreur : --requested-only va avec --mode per_gift."))
        return 2
    request = ops.IssueRequest(
        year=args.year,
        mode=mode,
        contact_ids=tuple(args.contact) if args.contact else None,
        requested_only=args.requested_only,
    )
    op = ctx.operation()
    plan = ops.preview(op, request).result
    if plan.refused:  # annual receipts wait for the end of the year (issue #15, point 2)
        raise Conflict(plan.refused)
    if args.dry_run or not plan.receipts:
        ctx.result({**_plan_data(plan), "issued": 0}, _plan_text(plan))
        return 0
    issued = ops.issue_receipts(op, request).result
    plan, result = issued.plan, issued.result
    paths: list[Path] = []
    if args.out:
        paths = ops.save_pdfs(op, result.receipt_ids, args.out).result
    if args.merged:
        ops.save_print_file(op, result.receipt_ids, args.merged)
        paths.append(args.merged)
    data = {
        **_plan_data(plan),
        "issued": len(result.numbers),
        "numbers": list(result.numbers),
        "files": [str(p) for p in paths],
    }
    count = len(result.numbers)
    issued_text = ngettext(N_("{n} reçu émis."), N_("{n} reçus émis."), count).format(n=count)
    if result.numbers:
        issued_text = ngettext(
            N_("{n} reçu émis ({first} à {last})."), N_("{n} reçus émis ({first} à {last})."), count
        ).format(n=count, first=result.numbers[0], last=result.numbers[-1])
    ctx.result(data, _plan_text(plan) + "\n" + issued_text)
    return 0


def _single(ctx: CliContext, *, replace: bool) -> int:
    op = ctx.operation()
    new = ops.cancel_receipt(op, ctx.args.number, reason=ctx.args.reason, replace=replace).result
    data = {"number": new.number, "status": new.status, "replaces": ctx.args.number}
    if getattr(ctx.args, "out", None) and new.status == "issued":
        ops.save_pdfs(op, (new.receipt_id,), ctx.args.out)
    text = _("Reçu {number} : annulé.") if new.status == "cancelled" else _("Reçu {number} : émis.")
    ctx.result(data, text.format(number=new.number))
    return 0


def run_cancel(ctx: CliContext) -> int:
    """Cancel a receipt (kept, marked ANNULÉ)."""
    return _single(ctx, replace=False)


def run_replace(ctx: CliContext) -> int:
    """Cancel a receipt and issue its replacement."""
    return _single(ctx, replace=True)


def run_reprint(ctx: CliContext) -> int:
    """Write a DUPLICATA of a receipt."""
    ops.reprint(ctx.operation(), ctx.args.number, ctx.args.out)
    ctx.result(
        {"number": ctx.args.number, "file": str(ctx.args.out)},
        _("Duplicata écrit : {file}").format(file=ctx.args.out),
    )
    return 0


def run_pdf(ctx: CliContext) -> int:
    """(Re)write the original PDFs of a year's issued receipts, checked against digests."""
    paths = ops.save_originals(ctx.operation(), ctx.args.year, ctx.args.out).result
    ctx.result(
        {"year": ctx.args.year, "files": [str(p) for p in paths]},
        _("{n} reçus originaux écrits dans {folder} (empreintes vérifiées).").format(
            n=len(paths), folder=ctx.args.out
        ),
    )
    return 0


def run_list(ctx: CliContext) -> int:
    """List the receipts of a year."""
    lines = ctx.query(lambda session: audit.number_log(session, ctx.args.year))
    data = [
        {
            "number": line.number,
            "donor": line.donor,
            "total_cents": line.total_cents,
            "status": line.status,
            "replaces": line.replaces,
            "replaced_by": line.replaced_by,
        }
        for line in lines
    ]
    ctx.result(
        data,
        "\n".join(
            f"{line.number}  {_(STATUS_WORDS.get(line.status, line.status)):9}  "
            f"{format_eur(line.total_cents):>14}  {line.donor}"
            for line in lines
        )
        or _("Aucun reçu."),
    )
    return 0


def run_log(ctx: CliContext) -> int:
    """Write the number log."""
    count = ops.number_log(ctx.operation(), ctx.args.year, ctx.args.out).result
    ctx.result(
        {"file": str(ctx.args.out), "lines": count},
        ngettext(
            N_("Registre écrit : {file} ({n} numéro)"),
            N_("Registre écrit : {file} ({n} numéros)"),
            count,
        ).format(file=ctx.args.out, n=count),
    )
    return 0


def run_declaration(ctx: CliContext) -> int:
    """Print the art. 222 bis figures."""
    figures = ops.declaration(ctx.operation(), ctx.args.year).result
    gaps = ctx.query(lambda session: audit.gaps(session, ctx.args.year))
    data = {
        "year": figures.year,
        "receipts": figures.receipts,
        "total_cents": figures.total_cents,
        "cancelled": figures.cancelled,
        "individual": figures.individual_receipts,
        "company": figures.company_receipts,
        "basis": figures.basis_received,
        "delivered": {
            "receipts": figures.delivered_receipts,
            "total_cents": figures.delivered_total_cents,
            "basis": figures.basis_delivered,
        },
        "gaps": gaps,
    }
    text = _(
        "Déclaration art. 222 bis — {year}\n"
        "1) Base : {basis}\n"
        "   Nombre de reçus : {receipts} (particuliers {individual}, entreprises {company})\n"
        "   Montant global des dons mentionnés : {total}\n"
        "2) Base : {basis_delivered}\n"
        "   Nombre de reçus : {delivered}\n"
        "   Montant global des dons mentionnés : {delivered_total}\n"
        "Reçus annulés (non comptés) : {cancelled}"
    ).format(
        year=figures.year,
        basis=figures.basis_received,
        receipts=figures.receipts,
        individual=figures.individual_receipts,
        company=figures.company_receipts,
        total=format_eur(figures.total_cents),
        basis_delivered=figures.basis_delivered,
        delivered=figures.delivered_receipts,
        delivered_total=format_eur(figures.delivered_total_cents),
        cancelled=figures.cancelled,
    )
    if gaps:
        text += "\n" + _("ATTENTION : numéros manquants {gaps}").format(gaps=gaps)
    ctx.result(data, text)
    return 0


VERDICTS = {
    lifecycle.Reproduction.IDENTICAL: N_("empreinte vérifiée, PDF identique à l'émission"),
    lifecycle.Reproduction.NEW_LAYOUT: N_(
        "données intactes (empreinte des données vérifiée), mise en page d'une version "
        "plus récente d'Obole"
    ),
    lifecycle.Reproduction.ALTERED: N_("DONNÉES ALTÉRÉES depuis l'émission"),
}


def run_verify(ctx: CliContext) -> int:
    """Check that a receipt still reproduces its recorded SHA-256."""
    found = ops.verify_receipt(ctx.operation(), ctx.args.number)
    data = {
        "number": found.number,
        "sha256": found.sha256,
        "status": found.status,
        "reproduction": str(found.reproduction),
        "valid": found.valid,
    }
    ctx.result(
        data,
        _("Reçu {number} : {verdict} ({sha})").format(
            number=found.number, verdict=_(VERDICTS[found.reproduction]), sha=found.sha256
        ),
    )
    return 0 if found.valid else 1


def run_send(ctx: CliContext) -> int:
    """E-mail the year's receipts not sent yet (or retry the failures)."""
    outcome = ops.send_by_email(ctx.operation(), year=ctx.args.year, retry=ctx.args.retry)
    sent, failed = outcome.result.sent, outcome.result.failed
    ctx.result(
        {"sent": sent, "failed": failed},
        (
            _("Reçus envoyés : {sent} ; échecs : {failed}. Relancez avec --retry après correction.")
            if failed
            else _("Reçus envoyés : {sent} ; échecs : {failed}.")
        ).format(sent=sent, failed=failed),
    )
    return 1 if failed else 0


def run_smtp(ctx: CliContext) -> int:
    """Store (and optionally test) the SMTP settings."""
    import os

    args = ctx.args
    settings = mailing.SmtpSettings(
        host=args.host,
        port=args.port,
        security=args.security,
        username=args.login,
        password=os.environ.get(mailing.PASSWORD_ENV_VAR, ""),
        sender=args.sender,
    )
    smtp.save_smtp(ctx.operation(), settings)
    if args.test:
        smtp.check_smtp(ctx.operation(), settings)
    ctx.result(
        {"saved": True, "tested": bool(args.test)},
        _("Paramètres d'envoi enregistrés et connexion vérifiée.")
        if args.test
        else _("Paramètres d'envoi enregistrés."),
    )
    return 0


def run_waiver(ctx: CliContext) -> int:
    """Record a volunteer's written waiver of an expense gift."""
    from app.core.receipts.settings import parse_day
    from app.errors import ValidationError

    signed_on = parse_day(ctx.args.signed_on)
    if signed_on is None:
        raise ValidationError(
            _("--signed-on « {value} » : date JJ/MM/AAAA attendue.").format(
                value=ctx.args.signed_on
            ),
            field="signed_on",
        )
    ops.record_waiver(
        ctx.operation(),
        ctx.args.gift,
        signed_on=signed_on,
        reference=ctx.args.reference,
    )
    ctx.result(
        {"gift": ctx.args.gift, "signed_on": signed_on.isoformat()},
        _("Renonciation enregistrée pour le don {gift}.").format(gift=ctx.args.gift),
    )
    return 0


def run_company_year(ctx: CliContext) -> int:
    """Store a company's financial-year end."""
    stored = ops.set_fiscal_year_end(ctx.operation(), ctx.args.contact, ctx.args.end).result
    ctx.result(
        {"contact": ctx.args.contact, "fiscal_year_end": stored or "12-31"},
        _("Fin d'exercice enregistrée : {end}.").format(end=ctx.args.end),
    )
    return 0
