"""Member cards on A4 sheets: ten credit-card-size cards (85.6 x 54 mm, ISO/IEC 7810 ID-1)
per page, two columns of five, with light cutting lines.

Each card: the association's logo (when there is one) and name in a coloured band, then the
member's name, number, membership type and the day it ends. Plain data in, PDF bytes out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.core.memberships.cards import MemberCard
from app.i18n import _
from app.reports.fonts import register_fonts

CARD_WIDTH, CARD_HEIGHT = 85.6 * mm, 54.0 * mm
COLUMNS, ROWS = 2, 5
LEFT = (A4[0] - COLUMNS * CARD_WIDTH) / 2
TOP = (A4[1] - ROWS * CARD_HEIGHT) / 2
BAND = 14 * mm
ACCENT = Color(0.13, 0.33, 0.55)
CUT = Color(0.75, 0.75, 0.75)
PAD = 4 * mm


def _fitted(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so that it fits `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _shrunk(text: str, font: str, sizes: tuple[float, float], width: float) -> tuple[str, float]:
    """The largest size from sizes[0] down to sizes[1] at which `text` fits, else cut."""
    size = sizes[0]
    while size > sizes[1] and stringWidth(text, font, size) > width:
        size -= 0.5
    return _fitted(text, font, size, width), size


def _card(
    canvas: Canvas,
    card: MemberCard,
    x: float,
    y: float,
    *,
    association: str,
    logo: ImageReader | None,
    fonts: tuple[str, str],
) -> None:
    regular, bold = fonts
    canvas.setStrokeColor(CUT)
    canvas.setLineWidth(0.3)
    canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm, stroke=1, fill=0)
    canvas.saveState()
    outline = canvas.beginPath()
    outline.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm)
    canvas.clipPath(outline, stroke=0, fill=0)
    canvas.setFillColor(ACCENT)
    canvas.rect(x, y + CARD_HEIGHT - BAND, CARD_WIDTH, BAND, stroke=0, fill=1)
    canvas.restoreState()
    text_left = x + PAD
    if logo is not None:
        size = BAND - 3 * mm
        canvas.drawImage(
            logo,
            x + PAD,
            y + CARD_HEIGHT - BAND + 1.5 * mm,
            width=size,
            height=size,
            preserveAspectRatio=True,
            anchor="c",
            mask="auto",
        )
        text_left += size + 2 * mm
    canvas.setFillColor(white)
    title, size = _shrunk(association, bold, (10, 7), x + CARD_WIDTH - PAD - text_left)
    canvas.setFont(bold, size)
    canvas.drawString(text_left, y + CARD_HEIGHT - BAND / 2 - size * 0.35, title)
    canvas.setFillColor(Color(0, 0, 0))
    canvas.setFont(regular, 7)
    canvas.drawString(x + PAD, y + CARD_HEIGHT - BAND - 5 * mm, _("CARTE D'ADHÉRENT"))
    name, size = _shrunk(card.name, bold, (12, 8.5), CARD_WIDTH - 2 * PAD)
    canvas.setFont(bold, size)
    canvas.drawString(x + PAD, y + CARD_HEIGHT - BAND - 11 * mm, name)
    lines = (
        _("N° d'adhérent : {number}").format(number=card.contact_id),
        _("Adhésion : {type}").format(type=card.type_name),
        _("Valable jusqu'au {date}").format(date=f"{card.valid_until:%d/%m/%Y}"),
    )
    for index, line in enumerate(lines):
        line_y = y + PAD + (len(lines) - 1 - index) * 4.2 * mm
        font = bold if index == len(lines) - 1 else regular
        canvas.setFont(font, 8.5)
        canvas.drawString(x + PAD, line_y, _fitted(line, font, 8.5, CARD_WIDTH - 2 * PAD))


def render_member_cards(
    cards: Sequence[MemberCard], *, association: str, logo: bytes | None = None
) -> bytes:
    """The sheets of cards, left to right then top to bottom."""
    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(_("Cartes d'adhérent"))
    image = ImageReader(io.BytesIO(logo)) if logo else None
    per_page = COLUMNS * ROWS
    for index, card in enumerate(cards):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        column, row = slot % COLUMNS, slot // COLUMNS
        x = LEFT + column * CARD_WIDTH
        y = A4[1] - TOP - (row + 1) * CARD_HEIGHT
        _card(canvas, card, x, y, association=association, logo=image, fonts=fonts)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
