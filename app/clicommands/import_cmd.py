"""`obole import contacts|gifts FILE`, `obole import undo ID`, `obole import list`,
`obole export`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.importing.commit import report_of, write_rejected
from app.core.importing.plan import FOLDED, INVALID
from app.core.money import format_eur
from app.errors import ValidationError
from app.i18n import N_, _, ngettext
from app.operations import imports as ops


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `import` and `export` commands."""
    parser = subparsers.add_parser(
        "import", help=_("importer des contacts ou des dons (CSV, XLSX, ODS)")
    )
    sub = parser.add_subparsers(dest="import_command", metavar=_("ACTION"))
    for kind, help_text in (
        ("contacts", N_("importer des contacts")),
        ("gifts", N_("importer des dons")),
    ):
        p = sub.add_parser(kind, parents=[common], help=_(help_text))
        p.add_argument("file", type=Path, help=_("fichier à importer (CSV, XLSX, ODS)"))
        p.add_argument("--mapping", type=Path, help=_("correspondance colonnes → champs (JSON)"))
        p.add_argument("--dry-run", action="store_true", help=_("vérifier sans rien écrire"))
        p.add_argument("--report", type=Path, help=_("écrire le rapport (JSON)"))
        p.add_argument(
            "--rejected", type=Path, help=_("écrire les lignes rejetées (CSV avec motif)")
        )
        p.set_defaults(handler=run_import, kind=kind)
    undo = sub.add_parser("undo", parents=[common], help=_("annuler un import"))
    undo.add_argument("batch_id", type=int, help=_("numéro de l'import (obole import list)"))
    undo.set_defaults(handler=run_undo)
    listing = sub.add_parser("list", parents=[common], help=_("imports effectués"))
    listing.set_defaults(handler=run_list)
    export = subparsers.add_parser(
        "export", parents=[common], help=_("export au format Obole (réimportable)")
    )
    export.add_argument("what", choices=["contacts", "gifts"], help=_("contacts ou dons (gifts)"))
    export.add_argument("file", type=Path, help=_("fichier à écrire (.csv ou .xlsx)"))
    export.set_defaults(handler=run_export)


def run_import(ctx: CliContext) -> int:
    """Dry run, then (unless --dry-run) backup and commit in one transaction."""
    args = ctx.args
    for output in (args.report, args.rejected):
        _check_output(output)
    op = ctx.operation()
    request = ops.ImportRequest(path=args.file, kind=args.kind, mapping_file=args.mapping)
    plan = ops.preview_import(op, request).result
    report = report_of(plan)
    if not args.dry_run:
        imported = ops.import_file(op, request, preview=plan).result
        plan, report = imported.plan, imported.report
    problems = [reason for row in plan.rows if row.status == INVALID for reason in row.reasons]
    warnings = [
        message
        for row in plan.rows
        if row.status != INVALID
        for message in (row.warnings + (row.reasons if row.status == FOLDED else []))
    ]
    data = {
        **report.as_dict(),
        "dry_run": bool(args.dry_run),
        "file": str(args.file),
        "encoding": plan.table.encoding,
        "delimiter": plan.table.delimiter,
        "mapping": {plan.table.header[i]: f for i, f in sorted(plan.mapping.items())},
        "unmapped_columns": [h for i, h in enumerate(plan.table.header) if i not in plan.mapping],
        "problems": problems,
        "warnings": warnings,
        "notes": plan.table.notes,
    }
    if args.report:
        args.report.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    if args.rejected:
        write_rejected(plan, args.rejected)
    summary = (
        _(
            "Vérification de {file} : {read} lignes lues = {created} nouvelles + {updated} "
            "mises à jour + {unchanged} inchangées + {folded} regroupées + {rejected} rejetées."
        )
        if args.dry_run
        else _(
            "Import de {file} : {read} lignes lues = {created} nouvelles + {updated} "
            "mises à jour + {unchanged} inchangées + {folded} regroupées + {rejected} rejetées."
        )
    )
    text = [
        summary.format(
            file=args.file.name,
            read=report.rows_read,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            folded=report.folded,
            rejected=report.rejected,
        )
    ]
    if args.kind == "contacts":
        text.append(
            _(
                "Adresses changées : {changed} (anciennes gardées dans l'historique) ; "
                "adresses incomplètes gardées telles quelles : {incomplete} ; "
                "doublons possibles à examiner : {duplicates}."
            ).format(
                changed=report.addresses_changed,
                incomplete=report.incomplete_addresses,
                duplicates=report.possible_duplicates,
            )
        )
    if args.kind == "gifts":
        text.append(
            _("Montants lus : {read} ; importés : {imported}.").format(
                read=format_eur(report.amount_read_cents),
                imported=format_eur(report.amount_imported_cents),
            )
        )
    if data["unmapped_columns"]:
        text.append(
            _("Colonnes ignorées : {columns}").format(columns=", ".join(data["unmapped_columns"]))
        )
    text += [f"  - {p}" for p in problems[:100]]
    text += [f"  * {w}" for w in warnings[:100]]
    text += [f"  ! {n}" for n in plan.table.notes[:100]]
    if report.batch_id:
        text.append(
            _("Import n° {id} (annulable : obole import undo {id}).").format(id=report.batch_id)
        )
    ctx.result(data, "\n".join(text))
    return 0


def run_undo(ctx: CliContext) -> int:
    """Undo an import (after the automatic backup, as from the GUI)."""
    result = ops.undo_import(ctx.operation(), ctx.args.batch_id).result
    ctx.result(
        result,
        _(
            "Import n° {id} annulé : {contacts} contacts et {gifts} dons retirés, "
            "mises à jour restaurées."
        ).format(
            id=ctx.args.batch_id,
            contacts=result["contacts_removed"],
            gifts=result["gifts_removed"],
        ),
    )
    return 0


def run_list(ctx: CliContext) -> int:
    """List the imports."""
    data: list[dict[str, Any]] = [
        {
            "id": b.id,
            "kind": b.kind,
            "file": b.file_name,
            "at": b.at.isoformat(),
            "user": b.user,
            "counts": b.counts,
            "undone": b.undone,
        }
        for b in reversed(ops.imports(ctx.operation()).result)
    ]
    kinds = {"contacts": _("contacts"), "gifts": _("dons")}

    def counted(counts: dict[str, Any]) -> str:
        return _(
            "{read} lignes lues = {created} nouvelles + {updated} mises à jour + "
            "{unchanged} inchangées + {folded} regroupées + {rejected} rejetées"
        ).format(
            **{
                key: counts.get(key, 0)
                for key in ("created", "updated", "unchanged", "folded", "rejected")
            },
            read=counts.get("rows_read", 0),
        )

    ctx.result(
        data,
        "\n".join(
            f"{d['id']:>4} {str(d['at'])[:16]} {kinds.get(d['kind'], d['kind']):8} {d['file']}  "
            + counted(d["counts"])
            + ("  " + _("(annulé)") if d["undone"] else "")
            for d in data
        )
        or _("Aucun import."),
    )
    return 0


def _check_output(path: Path | None) -> None:
    """An output file must go into an existing folder (nothing is written otherwise)."""
    if path is None:
        return
    if path.is_dir():
        raise ValidationError(
            _("Fichier {path} : c'est un dossier, indiquez un nom de fichier.").format(path=path),
            field="file",
        )
    if not path.parent.is_dir():
        raise ValidationError(
            _("Fichier {name} : le dossier {folder} n'existe pas.").format(
                name=path.name, folder=path.parent
            ),
            field="file",
        )


def run_export(ctx: CliContext) -> int:
    """Export in Obole's own import format."""
    _check_output(ctx.args.file)
    if ctx.args.file.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError(
            _("Fichier {name} : extension .csv ou .xlsx attendue.").format(name=ctx.args.file.name),
            field="file",
        )
    count = ops.export_for_reimport(ctx.operation(), ctx.args.what, ctx.args.file).result
    ctx.result(
        {"file": str(ctx.args.file), "rows": count},
        ngettext(
            N_("{n} ligne écrite dans {file}"), N_("{n} lignes écrites dans {file}"), count
        ).format(n=count, file=ctx.args.file),
    )
    return 0
