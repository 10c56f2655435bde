"""Many positioned lines of text written as one PDF text object.

ReportLab's `drawString` builds a text object per call and re-encodes the string each time;
a receipt has some fifty lines, mostly the same on every receipt. `TextBlock` writes them
all between one BT/ET pair, encoding each line through the font (whose encoding of the
common characters is cached, see `fonts.StableSubsetFont`). The operators are the ones
ReportLab itself writes for a TrueType font: select the subset, set the origin, show.
"""

from __future__ import annotations

from typing import Any, cast

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas


class TextBlock:
    """Collects lines at absolute positions, then adds them to the page in one go."""

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self._doc: Any = canvas._doc  # type: ignore[attr-defined]  # fonts encode per document, as in ReportLab's own code
        self._ops: list[str] = ["BT"]
        self._current: tuple[str, int, float] | None = None
        self._fonts: dict[str, Any] = {}

    def line(self, x: float, y: float, text: str, font_name: str, size: float) -> None:
        """Show `text` with its baseline starting at (x, y)."""
        font = self._fonts.get(font_name)
        if font is None:
            font = cast(Any, pdfmetrics.getFont(font_name))
            if not getattr(font, "_dynamicFont", False):
                raise TypeError(f"{font_name}: TextBlock writes TrueType fonts only")
            self._fonts[font_name] = font
        ops = self._ops
        ops.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        for subset, data in font.splitString(text, self._doc):
            if self._current != (font_name, subset, size):
                ops.append(f"{font.getSubsetInternalName(subset, self._doc)} {fp_str(size)} Tf")
                self._current = (font_name, subset, size)
            ops.append(f"({escapePDF(data)}) Tj")

    def draw(self) -> None:
        """Add the collected lines to the current page (in the current fill colour)."""
        if len(self._ops) > 1:
            self._canvas.addLiteral("\n".join([*self._ops, "ET"]))
        self._ops = ["BT"]
        self._current = None
