"""A plain paginated table as PDF (title, summary, header repeated on each page, date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from app.reports.fonts import register_fonts


def write_table_pdf(
    path: Path, title: str, summary: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Landscape A4, header row repeated, page numbers and print date in the footer."""
    regular, bold = register_fonts()
    title_style = ParagraphStyle("t", fontName=bold, fontSize=13, leading=16)
    body = ParagraphStyle("b", fontName=regular, fontSize=8.5, leading=11)
    cell = ParagraphStyle("c", fontName=regular, fontSize=7, leading=8.5)
    data = [[Paragraph(str(h), cell) for h in header]] + [
        [Paragraph(str(v), cell) for v in row] for row in rows
    ]
    table = LongTable(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    printed = date.today().strftime("%d/%m/%Y")

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(regular, 7)
        canvas.drawString(12 * mm, 8 * mm, f"{title} — {printed}")
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 8 * mm, f"{doc.page}")

    document = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    document.build(
        [
            Paragraph(title, title_style),
            Spacer(1, 3 * mm),
            Paragraph(summary, body),
            Spacer(1, 4 * mm),
            table,
        ],
        onFirstPage=footer,
        onLaterPages=footer,
    )
