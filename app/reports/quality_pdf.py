"""A printable data-quality report."""

from __future__ import annotations

from pathlib import Path

from app.core.quality import Metric
from app.i18n import _
from app.reports.table_pdf import write_table_pdf


def write_quality_pdf(path: Path, organisation: str, metrics: list[Metric]) -> None:
    """One line per metric: count, share of active contacts."""
    total = metrics[0].total if metrics else 0
    rows = [
        [_(m.label), f"{m.count:,}".replace(",", " "), f"{m.share * 100:.1f} %"] for m in metrics
    ]
    write_table_pdf(
        path,
        _("Qualité des données — {name}").format(name=organisation),
        _(
            "{n} contacts actifs. Chaque ligne se retrouve dans Obole (tableau de bord, onglet "
            "Qualité) "
            "avec la liste des contacts concernés."
        ).format(n=total),
        [_("Indicateur"), _("Contacts"), _("Part")],
        rows,
    )
