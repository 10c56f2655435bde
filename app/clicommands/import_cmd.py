"""`obole import contacts|gifts FILE`, `obole import undo ID`, `obole import list`,
`obole export`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.core.backup import automatic_backup
from app.core.clock import today
from app.core.importing.commit import commit, file_sha256, report_of, undo_import, write_rejected
from app.core.importing.history import list_imports
from app.core.importing.obole_format import export_contacts, export_gifts
from app.core.importing.plan import INVALID
from app.core.importing.service import prepare
from app.core.money import format_eur
from app.reports.table_export import write_table


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `import` and `export` commands."""
    parser = subparsers.add_parser(
        "import", help="importer des contacts ou des dons (CSV, XLSX, ODS)"
    )
    sub = parser.add_subparsers(dest="import_command", metavar="ACTION")
    for kind in ("contacts", "gifts"):
        p = sub.add_parser(
            kind,
            parents=[common],
            help=f"importer des {'contacts' if kind == 'contacts' else 'dons'}",
        )
        p.add_argument("file", type=Path)
        p.add_argument("--mapping", type=Path, help="correspondance colonnes → champs (JSON)")
        p.add_argument("--dry-run", action="store_true", help="vérifier sans rien écrire")
        p.add_argument("--report", type=Path, help="écrire le rapport (JSON)")
        p.add_argument("--rejected", type=Path, help="écrire les lignes rejetées (CSV avec motif)")
        p.set_defaults(handler=run_import, kind=kind)
    undo = sub.add_parser("undo", parents=[common], help="annuler un import")
    undo.add_argument("batch_id", type=int)
    undo.set_defaults(handler=run_undo)
    listing = sub.add_parser("list", parents=[common], help="imports effectués")
    listing.set_defaults(handler=run_list)
    export = subparsers.add_parser(
        "export", parents=[common], help="export au format Obole (réimportable)"
    )
    export.add_argument("what", choices=["contacts", "gifts"])
    export.add_argument("file", type=Path)
    export.set_defaults(handler=run_export)


def run_import(ctx: Any) -> int:
    """Dry run, then (unless --dry-run) backup and commit in one transaction."""
    args = ctx.args
    database = ctx.database()
    with database.read() as session:
        plan = prepare(
            session, args.file, args.kind, today=today(database.clock), mapping_file=args.mapping
        )
    report = report_of(plan)
    if not args.dry_run and (report.created or report.updated):
        automatic_backup(database.engine, database.backup_dir, reason="import")
        with database.write() as session:
            plan = prepare(
                session,
                args.file,
                args.kind,
                today=today(database.clock),
                mapping_file=args.mapping,
            )
            report = commit(
                session,
                plan,
                file_name=args.file.name,
                sha256=file_sha256(args.file),
                today=today(database.clock),
            )
    problems = [reason for row in plan.rows if row.status == INVALID for reason in row.reasons]
    data = {
        **report.as_dict(),
        "dry_run": bool(args.dry_run),
        "file": str(args.file),
        "encoding": plan.table.encoding,
        "delimiter": plan.table.delimiter,
        "mapping": {plan.table.header[i]: f for i, f in sorted(plan.mapping.items())},
        "unmapped_columns": [h for i, h in enumerate(plan.table.header) if i not in plan.mapping],
        "problems": problems,
        "notes": plan.table.notes,
    }
    if args.report:
        args.report.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    if args.rejected:
        write_rejected(plan, args.rejected)
    text = [
        f"{'Vérification' if args.dry_run else 'Import'} de {args.file.name} : {report.rows_read} "
        "lignes lues = "
        f"{report.created} nouvelles + {report.updated} mises à jour + {report.unchanged} "
        "inchangées + "
        f"{report.rejected} rejetées."
    ]
    if args.kind == "gifts":
        text.append(
            f"Montants lus : {format_eur(report.amount_read_cents)} ; importés : "
            f"{format_eur(report.amount_imported_cents)}."
        )
    if data["unmapped_columns"]:
        text.append("Colonnes ignorées : " + ", ".join(data["unmapped_columns"]))
    text += [f"  - {p}" for p in problems[:100]]
    if report.batch_id:
        text.append(
            f"Import n° {report.batch_id} (annulable : obole import undo {report.batch_id})."
        )
    ctx.result(data, "\n".join(text))
    return 0


def run_undo(ctx: Any) -> int:
    """Undo an import."""
    with ctx.database().write() as session:
        result = undo_import(session, ctx.args.batch_id)
    ctx.result(
        result,
        f"Import n° {ctx.args.batch_id} annulé : {result['contacts_removed']} contacts et "
        f"{result['gifts_removed']} dons retirés, mises à jour restaurées.",
    )
    return 0


def run_list(ctx: Any) -> int:
    """List the imports."""
    with ctx.database().read() as session:
        data = [
            {
                "id": b.id,
                "kind": b.kind,
                "file": b.file_name,
                "at": b.at.isoformat(),
                "user": b.user,
                "counts": b.counts,
                "undone": b.undone,
            }
            for b in reversed(list_imports(session))
        ]
    ctx.result(
        data,
        "\n".join(
            f"{d['id']:>4} {d['at'][:16]} {d['kind']:8} {d['file']}  {d['counts']}"
            + ("  (annulé)" if d["undone"] else "")
            for d in data
        )
        or "Aucun import.",
    )
    return 0


def run_export(ctx: Any) -> int:
    """Export in Obole's own import format."""
    with ctx.database().read() as session:
        count = (export_contacts if ctx.args.what == "contacts" else export_gifts)(
            session, ctx.args.file, write=write_table
        )
    ctx.result(
        {"file": str(ctx.args.file), "rows": count}, f"{count} lignes écrites dans {ctx.args.file}"
    )
    return 0
