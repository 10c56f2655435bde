"""`obole register export` and `obole gdpr export|erase|retention|request|restrict`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.clock import today
from app.core.dates import parse_date
from app.i18n import N_, _, ngettext
from app.models.enums import RightsRequestKind
from app.operations import gdpr as ops


def register_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """`obole register ...`."""
    parser = subparsers.add_parser("register", help=_("registre des traitements (RGPD art. 30)"))
    sub = parser.add_subparsers(dest="register_command", metavar=_("ACTION"))
    export = sub.add_parser("export", parents=[common], help=_("exporter le registre"))
    export.add_argument(
        "--format",
        choices=["pdf", "xlsx", "ods", "csv"],
        required=True,
        help=_("format du fichier"),
    )
    export.add_argument("--out", type=Path, required=True, help=_("fichier à écrire"))
    export.set_defaults(handler=run_register_export)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `register` and `gdpr`."""
    register_commands(subparsers, common)
    parser = subparsers.add_parser("gdpr", help=_("droits des personnes, effacement, conservation"))
    sub = parser.add_subparsers(dest="gdpr_command", metavar=_("ACTION"))
    export = sub.add_parser(
        "export", parents=[common], help=_("ZIP des données d'une personne (accès, portabilité)")
    )
    export.add_argument("contact_id", type=int, help=_("numéro du contact"))
    export.add_argument("--out", type=Path, required=True, help=_("fichier ZIP à écrire"))
    export.set_defaults(handler=run_export)
    erase = sub.add_parser("erase", parents=[common], help=_("effacer (anonymiser) une personne"))
    erase.add_argument("contact_id", type=int, help=_("numéro du contact"))
    erase.add_argument("--yes", action="store_true", help=_("appliquer (sinon : aperçu seulement)"))
    erase.set_defaults(handler=run_erase)
    keep = sub.add_parser(
        "retention", parents=[common], help=_("contacts ayant dépassé la durée de conservation")
    )
    keep.add_argument(
        "--apply", action="store_true", help=_("anonymiser ces contacts (après sauvegarde)")
    )
    keep.set_defaults(handler=run_retention)
    request = sub.add_parser(
        "request", parents=[common], help=_("enregistrer une demande de droit")
    )
    request.add_argument(
        "kind", choices=[k.value for k in RightsRequestKind], help=_("droit exercé")
    )
    request.add_argument(
        "--requester", required=True, help=_("nom de la personne qui fait la demande")
    )
    request.add_argument(
        "--contact", type=int, help=_("numéro du contact concerné, s'il est connu")
    )
    request.add_argument(
        "--received", default="", help=_("date de réception jj/mm/aaaa (défaut : aujourd'hui)")
    )
    request.add_argument(
        "--identity-check", default="", help=_("comment l'identité a été vérifiée")
    )
    request.set_defaults(handler=run_request)
    due = sub.add_parser("due", parents=[common], help=_("demandes en retard ou à échéance proche"))
    due.set_defaults(handler=run_due)
    restrict = sub.add_parser(
        "restrict", parents=[common], help=_("limiter (geler) ou lever la limitation")
    )
    restrict.add_argument("contact_id", type=int, help=_("numéro du contact"))
    restrict.add_argument("--lift", action="store_true", help=_("lever la limitation"))
    restrict.add_argument("--reason", default="", help=_("motif"))
    restrict.set_defaults(handler=run_restrict)


def run_register_export(ctx: CliContext) -> int:
    """Write the register."""
    ops.export_register(ctx.operation(), ctx.args.out, ctx.args.format)
    ctx.result({"file": str(ctx.args.out)}, _("Registre écrit : {file}").format(file=ctx.args.out))
    return 0


def run_export(ctx: CliContext) -> int:
    """Write a person's data export."""
    path = ops.export_for_access(ctx.operation(), ctx.args.contact_id, ctx.args.out).result
    ctx.result({"file": str(path)}, _("Export écrit : {file}").format(file=path))
    return 0


def run_erase(ctx: CliContext) -> int:
    """Preview, and with --yes apply, the erasure of a person."""
    op = ctx.operation()
    preview = ops.erasure_preview(op, ctx.args.contact_id).result
    data = {
        "contact_id": preview.contact_id,
        "erased": list(preview.erased),
        "kept": [{"what": w, "why": y} for w, y in preview.kept],
        "applied": bool(ctx.args.yes),
    }
    text = [
        _("Effacement de {name} (contact {id})").format(name=preview.name, id=preview.contact_id),
        _("Sera effacé :"),
    ]
    text += (
        [f"  - {e}" for e in preview.erased]
        + [_("Sera conservé :")]
        + [f"  - {w} : {y}" for w, y in preview.kept]
    )
    if ctx.args.yes:
        ops.erase_person(op, ctx.args.contact_id)
        text.append(_("Effacement appliqué."))
    else:
        text.append(_("Aperçu seulement : ajoutez --yes pour appliquer."))
    ctx.result(data, "\n".join(text))
    return 0


def run_retention(ctx: CliContext) -> int:
    """List (and with --apply anonymise) contacts past their retention period."""
    op = ctx.operation()
    found = ops.retention_candidates(op).result
    data: dict[str, Any] = {
        "candidates": [
            {
                "contact_id": c.contact_id,
                "name": c.name,
                "last_activity": c.last_activity.isoformat(),
            }
            for c in found
        ]
    }
    text = [
        ngettext(
            N_("{n} contact au-delà de la durée de conservation."),
            N_("{n} contacts au-delà de la durée de conservation."),
            len(found),
        ).format(n=len(found))
    ]
    text += [f"  {c.contact_id:>7}  {c.last_activity:%d/%m/%Y}  {c.name}" for c in found[:100]]
    if ctx.args.apply and found:
        data["anonymised"] = ops.apply_retention(op).result
        text.append(
            ngettext(
                N_("{n} contact anonymisé."), N_("{n} contacts anonymisés."), data["anonymised"]
            ).format(n=data["anonymised"])
        )
    ctx.result(data, "\n".join(text))
    return 0


def run_request(ctx: CliContext) -> int:
    """Log a data-subject request."""
    database = ctx.database()
    received = parse_date(ctx.args.received) if ctx.args.received else today(database.clock)
    typed = ops.RequestInput(
        kind=RightsRequestKind(ctx.args.kind),
        received_on=received,
        requester=ctx.args.requester,
        contact_id=ctx.args.contact,
        identity_check=ctx.args.identity_check,
    )
    request = ops.log_request(ctx.operation(), typed).result
    data = {"id": request.id, "due_on": request.due_on.isoformat()}
    ctx.result(
        data,
        _("Demande n° {id} enregistrée, à traiter avant le {due}.").format(
            id=data["id"], due=f"{request.due_on:%d/%m/%Y}"
        ),
    )
    return 0


def run_due(ctx: CliContext) -> int:
    """Requests overdue or due soon."""
    due = ops.requests_due(ctx.operation()).result
    ctx.result(
        [
            {
                "id": d.id,
                "kind": d.kind,
                "requester": d.requester,
                "due_on": d.due_on.isoformat(),
                "overdue": d.overdue,
            }
            for d in due
        ],
        "\n".join(
            _("{state:9} {due}  n° {id} {kind} {requester}").format(
                state=_("EN RETARD") if d.overdue else _("bientôt"),
                due=f"{d.due_on:%d/%m/%Y}",
                id=d.id,
                kind=d.kind,
                requester=d.requester,
            )
            for d in due
        )
        or _("Aucune demande à échéance."),
    )
    return 0


def run_restrict(ctx: CliContext) -> int:
    """Restrict or lift."""
    ops.set_restriction(
        ctx.operation(), ctx.args.contact_id, restricted=not ctx.args.lift, reason=ctx.args.reason
    )
    text = (
        _("Limitation levée pour le contact {id}.")
        if ctx.args.lift
        else _("Limitation posée pour le contact {id}.")
    )
    ctx.result(
        {"contact_id": ctx.args.contact_id, "restricted": not ctx.args.lift},
        text.format(id=ctx.args.contact_id),
    )
    return 0
