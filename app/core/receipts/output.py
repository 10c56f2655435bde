"""Writing issued receipts to files: one PDF per receipt, a merged PDF for printing, logs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.money import format_eur
from app.core.receipts.audit import number_log
from app.core.receipts.lifecycle import original_pdf
from app.i18n import N_, _
from app.models import Receipt
from app.reports.table_export import write_table

LOG_HEADER = [
    N_("Numéro"),
    N_("Émis le"),
    N_("Donateur"),
    N_("Type"),
    N_("Montant"),
    N_("Statut"),
    N_("Annulé le"),
    N_("Motif"),
    N_("Remplace"),
    N_("Remplacé par"),
]


def write_pdfs(session: Session, receipt_ids: Iterable[int], folder: Path) -> list[Path]:
    """Write each receipt's PDF (as issued) to `folder`/<number>.pdf."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for receipt in session.scalars(
        select(Receipt).where(Receipt.id.in_(list(receipt_ids))).order_by(Receipt.sequence)
    ):
        path = folder / f"recu-{receipt.number}.pdf"
        path.write_bytes(original_pdf(session, receipt))
        paths.append(path)
    return paths


def merge_pdfs(paths: list[Path], target: Path) -> Path:
    """One PDF with every receipt, for printing in one go."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def write_number_log(session: Session, year: int, target: Path) -> int:
    """The year's number log as CSV/XLSX (by extension) or PDF."""
    lines = number_log(session, year)
    rows = [
        [
            line.number,
            line.issued_at.strftime("%d/%m/%Y"),
            line.donor,
            "16216" if line.kind == "company" else "11580",
            format_eur(line.total_cents),
            _("annulé") if line.status == "cancelled" else _("émis"),
            line.cancelled_at.strftime("%d/%m/%Y") if line.cancelled_at else "",
            line.cancel_reason,
            line.replaces,
            line.replaced_by,
        ]
        for line in lines
    ]
    header = [_(h) for h in LOG_HEADER]
    if target.suffix.lower() == ".pdf":
        from app.reports.table_pdf import write_table_pdf

        issued = [line for line in lines if line.status != "cancelled"]
        summary = _(
            "{year} : {count} numéros, {issued} reçus valables pour {total}, {cancelled} annulés"
        ).format(
            year=year,
            count=len(lines),
            issued=len(issued),
            total=format_eur(sum(line.total_cents for line in issued)),
            cancelled=len(lines) - len(issued),
        )
        write_table_pdf(target, _("Registre des numéros de reçus fiscaux"), summary, header, rows)
        return len(rows)
    return write_table(target, header, rows)
