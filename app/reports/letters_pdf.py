"""Personal letters for a window envelope (DL/C5, window on the right), one PDF for a batch.

The recipient's address is printed where the envelope's window shows it: a box 85 mm wide
and 33 mm high, 110 mm from the left edge and 55 mm from the top of the A4 sheet (French
practice for window envelopes; the 38-character, 6-line NF Z10-011 block fits it at 10 pt).
The sender's name and details sit top left, the date on the right above the subject, the
body is wrapped in the left margin, the signatory below it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.reports.fonts import register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
ADDRESS_LEFT, ADDRESS_TOP = 110 * mm, 55 * mm
ADDRESS_WIDTH, ADDRESS_HEIGHT = 85 * mm, 33 * mm
MARGIN = 20 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
FONT_SIZE, LEADING = 10, 14


@dataclass(frozen=True)
class Sender:
    """The association as it heads its letters."""

    name: str
    details: tuple[str, ...] = ()  # address lines, identifiers
    signatory: str = ""


@dataclass(frozen=True)
class Letter:
    """One letter: where it goes and what it says (paragraphs, "" for a blank line)."""

    address_lines: tuple[str, ...]
    date_line: str
    subject: str
    paragraphs: tuple[str, ...]
    closing: tuple[str, ...] = field(default_factory=tuple)


def render_letters(letters: Sequence[Letter], *, sender: Sender, title: str) -> bytes:
    """One PDF, one page per letter (a long letter continues on the next page)."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Obole")
    for letter in letters:
        _header(canvas, sender, regular, bold)
        _address(canvas, letter.address_lines, regular)
        canvas.setFont(regular, FONT_SIZE)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 100 * mm, letter.date_line)
        canvas.setFont(bold, FONT_SIZE)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 110 * mm, letter.subject)
        y = PAGE_HEIGHT - 122 * mm
        for paragraph in (*letter.paragraphs, "", *letter.closing, sender.signatory):
            lines = wrap(paragraph, regular, FONT_SIZE, BODY_WIDTH) if paragraph else [""]
            for line in lines:
                if y < 25 * mm:
                    canvas.showPage()
                    y = PAGE_HEIGHT - 30 * mm
                canvas.setFont(regular, FONT_SIZE)
                canvas.drawString(MARGIN, y, line)
                y -= LEADING
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width`, broken at ordinary spaces only: a non-breaking
    space ("25,00 €", "« STOP »") keeps its neighbours together (ReportLab's simpleSplit
    breaks at any whitespace)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _header(canvas: Canvas, sender: Sender, regular: str, bold: str) -> None:
    canvas.setFont(bold, 11)
    canvas.drawString(MARGIN, PAGE_HEIGHT - 20 * mm, sender.name)
    canvas.setFont(regular, 8.5)
    for index, line in enumerate(sender.details):
        canvas.drawString(MARGIN, PAGE_HEIGHT - 25 * mm - index * 10.5, line)


def _address(canvas: Canvas, lines: Sequence[str], regular: str) -> None:
    text = canvas.beginText(ADDRESS_LEFT + 2 * mm, PAGE_HEIGHT - ADDRESS_TOP - 5 * mm)
    text.setFont(regular, FONT_SIZE)
    text.setLeading(FONT_SIZE * 1.15)
    for line in lines[:7]:
        text.textLine(line)
    canvas.drawText(text)
