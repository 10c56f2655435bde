"""`obole register export` and `obole gdpr export|erase|retention|request|restrict`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.core.backup import automatic_backup
from app.core.clock import today
from app.core.dates import parse_date
from app.core.gdpr import anonymise, requests, restriction, retention
from app.core.gdpr import register as gdpr_register
from app.core.gdpr.subject_export import write_export
from app.models.enums import RightsRequestKind
from app.reports.register_export import write_register
from app.reports.subject_pdf import render_subject_pdf


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


def run_register_export(ctx: Any) -> int:
    """Write the register."""
    database = ctx.database()
    with database.write() as session:
        gdpr_register.ensure_default_register(session)
    with database.read() as session:
        write_register(
            ctx.args.out,
            gdpr_register.header(session),
            gdpr_register.activities(session),
            ctx.args.format,
        )
    ctx.result({"file": str(ctx.args.out)}, f"Registre écrit : {ctx.args.out}")
    return 0


def run_export(ctx: Any) -> int:
    """Write a person's data export."""
    with ctx.database().write() as session:
        path = write_export(
            session, ctx.args.contact_id, ctx.args.out, render_pdf=render_subject_pdf
        )
    ctx.result({"file": str(path)}, f"Export écrit : {path}")
    return 0


def run_erase(ctx: Any) -> int:
    """Preview, and with --yes apply, the erasure of a person."""
    database = ctx.database()
    with database.read() as session:
        preview = anonymise.preview_erasure(session, ctx.args.contact_id)
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
        automatic_backup(database.engine, database.backup_dir, reason="anonymisation")
        with database.write() as session:
            anonymise.anonymise(session, ctx.args.contact_id, clock=database.clock)
        text.append("Effacement appliqué.")
    else:
        text.append("Aperçu seulement : ajoutez --yes pour appliquer.")
    ctx.result(data, "\n".join(text))
    return 0


def run_retention(ctx: Any) -> int:
    """List (and with --apply anonymise) contacts past their retention period."""
    database = ctx.database()
    with database.read() as session:
        found = retention.candidates(session, on=today(database.clock))
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
        automatic_backup(database.engine, database.backup_dir, reason="retention")
        with database.write() as session:
            data["anonymised"] = retention.apply(session, clock=database.clock)
        text.append(f"{data['anonymised']} contact(s) anonymisé(s).")
    ctx.result(data, "\n".join(text))
    return 0


def run_request(ctx: Any) -> int:
    """Log a data-subject request."""
    database = ctx.database()
    received = parse_date(ctx.args.received) if ctx.args.received else today(database.clock)
    with database.write() as session:
        request = requests.log_request(
            session,
            kind=RightsRequestKind(ctx.args.kind),
            received_on=received,
            requester=ctx.args.requester,
            contact_id=ctx.args.contact,
            identity_check=ctx.args.identity_check,
        )
        data = {"id": request.id, "due_on": request.due_on.isoformat()}
    ctx.result(
        data, f"Demande n° {data['id']} enregistrée, à traiter avant le {request.due_on:%d/%m/%Y}."
    )
    return 0


def run_due(ctx: Any) -> int:
    """Requests overdue or due soon."""
    database = ctx.database()
    with database.read() as session:
        due = requests.requests_due(session, today(database.clock))
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


def run_restrict(ctx: Any) -> int:
    """Restrict or lift."""
    with ctx.database().write() as session:
        if ctx.args.lift:
            restriction.lift(session, ctx.args.contact_id)
        else:
            restriction.restrict(session, ctx.args.contact_id, reason=ctx.args.reason)
    state = "levée" if ctx.args.lift else "posée"
    ctx.result(
        {"contact_id": ctx.args.contact_id, "restricted": not ctx.args.lift},
        f"Limitation {state} pour le contact {ctx.args.contact_id}.",
    )
    return 0
