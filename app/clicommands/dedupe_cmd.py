"""`obole dedupe scan|merge|undo`: find duplicate contacts, merge them, undo a merge."""

from __future__ import annotations

import argparse
from typing import Any

from app.clicommands.context import CliContext
from app.core.dedupe.scan import SUGGESTION_THRESHOLD, Thresholds
from app.operations import dedupe as ops


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `dedupe` command group."""
    parser = subparsers.add_parser("dedupe", help="doublons : recherche, fusion, annulation")
    sub = parser.add_subparsers(dest="dedupe_command", metavar="ACTION")
    scan_p = sub.add_parser("scan", parents=[common], help="groupes de doublons probables")
    scan_p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"probabilité minimale (défaut : le réglage, {SUGGESTION_THRESHOLD})",
    )
    scan_p.add_argument(
        "--merge-safe",
        action="store_true",
        help="fusionner les groupes sûrs (score élevé et identifiant commun), après sauvegarde",
    )
    scan_p.set_defaults(handler=run_scan)
    merge_p = sub.add_parser(
        "merge", parents=[common], help="fusionner des contacts dans le premier"
    )
    merge_p.add_argument("survivor", type=int)
    merge_p.add_argument("others", type=int, nargs="+")
    merge_p.set_defaults(handler=run_merge)
    thresholds_p = sub.add_parser(
        "thresholds", parents=[common], help="seuils de suggestion et de fusion en lot"
    )
    thresholds_p.add_argument("--suggestion", type=float, help="probabilité, ex. 0.8")
    thresholds_p.add_argument("--safe", type=float, help="probabilité, ex. 0.99")
    thresholds_p.set_defaults(handler=run_thresholds)
    undo_p = sub.add_parser("undo", parents=[common], help="annuler une fusion")
    undo_p.add_argument("merge_id", type=int)
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
    text = [f"{len(groups)} groupe(s) de doublons probables ({sum(g.safe for g in groups)} sûrs)."]
    text += [
        f"  {g.score:5.1f} %  {' + '.join(map(str, g.member_ids))}  {g.best.reasons_text()}"
        + ("  [sûr]" if g.safe else "")
        for g in groups[:200]
    ]
    if ctx.args.merge_safe:
        result = ops.merge_safe(op, groups).result
        data["merged"] = list(result.merge_ids)
        data["skipped"] = [{"members": list(m), "reason": r} for m, r in result.skipped]
        text.append(
            f"{len(result.merge_ids)} fusion(s) faite(s) ; {len(result.skipped)} groupe(s) "
            "ignoré(s)."
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
        f"Fusion n° {data['merge_id']} : {data['merged']} → {data['survivor']} "
        f"(annulable avec « obole dedupe undo {data['merge_id']} »).",
    )
    return 0


def run_undo(ctx: CliContext) -> int:
    """Undo a merge."""
    ops.undo_merge(ctx.operation(), ctx.args.merge_id)
    ctx.result({"undone": ctx.args.merge_id}, f"Fusion n° {ctx.args.merge_id} annulée.")
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
        f"Suggestion à partir de {current.suggestion:.2f}, fusion en lot à partir de "
        f"{current.safe:.2f} (probabilités).",
    )
    return 0
