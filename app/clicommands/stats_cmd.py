"""`obole stats`, `obole segments list|export`, `obole quality`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.clicommands.context import CliContext
from app.core.clock import today
from app.core.contacts.segments import SEGMENTS, score_donors, segment_counts
from app.core.money import format_eur
from app.core.organisation import load_identity
from app.core.quality import duplicate_ids, quality_report
from app.core.stats import dashboard
from app.i18n import N_, _, ngettext
from app.models.enums import Channel
from app.operations import dashboard as dashboard_ops
from app.reports.quality_pdf import write_quality_pdf


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `stats`, `segments` and `quality`."""
    stats = subparsers.add_parser("stats", parents=[common], help=_("chiffres du tableau de bord"))
    stats.add_argument("--year", type=int, help=_("année (par défaut : l'année en cours)"))
    stats.set_defaults(handler=run_stats)
    segments = subparsers.add_parser("segments", help=_("segments RFM"))
    sub = segments.add_subparsers(dest="segments_command", metavar=_("ACTION"))
    listing = sub.add_parser("list", parents=[common], help=_("effectif de chaque segment"))
    listing.set_defaults(handler=run_segments)
    export = sub.add_parser(
        "export", parents=[common], help=_("exporter un segment (consentements respectés)")
    )
    export.add_argument("name", choices=list(SEGMENTS), help=_("segment"))
    export.add_argument(
        "--channel",
        choices=[c.value for c in Channel],
        required=True,
        help=_("canal (seuls les contacts qui l'acceptent sont écrits)"),
    )
    export.add_argument(
        "--out", type=Path, required=True, help=_("fichier à écrire (.csv ou .xlsx)")
    )
    export.set_defaults(handler=run_segment_export)
    quality = subparsers.add_parser("quality", parents=[common], help=_("qualité des données"))
    quality.add_argument("--pdf", type=Path, help=_("écrire aussi le rapport en PDF"))
    quality.add_argument(
        "--duplicates", action="store_true", help=_("compter aussi les doublons (analyse complète)")
    )
    quality.set_defaults(handler=run_quality)


def run_stats(ctx: CliContext) -> int:
    """Print the dashboard figures."""
    day = today(ctx.database().clock)
    figures = ctx.query(lambda session: dashboard(session, ctx.args.year or day.year, today=day))
    c, p = figures.current, figures.previous
    ctx.result(
        asdict(figures),
        _(
            "{year} : {donors} donateurs, {gifts} dons, {amount} "
            "({previous_year} : {previous_donors} donateurs, {previous_amount})\n"
            "Don moyen {average}, médian {median}\n"
            "Fidélisation : {retention:.1f} % ; nouveaux : {new} ; perdus : {lapsed}\n"
            "Reçus émis : {receipts} ({receipts_amount}) ; "
            "dons à reçu en attente : {to_receipt} ({to_receipt_amount})\n"
            "Demandes RGPD : {overdue} en retard, {due_soon} à échéance proche"
        ).format(
            year=c.year,
            donors=c.donors,
            gifts=c.gifts,
            amount=format_eur(c.amount_cents),
            previous_year=p.year,
            previous_donors=p.donors,
            previous_amount=format_eur(p.amount_cents),
            average=format_eur(c.average_cents),
            median=format_eur(c.median_cents),
            retention=figures.retention_rate * 100,
            new=figures.new_donors,
            lapsed=figures.lapsed_donors,
            receipts=figures.receipts_issued,
            receipts_amount=format_eur(figures.receipts_amount_cents),
            to_receipt=figures.to_receipt_gifts,
            to_receipt_amount=format_eur(figures.to_receipt_cents),
            overdue=figures.requests_overdue,
            due_soon=figures.requests_due_soon,
        ),
    )
    return 0


def run_segments(ctx: CliContext) -> int:
    """Segment sizes."""
    day = today(ctx.database().clock)
    counts = segment_counts(ctx.query(lambda session: score_donors(session, today=day)))
    ctx.result(counts, "\n".join(f"{_(SEGMENTS[k]):18} {v}" for k, v in counts.items()))
    return 0


def run_segment_export(ctx: CliContext) -> int:
    """Export a segment for one channel."""
    day = today(ctx.database().clock)
    scores = ctx.query(lambda session: score_donors(session, today=day))
    result = dashboard_ops.export_segment(
        ctx.operation(), scores, ctx.args.name, Channel(ctx.args.channel), ctx.args.out
    ).result
    ctx.result(
        asdict(result),
        ngettext(
            N_("{n} contact écrit dans {file} ; exclus : {excluded}"),
            N_("{n} contacts écrits dans {file} ; exclus : {excluded}"),
            result.written,
        ).format(
            n=result.written,
            file=ctx.args.out,
            excluded=", ".join(f"{n} ({reason})" for reason, n in result.excluded.items())
            or _("aucun"),
        ),
    )
    return 0


def run_quality(ctx: CliContext) -> int:
    """Print the quality metrics (and write the PDF)."""
    duplicates = duplicate_ids if ctx.args.duplicates else None
    metrics = ctx.query(lambda session: quality_report(session, duplicates=duplicates))
    organisation = ctx.query(lambda session: load_identity(session).name)
    if ctx.args.pdf:
        write_quality_pdf(ctx.args.pdf, organisation, metrics)
    ctx.result(
        [{"key": m.key, "label": m.label, "count": m.count, "total": m.total} for m in metrics],
        "\n".join(f"{_(m.label):40} {m.count:>8}  ({m.share * 100:.1f} %)" for m in metrics),
    )
    return 0
