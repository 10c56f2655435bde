"""Address labels on A4 sheets and addressed envelopes (DL, C5, C4), NF Z10-011 blocks.

Label sheets are the common A4 formats (columns x rows, label size, margins); margins can be
shifted for a printer that does not print where it should. Envelopes carry the address in the
lower right quarter, 20 mm from the right edge and 15 mm from the bottom (La Poste's reading
zone), the sender's line top left.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.reports.fonts import register_fonts


@dataclass(frozen=True)
class LabelSheet:
    """An A4 sheet of labels (sizes in millimetres)."""

    columns: int
    rows: int
    width: float
    height: float
    top: float
    left: float
    column_gap: float = 0.0
    row_gap: float = 0.0


SHEETS = {
    "2x7": LabelSheet(2, 7, 99.1, 38.1, 15.15, 4.65, 2.5, 0),  # e.g. Avery L7163
    "3x7": LabelSheet(3, 7, 63.5, 38.1, 15.15, 7.2, 2.5, 0),  # e.g. Avery L7160
    "3x8": LabelSheet(3, 8, 70.0, 37.0, 0.5, 0.0, 0, 0),  # e.g. Avery 3474
}
ENVELOPES = {"DL": (220.0, 110.0), "C5": (229.0, 162.0), "C4": (324.0, 229.0)}
FONT_SIZE = 9


def render_labels(
    blocks: Sequence[Sequence[str]],
    *,
    sheet: str = "3x8",
    shift_top: float = 0.0,
    shift_left: float = 0.0,
) -> bytes:
    """One label per address block, left to right then top to bottom."""
    layout = SHEETS[sheet]
    regular, _bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle("Étiquettes")
    per_page = layout.columns * layout.rows
    width, height = A4
    for index, block in enumerate(blocks):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        column, row = slot % layout.columns, slot // layout.columns
        x = (layout.left + shift_left + column * (layout.width + layout.column_gap)) * mm
        top = (layout.top + shift_top + row * (layout.height + layout.row_gap)) * mm
        lines = list(block)[:7]
        text_height = len(lines) * FONT_SIZE * 1.15
        y = height - top - (layout.height * mm - text_height) / 2 - FONT_SIZE
        text = canvas.beginText(x + 5 * mm, y)
        text.setFont(regular, FONT_SIZE)
        text.setLeading(FONT_SIZE * 1.15)
        for line in lines:
            text.textLine(line)
        canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_envelopes(
    blocks: Sequence[Sequence[str]], *, size: str = "DL", sender: str = ""
) -> bytes:
    """One envelope per address block, landscape, address bottom right."""
    width, height = (value * mm for value in ENVELOPES[size])
    regular, _bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True, pageCompression=1)
    canvas.setTitle("Enveloppes")
    for block in blocks:
        if sender:
            canvas.setFont(regular, 7)
            canvas.drawString(10 * mm, height - 10 * mm, sender)
        lines = list(block)[:7]
        leading = 10 * 1.2
        text = canvas.beginText(width - 20 * mm - 85 * mm, 15 * mm + (len(lines) - 1) * leading)
        text.setFont(regular, 10)
        text.setLeading(leading)
        for line in lines:
            text.textLine(line)
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
