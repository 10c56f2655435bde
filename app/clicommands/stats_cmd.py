"""`obole stats`, `obole segments list|export`, `obole quality`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.clock import today
from app.core.contacts.segments import SEGMENTS, export_segment, score_donors, segment_counts
from app.core.money import format_eur
from app.core.organisation import load_identity
from app.core.quality import duplicate_ids, quality_report
from app.core.stats import dashboard
from app.models.enums import Channel
from app.reports.quality_pdf import write_quality_pdf
from app.reports.table_export import write_table


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `stats`, `segments` and `quality`."""
    stats = subparsers.add_parser("stats", parents=[common], help="chiffres du tableau de bord")
    stats.add_argument("--year", type=int)
    stats.set_defaults(handler=run_stats)
    segments = subparsers.add_parser("segments", help="segments RFM")
    sub = segments.add_subparsers(dest="segments_command", metavar="ACTION")
    listing = sub.add_parser("list", parents=[common], help="effectif de chaque segment")
    listing.set_defaults(handler=run_segments)
    export = sub.add_parser(
        "export", parents=[common], help="exporter un segment (consentements respectés)"
    )
    export.add_argument("name", choices=list(SEGMENTS))
    export.add_argument("--channel", choices=[c.value for c in Channel], required=True)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(handler=run_segment_export)
    quality = subparsers.add_parser("quality", parents=[common], help="qualité des données")
    quality.add_argument("--pdf", type=Path)
    quality.add_argument(
        "--duplicates", action="store_true", help="compter aussi les doublons (analyse complète)"
    )
    quality.set_defaults(handler=run_quality)


def run_stats(ctx: CliContext) -> int:
    """Print the dashboard figures."""
    database = ctx.database()
    day = today(database.clock)
    with database.read() as session:
        figures = dashboard(session, ctx.args.year or day.year, today=day)
    c, p = figures.current, figures.previous
    ctx.result(
        asdict(figures),
        "\n".join(
            [
                f"{c.year} : {c.donors} donateurs, {c.gifts} dons, {format_eur(c.amount_cents)} "
                f"({p.year} : {p.donors} donateurs, {format_eur(p.amount_cents)})",
                f"Don moyen {format_eur(c.average_cents)}, médian {format_eur(c.median_cents)}",
                f"Fidélisation : {figures.retention_rate * 100:.1f} % ; nouveaux : "
                f"{figures.new_donors} ; "
                f"perdus : {figures.lapsed_donors}",
                f"Reçus émis : {figures.receipts_issued} "
                f"({format_eur(figures.receipts_amount_cents)}) ; "
                f"dons à reçu en attente : {figures.to_receipt_gifts} "
                f"({format_eur(figures.to_receipt_cents)})",
                f"Demandes RGPD : {figures.requests_overdue} en retard, "
                f"{figures.requests_due_soon} à échéance proche",
            ]
        ),
    )
    return 0


def run_segments(ctx: CliContext) -> int:
    """Segment sizes."""
    database = ctx.database()
    with database.read() as session:
        counts = segment_counts(score_donors(session, today=today(database.clock)))
    ctx.result(counts, "\n".join(f"{SEGMENTS[k]:18} {v}" for k, v in counts.items()))
    return 0


def run_segment_export(ctx: CliContext) -> int:
    """Export a segment for one channel."""
    database = ctx.database()
    with database.write() as session:
        scores = score_donors(session, today=today(database.clock))
        result = export_segment(
            session,
            scores,
            ctx.args.name,
            Channel(ctx.args.channel),
            ctx.args.out,
            write=write_table,
        )
    ctx.result(
        asdict(result),
        f"{result.written} contacts écrits dans {ctx.args.out} ; exclus : "
        + (", ".join(f"{n} ({reason})" for reason, n in result.excluded.items()) or "aucun"),
    )
    return 0


def run_quality(ctx: CliContext) -> int:
    """Print the quality metrics (and write the PDF)."""
    database = ctx.database()
    with database.read() as session:
        metrics = quality_report(session, duplicates=duplicate_ids if ctx.args.duplicates else None)
        organisation = load_identity(session).name
    if ctx.args.pdf:
        write_quality_pdf(ctx.args.pdf, organisation, metrics)
    ctx.result(
        [{"key": m.key, "label": m.label, "count": m.count, "total": m.total} for m in metrics],
        "\n".join(f"{m.label:40} {m.count:>8}  ({m.share * 100:.1f} %)" for m in metrics),
    )
    return 0
