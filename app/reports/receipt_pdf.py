"""Tax receipt PDFs: Cerfa 11580*05 (individuals) and 16216 (companies), A4, fonts embedded.

The layout is the association's own, reproducing every mention of the official models
(allowed by BOI-IR-RICI-250-40 and the rescrit of 21 June 2023); only the category box that
applies is printed. Output is deterministic (`invariant`), so the stored SHA-256 can be
checked against a new rendering of the snapshot.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.core.receipts.document import ReceiptDocument
from app.core.receipts.words import amount_in_figures, amount_in_words
from app.reports.fonts import register_fonts
from app.reports.text_block import TextBlock

WIDTH, HEIGHT = A4
MARGIN = 16 * mm
METHODS = {
    "cash": "Espèces",
    "cheque": "Chèque",
    "transfer": "Virement",
    "card": "Carte bancaire",
    "direct_debit": "Prélèvement",
    "in_kind": "En nature",
}
COLUCHE_SPLIT = date(2025, 10, 14)
GREY = Color(0.92, 0.92, 0.92)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _eur(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    return f"{euros:,}".replace(",", " ") + f",{rest:02d} €"


@lru_cache(maxsize=8)
def _image(data: bytes) -> ImageReader:
    return ImageReader(io.BytesIO(data))


# Most of a receipt's text is the same on every receipt: measure and wrap it once.
_split = lru_cache(maxsize=4096)(simpleSplit)


class _Writer:
    """A tiny top-down text cursor over a ReportLab canvas, continuing on new pages.

    Each page's text goes into one text block, drawn over the shaded title bars when the
    page is done; a continuation page repeats the receipt number and the mark.
    """

    def __init__(self, canvas: Canvas, doc: ReceiptDocument, mark: str) -> None:
        self.c = canvas
        self.doc = doc
        self.mark = mark
        self.regular, self.bold = register_fonts()
        self.y = HEIGHT - MARGIN
        self.bottom = MARGIN  # lowest y the flowing text may reach on this page
        self.block = TextBlock(canvas)

    def draw(self, x: float, y: float, value: str, font: str, size: float) -> None:
        """One line of text at (x, y)."""
        self.block.line(x, y, value, font, size)

    def draw_right(self, x: float, y: float, value: str, font: str, size: float) -> None:
        """One line of text ending at x."""
        self.block.line(x - stringWidth(value, font, size), y, value, font, size)

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` points still fit on this one."""
        if self.y - height < self.bottom:
            self.end_page()
            self.y, self.bottom = HEIGHT - MARGIN, MARGIN
            self.text(
                f"Reçu n° {self.doc.number} — {self.doc.donor.name} (suite)", size=8, bold=True
            )
            self.space(4)

    def text(
        self,
        value: str,
        *,
        size: float = 9,
        bold: bool = False,
        indent: float = 0,
        gap: float = 1.35,
    ) -> None:
        font = self.bold if bold else self.regular
        for line in _split(value, font, size, WIDTH - 2 * MARGIN - indent) or [""]:
            self.ensure(size * gap)
            self.draw(MARGIN + indent, self.y - size, line, font, size)
            self.y -= size * gap

    def box(self, label: str, checked: bool, *, indent: float = 0, size: float = 9) -> None:
        self.text(("☒ " if checked else "☐ ") + label, size=size, indent=indent)

    def boxes(self, items: Sequence[tuple[str, bool]], *, size: float = 8.5) -> None:
        line = "   ".join(("☒ " if checked else "☐ ") + label for label, checked in items)
        self.text(line, size=size)

    def title(self, value: str, *, keep_with: float = 12) -> None:
        """A shaded section title, kept on the same page as `keep_with` points after it."""
        self.ensure(22 + keep_with)
        self.y -= 3
        self.c.setFillColor(GREY)
        self.c.rect(MARGIN, self.y - 13, WIDTH - 2 * MARGIN, 14, stroke=0, fill=1)
        self.draw(MARGIN + 3, self.y - 10, value, self.bold, 10)
        self.y -= 19

    def space(self, points: float = 4) -> None:
        self.y -= points

    def end_page(self) -> None:
        """Draw this page's text (over the title bars) and its mark, then close it."""
        self.c.setFillColor(black)
        self.block.draw()
        if self.mark:
            _watermark(self.c, self.mark, self.bold)
        self.c.showPage()


def _header(w: _Writer, doc: ReceiptDocument, logo: bytes | None) -> None:
    if doc.kind == "company":
        title = (
            "Reçu des dons et versements effectués par les entreprises au titre de l'article 238 bis "
            "du code général des impôts"
        )
        form = "Cerfa n° 16216*03 — formulaire 2041-MEC-SD"
    else:
        title = (
            "Reçu des dons et versements effectués par les particuliers au titre des articles 200 et 978 "
            "du code général des impôts"
        )
        form = "Cerfa n° 11580*05 — formulaire 2041-RD"
    if logo:
        w.c.drawImage(
            _image(logo),
            WIDTH - MARGIN - 30 * mm,
            HEIGHT - MARGIN - 18 * mm,
            30 * mm,
            18 * mm,
            preserveAspectRatio=True,
            mask="auto",
        )
    w.text(form, size=8)
    w.text(f"Numéro d'ordre du reçu : {doc.number}", size=12, bold=True)
    if doc.replaces_number:
        w.text(f"Ce reçu remplace le reçu n° {doc.replaces_number}, annulé.", size=8)
    w.space(2)
    for line in _split(title, w.bold, 10.5, WIDTH - 2 * MARGIN - 32 * mm):
        w.draw(MARGIN, w.y - 10.5, line, w.bold, 10.5)
        w.y -= 13
    w.space(2)


def _beneficiary(w: _Writer, doc: ReceiptDocument) -> None:
    b = doc.beneficiary
    w.title("Organisme bénéficiaire des dons et versements")
    w.text(f"Nom ou dénomination : {b.name}", bold=True)
    w.text(f"N° SIREN ou RNA : {' / '.join(p for p in (b.siren, b.rna) if p)}")
    w.text("Adresse : " + ", ".join(b.address_lines))
    w.text(f"Objet : {b.purpose}")
    w.box(b.category_label, True, size=8.5)


def _donor(w: _Writer, doc: ReceiptDocument) -> None:
    d = doc.donor
    w.title("Donateur" if doc.kind != "company" else "Entreprise donatrice")
    if doc.kind == "company":
        w.text(f"Dénomination : {d.name}", bold=True)
        w.text(f"Forme juridique : {d.legal_form} — N° SIREN : {d.siren}")
    else:
        w.text(f"Nom, prénoms : {d.name}", bold=True)
    w.text("Adresse : " + ", ".join(d.address_lines))


def _dates_text(doc: ReceiptDocument) -> str:
    if doc.period_start == doc.period_end:
        return _fmt(doc.period_start)
    return f"du {_fmt(doc.period_start)} au {_fmt(doc.period_end)} (détail ci-dessous)"


def _individual_gift(w: _Writer, doc: ReceiptDocument) -> None:
    total = doc.total_cents
    w.title("Le don")
    w.text(
        "Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant droit à réduction "
        "d'impôt la somme de (1) :"
    )
    w.text(f"{amount_in_figures(total)} euros", size=12, bold=True, indent=10)
    w.text(f"Somme en toutes lettres : {amount_in_words(total)}", indent=10)
    w.text(f"Date du versement ou du don : {_dates_text(doc)}")
    w.text(
        "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la "
        "réduction d'impôt prévue à l'article (2) :"
    )
    w.boxes([("200 du CGI", True), ("978 du CGI", doc.beneficiary.ifi_eligible)])
    w.text("Forme du don :")
    w.boxes(
        [
            ("Acte authentique", False),
            ("Acte sous seing privé", False),
            ("Déclaration de don manuel", True),
            ("Autres", False),
        ]
    )
    natures = {g.nature for g in doc.gifts}
    w.text("Nature du don (3) :")
    w.boxes(
        [
            ("Numéraire", "cash" in natures),
            ("Titres de sociétés cotés", "listed_shares" in natures),
            ("Abandon exprès de revenus ou de produits", "waived_revenue" in natures),
        ]
    )
    w.boxes(
        [
            (
                "Frais engagés par les bénévoles, dont ils renoncent expressément au remboursement",
                "waived_expenses" in natures,
            ),
            ("Autres (4)", "in_kind" in natures),
        ]
    )
    methods = {g.method for g in doc.gifts if g.nature == "cash"}
    w.text("En cas de don en numéraire, mode de versement du don :")
    w.boxes(
        [
            ("Remise d'espèces", "cash" in methods),
            ("Chèque", "cheque" in methods),
            (
                "Virement, prélèvement, carte bancaire",
                bool(methods & {"transfer", "direct_debit", "card"}),
            ),
        ]
    )


def _company_gift(w: _Writer, doc: ReceiptDocument) -> None:
    w.title("Dons et versements reçus")
    cash, in_kind = doc.cash_total_cents, doc.in_kind_total_cents
    w.text(
        "Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant droit à la réduction "
        "d'impôt prévue à l'article 238 bis du CGI :"
    )
    w.text(
        f"Total des versements en numéraire : {amount_in_figures(cash)} euros", bold=True, indent=10
    )
    w.text(f"Somme en toutes lettres : {amount_in_words(cash)}", indent=10)
    methods = {g.method for g in doc.gifts if g.nature != "in_kind"}
    w.text("Forme des versements (plusieurs cases possibles) :")
    w.boxes(
        [
            ("Remise d'espèces", "cash" in methods),
            ("Chèque", "cheque" in methods),
            (
                "Virement, prélèvement ou carte bancaire",
                bool(methods & {"transfer", "direct_debit", "card"}),
            ),
            ("Autre", bool(methods - {"cash", "cheque", "transfer", "direct_debit", "card"})),
        ]
    )
    w.text(
        f"Dons en nature — valeur indiquée par l'entreprise donatrice (1) : {amount_in_figures(in_kind)} euros",
        bold=True,
        indent=10,
    )
    w.text(f"Somme en toutes lettres : {amount_in_words(in_kind)}", indent=10)
    descriptions = [
        g.in_kind_description for g in doc.gifts if g.nature == "in_kind" and g.in_kind_description
    ]
    w.text(
        "Description exhaustive des biens et prestations reçus et acceptés (nature et quantité) et détail des "
        "salariés mis à disposition : " + ("; ".join(descriptions) if descriptions else "néant"),
        indent=10,
    )
    total = doc.total_cents
    w.text(
        f"Montant total des dons et versements : {amount_in_figures(total)} euros "
        f"({amount_in_words(total)})",
        bold=True,
    )
    w.text(f"Date ou période des dons et versements : {_dates_text(doc)}")


GIFT_COLUMNS = 3
GIFT_CELL = (WIDTH - 2 * MARGIN) / GIFT_COLUMNS


def _gift_table(w: _Writer, doc: ReceiptDocument) -> None:
    if len(doc.gifts) <= 1:
        return
    size, row = 7.5, 7.5 * 1.3
    w.title("Détail des versements", keep_with=row)
    for start in range(0, len(doc.gifts), GIFT_COLUMNS):
        w.ensure(row)
        for column, g in enumerate(doc.gifts[start : start + GIFT_COLUMNS]):
            x, y = MARGIN + column * GIFT_CELL, w.y - size
            w.draw(x, y, _fmt(g.received_on), w.regular, size)
            w.draw_right(x + 92, y, _eur(g.amount_cents), w.regular, size)
            w.draw(x + 97, y, METHODS.get(g.method, g.method), w.regular, size)
        w.y -= row
    if doc.beneficiary.seventy_five_percent and doc.period_start < COLUCHE_SPLIT <= doc.period_end:
        before = sum(g.amount_cents for g in doc.gifts if g.received_on < COLUCHE_SPLIT)
        after = doc.total_cents - before
        w.text(
            f"Dons versés avant le 14/10/2025 : {_eur(before)} — dons versés à compter du 14/10/2025 : "
            f"{_eur(after)}",
            size=8,
            bold=True,
        )


SIGNATURE_HEIGHT = 2 * 9 * 1.35 + 23 * mm


def _signature(w: _Writer, doc: ReceiptDocument, signature: bytes | None) -> None:
    w.title("Date et signature", keep_with=SIGNATURE_HEIGHT)
    b = doc.beneficiary
    w.text(f"Fait à {b.city}, le {_fmt(doc.issued_on)}")
    w.text(f"{b.signatory_name}, {b.signatory_title}", bold=True)
    if signature:
        w.c.drawImage(
            _image(signature),
            MARGIN,
            w.y - 22 * mm,
            50 * mm,
            20 * mm,
            preserveAspectRatio=True,
            mask="auto",
        )
    w.y -= 23 * mm


def _footnotes(w: _Writer, doc: ReceiptDocument) -> None:
    notes = ["(1) Pour les dons en nature (titres, biens, prestations), indiquer la valeur du don."]
    if doc.kind != "company":
        notes += [
            "(2) L'organisme peut cocher une ou deux cases ; une même fraction du don ne peut ouvrir droit "
            "à la fois à la réduction d'impôt sur le revenu (art. 200) et à la réduction d'impôt sur la "
            "fortune immobilière (art. 978).",
            "(3) La réduction d'IFI ne s'applique qu'aux dons en numéraire et aux dons en pleine propriété "
            "de titres de sociétés admis aux négociations sur un marché réglementé.",
            "(4) Notamment : dons en nature autres que des titres.",
        ]
    else:
        notes += [
            "Un même reçu peut couvrir une période mais ne peut pas chevaucher deux exercices de "
            "l'entreprise donatrice."
        ]
    y = MARGIN + 4
    for note in reversed(
        [line for n in notes for line in _split(n, w.regular, 6.5, WIDTH - 2 * MARGIN)]
    ):
        w.draw(MARGIN, y, note, w.regular, 6.5)
        y += 8
    w.bottom = y + 6  # the flowing text stops above the notes


def _watermark(canvas: Canvas, text: str, bold_font: str) -> None:
    canvas.saveState()
    canvas.setFillColor(Color(0.8, 0, 0, alpha=0.25))
    canvas.setFont(bold_font, 80)
    canvas.translate(WIDTH / 2, HEIGHT / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, 0, text)
    canvas.restoreState()


def draw_receipt(
    canvas: Canvas,
    doc: ReceiptDocument,
    *,
    logo: bytes | None = None,
    signature: bytes | None = None,
    mark: str = "",
) -> None:
    """Draw the receipt on `canvas`, from a new page (one page, or more for a long list of
    gifts; the notes stay on the first). `mark` prints "DUPLICATA" or "ANNULÉ" on each page."""
    writer = _Writer(canvas, doc, mark)
    _footnotes(writer, doc)
    _header(writer, doc, logo)
    _beneficiary(writer, doc)
    _donor(writer, doc)
    (_company_gift if doc.kind == "company" else _individual_gift)(writer, doc)
    _gift_table(writer, doc)
    _signature(writer, doc, signature)
    writer.end_page()


def _canvas(target: Any, title: str, author: str) -> Canvas:
    regular, _bold = register_fonts()
    canvas = Canvas(
        target,
        pagesize=A4,
        invariant=1,
        pageCompression=1,
        initialFontName=regular,  # type: ignore[arg-type]  # the stubs say float
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    return canvas


def render_receipt(
    doc: ReceiptDocument,
    *,
    logo: bytes | None = None,
    signature: bytes | None = None,
    mark: str = "",
) -> bytes:
    """The receipt as PDF bytes (deterministic: the same document gives the same bytes)."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, f"Reçu fiscal {doc.number}", doc.beneficiary.name)
    draw_receipt(canvas, doc, logo=logo, signature=signature, mark=mark)
    canvas.save()
    return buffer.getvalue()


def write_print_file(
    items: Iterable[tuple[ReceiptDocument, bytes | None, bytes | None]],
    target: Path,
    *,
    title: str,
    author: str,
) -> int:
    """Every receipt of `items` (document, logo, signature) in one PDF, for printing.

    One document, so the fonts and images are embedded once however many receipts it
    holds. Returns the number of receipts written.
    """
    canvas = _canvas(str(target), title, author)
    count = 0
    for doc, logo, signature in items:
        draw_receipt(canvas, doc, logo=logo, signature=signature)
        count += 1
    canvas.save()
    return count
