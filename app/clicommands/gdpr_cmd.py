"""`obole register export` and `obole gdpr export|erase|retention|request|restrict`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.clock import today
from app.core.dates import parse_date
from app.models.enums import RightsRequestKind
from app.operations import gdpr as ops


def register_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """`obole register ...`."""
    parser = subparsers.add_parser("register", help="registre des traitements (RGPD art. 30)")
    sub = parser.add_subparsers(dest="register_command", metavar="ACTION")
    export = sub.add_parser("export", parents=[common], help="exporter le registre")
    export.add_argument("--format", choices=["pdf", "xlsx", "ods", "csv"], required=True)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(handler=run_register_export)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `register` and `gdpr`."""
    register_commands(subparsers, common)
    parser = subparsers.add_parser("gdpr", help="droits des personnes, effacement, conservation")
    sub = parser.add_subparsers(dest="gdpr_command", metavar="ACTION")
    export = sub.add_parser(
        "export", parents=[common], help="ZIP des données d'une personne (accès, portabilité)"
    )
    export.add_argument("contact_id", type=int)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(handler=run_export)
    erase = sub.add_parser("erase", parents=[common], help="effacer (anonymiser) une personne")
    erase.add_argument("contact_id", type=int)
    erase.add_argument("--yes", action="store_true", help="appliquer (sinon : aperçu seulement)")
    erase.set_defaults(handler=run_erase)
    keep = sub.add_parser(
        "retention", parents=[common], help="contacts ayant dépassé la durée de conservation"
    )
    keep.add_argument(
        "--apply", action="store_true", help="anonymiser ces contacts (après sauvegarde)"
    )
    keep.set_defaults(handler=run_retention)
    request = sub.add_parser("request", parents=[common], help="enregistrer une demande de droit")
    request.add_argument("kind", choices=[k.value for k in RightsRequestKind])
    request.add_argument("--requester", required=True)
    request.add_argument("--contact", type=int)
    request.add_argument(
        "--received", default="", help="date de réception jj/mm/aaaa (défaut : aujourd'hui)"
    )
    request.add_argument("--identity-check", default="")
    request.set_defaults(handler=run_request)
    due = sub.add_parser("due", parents=[common], help="demandes en retard ou à échéance proche")
    due.set_defaults(handler=run_due)
    restrict = sub.add_parser(
        "restrict", parents=[common], help="limiter (geler) ou lever la limitation"
    )
    restrict.add_argument("contact_id", type=int)
    restrict.add_argument("--lift", action="store_true")
    restrict.add_argument("--reason", default="")
    restrict.set_defaults(handler=run_restrict)


def run_register_export(ctx: CliContext) -> int:
    """Write the register."""
    ops.export_register(ctx.operation(), ctx.args.out, ctx.args.format)
    ctx.result({"file": str(ctx.args.out)}, f"Registre écrit : {ctx.args.out}")
    return 0


def run_export(ctx: CliContext) -> int:
    """Write a person's data export."""
    path = ops.export_for_access(ctx.operation(), ctx.args.contact_id, ctx.args.out).result
    ctx.result({"file": str(path)}, f"Export écrit : {path}")
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
    text = [f"Effacement de {preview.name} (contact {preview.contact_id})", "Sera effacé :"]
    text += (
        [f"  - {e}" for e in preview.erased]
        + ["Sera conservé :"]
        + [f"  - {w} : {y}" for w, y in preview.kept]
    )
    if ctx.args.yes:
        ops.erase_person(op, ctx.args.contact_id)
        text.append("Effacement appliqué.")
    else:
        text.append("Aperçu seulement : ajoutez --yes pour appliquer.")
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
    text = [f"{len(found)} contact(s) au-delà de la durée de conservation."]
    text += [f"  {c.contact_id:>7}  {c.last_activity:%d/%m/%Y}  {c.name}" for c in found[:100]]
    if ctx.args.apply and found:
        data["anonymised"] = ops.apply_retention(op).result
        text.append(f"{data['anonymised']} contact(s) anonymisé(s).")
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
        data, f"Demande n° {data['id']} enregistrée, à traiter avant le {request.due_on:%d/%m/%Y}."
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
            f"{'EN RETARD' if d.overdue else 'bientôt':9} {d.due_on:%d/%m/%Y}  n° {d.id} {d.kind} "
            f"{d.requester}"
            for d in due
        )
        or "Aucune demande à échéance.",
    )
    return 0


def run_restrict(ctx: CliContext) -> int:
    """Restrict or lift."""
    ops.set_restriction(
        ctx.operation(), ctx.args.contact_id, restricted=not ctx.args.lift, reason=ctx.args.reason
    )
    state = "levée" if ctx.args.lift else "posée"
    ctx.result(
        {"contact_id": ctx.args.contact_id, "restricted": not ctx.args.lift},
        f"Limitation {state} pour le contact {ctx.args.contact_id}.",
    )
    return 0
