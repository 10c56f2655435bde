"""The readable PDF of a data-subject access export."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.reports.fonts import register_fonts

SECTIONS = (
    ("identity", "Identité"),
    ("emails", "Courriels"),
    ("phones", "Téléphones"),
    ("addresses", "Adresses"),
    ("gifts", "Dons"),
    ("receipts", "Reçus fiscaux"),
    ("consents", "Consentements et oppositions"),
    ("history", "Historique des modifications"),
)


def render_subject_pdf(data: dict[str, Any]) -> bytes:
    """All the person's data, the purposes, recipients, retention, rights and the CNIL."""
    regular, bold = register_fonts()
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=6)
    body = ParagraphStyle("b", fontName=regular, fontSize=8.5, leading=11)
    story: list[Any] = [
        Paragraph("Vos données personnelles", h1),
        Paragraph(
            escape(
                f"Responsable du traitement : {data['controller']['organisation']}, "
                f"{data['controller']['address']}. Délégué : {data['controller']['dpo']} "
                f"({data['controller']['dpo_contact']}). Édité le {data['generated_on']}."
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    for key, title in SECTIONS:
        story.append(Paragraph(title, h2))
        rows = data[key] if isinstance(data[key], list) else [data[key]]
        if not rows:
            story.append(Paragraph("Aucune donnée.", body))
        for row in rows:
            story.append(
                Paragraph(
                    escape(" ; ".join(f"{k} : {v}" for k, v in row.items() if v not in (None, ""))),
                    body,
                )
            )
    story.append(Paragraph("Finalités, destinataires et durées de conservation", h2))
    for activity in data["processing"]:
        story.append(
            Paragraph(
                escape(
                    f"{activity['name']} — finalités : {activity['purposes']} — base légale : "
                    f"{activity['legal_basis']} — destinataires : {activity['recipients']} — "
                    f"conservation : {' ; '.join(activity['retention'])}"
                ),
                body,
            )
        )
    story += [
        Paragraph("Source des données", h2),
        Paragraph(escape(data["source"]), body),
        Paragraph("Vos droits", h2),
        Paragraph(escape(data["rights"]), body),
    ]
    buffer = io.BytesIO()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(regular, 7)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"page {doc.page}")

    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Vos données personnelles",
    ).build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
