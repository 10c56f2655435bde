"""Fonts embedded in every PDF (DejaVu: full French accents), registered once.

ReportLab embeds a TrueType subset per document, numbering glyphs in order of first use, so
every receipt rebuilt, re-measured and re-compressed the same font program (most of the
time spent on a receipt). `StableSubsetFont` fixes that:

* the characters of French (and the rest of Latin-1) get the same codes in every document,
  assigned when the font is first used in it;
* a subset whose characters were all primed is then identical from one document to the
  next, so its font program, widths and ToUnicode map are built and compressed once and
  reused (a rarer character, a Polish name say, simply extends the subset: correct, just
  not cached until seen again);
* text made only of primed characters is encoded through a cache.

The PDFs stay deterministic: the same document gives the same bytes, cache cold or warm.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache, lru_cache
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from app.paths import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

# Characters given fixed codes in every document: Latin-1 (French accents, « », °, €...)
# plus the French ligatures, typographic punctuation and the receipt's check boxes.
PRIMED = "".join(chr(code) for code in range(0xA1, 0x100) if code != 0xAD) + "ŒœŸ€‘’‚“”„–—…•‰′″№☐☒✓"
SUBSET_CACHE_SIZE = 32


class _Marker(pdfdoc.PDFObject):
    """Stands for a per-document value while a template is formatted."""

    def __init__(self, key: str) -> None:
        self.key = key

    def format(self, document: Any) -> bytes:
        return b"\x00" + self.key.encode("ascii") + b"\x00"


class _Filled(pdfdoc.PDFObject):
    """A PDF object formatted once, with its per-document values (references) filled in."""

    __RefOnly__ = 1

    def __init__(self, parts: list[bytes | str], values: dict[str, Any]) -> None:
        self.parts = parts
        self.values = values

    def format(self, document: Any) -> bytes:
        return b"".join(
            part if isinstance(part, bytes) else pdfdoc.format(self.values[part], document)
            for part in self.parts
        )


NAME_PLACEHOLDER = "OboleFontName"  # a PDF name is formatted by the font, not by a marker


def _template(obj: Any, *keys: str) -> list[bytes | str]:
    """`obj` formatted as ReportLab formats it, split around the markers of `keys`."""
    data = pdfdoc.format(obj, pdfdoc.PDFDocument(), toplevel=1)
    if "name" in keys:
        data = data.replace(b"/" + NAME_PLACEHOLDER.encode("ascii"), _Marker("name").format(None))
    parts: list[bytes | str] = [data]
    for key in keys:
        marker = _Marker(key).format(None)
        split: list[bytes | str] = []
        for part in parts:
            if isinstance(part, bytes) and marker in part:
                before, after = part.split(marker, 1)
                split += [before, key, after]
            else:
                split.append(part)
        parts = split
    return parts


def _compressed_stream(content: bytes, **entries: Any) -> Any:
    stream = pdfdoc.PDFStream(content=pdfdoc.PDFZCompress.encode(content))
    for key, value in entries.items():
        stream.dictionary[key] = value
    stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    return stream


class _SubsetParts:
    """What a subset contributes to a document, formatted once.

    The font program and the ToUnicode map are embedded compressed, whatever the
    document's own compression setting (a valid PDF either way).
    """

    def __init__(self, font: StableSubsetFont, number: int, subset: list[int]) -> None:
        face = font.face
        self.base_name = (b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX))).decode(
            "pdfdoc"
        )
        program = face.makeSubset(subset)
        self.program = _template(_compressed_stream(program, Length1=len(program)))
        cmap = makeToUnicodeCMap(self.base_name, subset).encode("utf8")
        self.cmap = _template(_compressed_stream(cmap))
        self.descriptor = _template(
            pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(self.base_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": _Marker("program"),
                    "MissingWidth": face.defaultWidth,
                }
            ),
            "program",
        )
        # ReportLab sets these attributes dynamically; its stubs do not declare them.
        pdf_font: Any = pdfdoc.PDFTrueTypeFont()
        pdf_font.Name = NAME_PLACEHOLDER
        pdf_font.BaseFont = self.base_name
        pdf_font.FirstChar = 0
        pdf_font.LastChar = len(subset) - 1
        widths = [face.getCharWidth(code) for code in subset]  # type: ignore[no-untyped-call]
        pdf_font.Widths = pdfdoc.PDFArray(widths)
        pdf_font.ToUnicode = _Marker("cmap")
        pdf_font.FontDescriptor = _Marker("descriptor")
        self.font = _template(pdf_font, "name", "cmap", "descriptor")


class StableSubsetFont(TTFont):
    """A TrueType font whose subsets are stable across documents, hence cached."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, asciiReadable=True)
        self._parts: OrderedDict[tuple[int, tuple[int, ...]], _SubsetParts] = OrderedDict()
        probe = object.__new__(pdfdoc.PDFDocument)  # any hashable, weak-referenceable key
        super().splitString(PRIMED, probe)
        template: Any = self.state.pop(probe)  # ReportLab's State: untyped attributes
        self._template = template
        self._fixed = dict(template.assignments)
        self._fixed[0xA0] = 32  # no-break space prints as a space, as ReportLab does
        single_subset = all(code < 256 for code in self._fixed.values())
        self._fixed_chars = (
            frozenset(chr(code) for code in self._fixed) if single_subset else frozenset()
        )
        # Most lines of a receipt are the same on every receipt; names and amounts are not.
        self._fixed_bytes = lru_cache(maxsize=4096)(self._encode_fixed)
        self._lock = threading.Lock()

    def _prime(self, doc: Any) -> None:
        """Give the primed characters their fixed codes in `doc`, on the font's first use."""
        if doc not in self.state:
            template = self._template
            state: Any = TTFont.State(self._asciiReadable, self)  # type: ignore[attr-defined]
            self.state[doc] = state
            state.assignments = dict(template.assignments)
            state.subsets = [list(subset) for subset in template.subsets]
            state.nextCode = template.nextCode

    def _encode_fixed(self, text: str) -> list[tuple[int, bytes]]:
        fixed = self._fixed
        return [(0, bytes(fixed[ord(char)] for char in text))]

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        self._prime(doc)
        if isinstance(text, str) and self._fixed_chars.issuperset(text):
            return self._fixed_bytes(text)
        return super().splitString(text, doc, encoding)

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        self._prime(doc)
        return super().getSubsetInternalName(subset, doc)

    def _subset_parts(self, number: int, subset: list[int]) -> _SubsetParts:
        key = (number, tuple(subset))
        with self._lock:  # the GUI may print while a batch renders in another thread
            parts = self._parts.get(key)
            if parts is None:
                parts = self._parts[key] = _SubsetParts(self, number, subset)
                if len(self._parts) > SUBSET_CACHE_SIZE:
                    self._parts.popitem(last=False)
            else:
                self._parts.move_to_end(key)
            return parts

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        """The font objects of `doc`, from cached subset parts (ReportLab's layout)."""
        self._prime(doc)
        state = self.state[doc]
        state.frozen = 1
        for number, subset in enumerate(state.subsets):
            parts = self._subset_parts(number, subset)
            internal_name = self.getSubsetInternalName(number, doc)[1:]
            base = parts.base_name
            program = doc.Reference(
                _Filled(parts.program, {}), f"fontFile:{self.face.filename}({base})"
            )
            cmap = doc.Reference(_Filled(parts.cmap, {}), "toUnicodeCMap:" + base)
            descriptor = doc.Reference(
                _Filled(parts.descriptor, {"program": program}), "fontDescriptor:" + base
            )
            font = _Filled(
                parts.font,
                {
                    "name": pdfdoc.PDFName(internal_name),
                    "cmap": cmap,
                    "descriptor": descriptor,
                },
            )
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]


@cache
def register_fonts() -> tuple[str, str]:
    """Register the bundled fonts with ReportLab; returns (regular, bold) names."""
    pdfmetrics.registerFont(
        StableSubsetFont(REGULAR, str(resource_path("fonts", "DejaVuSans.ttf")))
    )
    pdfmetrics.registerFont(
        StableSubsetFont(BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf")))
    )
    return REGULAR, BOLD
