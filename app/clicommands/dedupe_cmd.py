"""`obole dedupe scan|merge|undo`: find duplicate contacts, merge them, undo a merge."""

from __future__ import annotations

import argparse
from typing import Any

from app.clicommands.context import CliContext
from app.core.dedupe.scan import SUGGESTION_THRESHOLD, Thresholds
from app.i18n import N_, _, ngettext
from app.operations import dedupe as ops


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `dedupe` command group."""
    parser = subparsers.add_parser("dedupe", help=_("doublons : recherche, fusion, annulation"))
    sub = parser.add_subparsers(dest="dedupe_command", metavar=_("ACTION"))
    scan_p = sub.add_parser("scan", parents=[common], help=_("groupes de doublons probables"))
    scan_p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=_("probabilité minimale (défaut : le réglage, {default})").format(
            default=SUGGESTION_THRESHOLD
        ),
    )
    scan_p.add_argument(
        "--merge-safe",
        action="store_true",
        help=_("fusionner les groupes sûrs (score élevé et identifiant commun), après sauvegarde"),
    )
    scan_p.set_defaults(handler=run_scan)
    merge_p = sub.add_parser(
        "merge", parents=[common], help=_("fusionner des contacts dans le premier")
    )
    merge_p.add_argument("survivor", type=int, help=_("numéro du contact gardé"))
    merge_p.add_argument(
        "others", type=int, nargs="+", help=_("numéros des contacts fusionnés dans le premier")
    )
    merge_p.set_defaults(handler=run_merge)
    thresholds_p = sub.add_parser(
        "thresholds", parents=[common], help=_("seuils de suggestion et de fusion en lot")
    )
    thresholds_p.add_argument("--suggestion", type=float, help=_("probabilité, ex. 0.8"))
    thresholds_p.add_argument("--safe", type=float, help=_("probabilité, ex. 0.99"))
    thresholds_p.set_defaults(handler=run_thresholds)
    undo_p = sub.add_parser("undo", parents=[common], help=_("annuler une fusion"))
    undo_p.add_argument("merge_id", type=int, help=_("numéro de la fusion"))
    undo_p.set_defaults(handler=run_undo)


def run_scan(ctx: CliContext) -> int:
    """Print candidate groups (and merge the safe ones when asked)."""
    op = ctx.operation()
    groups = ops.scan_duplicates(op, threshold=ctx.args.threshold).result.groups
    data: dict[str, Any] = {
        "groups": [
            {
                "members": list(g.member_ids),
                "score": g.score,
                "probability": round(g.best.probability, 6),
                "reasons": g.reasons,
                "evidence": [e.as_dict() for e in g.evidence],
                "safe": g.safe,
            }
            for g in groups
        ]
    }
    text = [
        ngettext(
            N_("{n} groupe de doublons probables ({safe} sûrs)."),
            N_("{n} groupes de doublons probables ({safe} sûrs)."),
            len(groups),
        ).format(n=len(groups), safe=sum(g.safe for g in groups))
    ]
    safe_mark = "  " + _("[sûr]")
    text += [
        f"  {g.score:5.1f} %  {' + '.join(map(str, g.member_ids))}  {g.best.reasons_text()}"
        + (safe_mark if g.safe else "")
        for g in groups[:200]
    ]
    if ctx.args.merge_safe:
        result = ops.merge_safe(op, groups).result
        data["merged"] = list(result.merge_ids)
        data["skipped"] = [{"members": list(m), "reason": r} for m, r in result.skipped]
        text.append(
            _("Fusions faites : {merged} ; groupes ignorés : {skipped}.").format(
                merged=len(result.merge_ids), skipped=len(result.skipped)
            )
        )
    ctx.result(data, "\n".join(text))
    return 0


def run_merge(ctx: CliContext) -> int:
    """Merge contacts into the survivor."""
    merged = ops.merge_contacts(ctx.operation(), ctx.args.survivor, ctx.args.others).result
    data = {
        "merge_id": merged.merge_id,
        "survivor": merged.survivor_id,
        "merged": merged.merged_ids,
    }
    ctx.result(
        data,
        _(
            "Fusion n° {id} : {merged} → {survivor} (annulable avec « obole dedupe undo {id} »)."
        ).format(id=data["merge_id"], merged=data["merged"], survivor=data["survivor"]),
    )
    return 0


def run_undo(ctx: CliContext) -> int:
    """Undo a merge."""
    ops.undo_merge(ctx.operation(), ctx.args.merge_id)
    ctx.result(
        {"undone": ctx.args.merge_id}, _("Fusion n° {id} annulée.").format(id=ctx.args.merge_id)
    )
    return 0


def run_thresholds(ctx: CliContext) -> int:
    """Show the duplicate thresholds, or change them."""
    op = ctx.operation()
    current = ops.duplicate_thresholds(op).result
    if ctx.args.suggestion is not None or ctx.args.safe is not None:
        current = Thresholds(
            ctx.args.suggestion if ctx.args.suggestion is not None else current.suggestion,
            ctx.args.safe if ctx.args.safe is not None else current.safe,
        )
        ops.set_duplicate_thresholds(op, current)
    ctx.result(
        {"suggestion": current.suggestion, "safe": current.safe},
        _(
            "Suggestion à partir de {suggestion:.2f}, fusion en lot à partir de {safe:.2f} "
            "(probabilités)."
        ).format(suggestion=current.suggestion, safe=current.safe),
    )
    return 0
