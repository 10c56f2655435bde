"""Export the Art. 30 register laid out like the CNIL template: PDF, XLSX, ODS or CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.core.gdpr.register import ActivityView, RegisterHeader

COLUMNS = (
    ("reference", "Référence"),
    ("name", "Nom du traitement"),
    ("purposes", "Finalité(s)"),
    ("legal_basis", "Base légale"),
    ("data_subjects", "Catégories de personnes concernées"),
    ("data_categories", "Catégories de données (durée de conservation)"),
    ("sensitive_data", "Données sensibles"),
    ("recipients", "Destinataires"),
    ("transfers", "Transferts hors UE"),
    ("transfer_safeguards", "Garanties des transferts"),
    ("security_measures", "Mesures de sécurité"),
    ("joint_controller", "Responsable conjoint"),
    ("processor", "Sous-traitant(s)"),
    ("created_at", "Date de création"),
    ("updated_at", "Dernière mise à jour"),
)


def _cell(activity: ActivityView, key: str) -> str:
    value = getattr(activity, key)
    if key == "data_categories":
        return "\n".join(
            f"{c.get('category', '')} : {c.get('description', '')} — conservation : "
            f"{c.get('retention', '')}"
            for c in value
        )
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    return str(value or "")


def _header_rows(head: RegisterHeader) -> list[list[str]]:
    return [
        ["Registre des activités de traitement (RGPD, article 30)"],
        ["Organisme", head.organisation],
        ["Adresse", head.address],
        ["Responsable du traitement", head.controller],
        ["Contact", head.controller_contact],
        ["Délégué à la protection des données", f"{head.dpo} {head.dpo_contact}".strip()],
        ["Date d'édition", date.today().strftime("%d/%m/%Y")],
        [],
    ]


def _table(activities: Sequence[ActivityView]) -> list[list[str]]:
    return [[label for _key, label in COLUMNS]] + [
        [_cell(a, key) for key, _label in COLUMNS] for a in activities
    ]


def write_register(
    path: Path, head: RegisterHeader, activities: Sequence[ActivityView], fmt: str
) -> Path:
    """Write the register in `fmt` (pdf, xlsx, ods, csv)."""
    writers = {"pdf": _pdf, "xlsx": _xlsx, "ods": _ods, "csv": _csv}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt}")
    writers[fmt](path, head, activities)
    return path


def _csv(path: Path, head: RegisterHeader, activities: Sequence[ActivityView]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows(_header_rows(head) + _table(activities))


def _xlsx(path: Path, head: RegisterHeader, activities: Sequence[ActivityView]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    common = workbook.active
    assert isinstance(common, Worksheet)  # a new workbook's active sheet
    common.title = "Page commune"
    for row in _header_rows(head):
        common.append(row)
    common["A1"].font = Font(bold=True, size=13)
    common.column_dimensions["A"].width = 38
    common.column_dimensions["B"].width = 70
    sheet = workbook.create_sheet("Activités")
    for row in _table(activities):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 32
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    for activity in activities:  # one sheet per activity, like the CNIL "fiche de registre"
        fiche = workbook.create_sheet(f"{activity.reference or activity.id} {activity.name}"[:31])
        for key, label in COLUMNS:
            fiche.append([label, _cell(activity, key)])
        fiche.column_dimensions["A"].width = 40
        fiche.column_dimensions["B"].width = 90
        for row in fiche.iter_rows():
            row[0].font = Font(bold=True)
            row[1].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)


def _ods(path: Path, head: RegisterHeader, activities: Sequence[ActivityView]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()

    def sheet(name: str, rows: list[list[str]]) -> None:
        table = Table(name=name)
        for values in rows:
            row = TableRow()
            for value in values:
                cell = TableCell(valuetype="string")
                for line in str(value).split("\n"):
                    cell.addElement(P(text=line))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)

    sheet("Page commune", _header_rows(head))
    sheet("Activités", _table(activities))
    document.save(str(path))


def _pdf(path: Path, head: RegisterHeader, activities: Sequence[ActivityView]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from app.reports.fonts import register_fonts

    regular, bold = register_fonts()
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=15, leading=19)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11.5, leading=15, spaceBefore=4)
    label = ParagraphStyle("l", fontName=bold, fontSize=8.5, leading=11, spaceBefore=3)
    body = ParagraphStyle("b", fontName=regular, fontSize=8.5, leading=11)
    printed = date.today().strftime("%d/%m/%Y")
    story: list[Any] = [
        Paragraph("Registre des activités de traitement", h1),
        Paragraph("Règlement (UE) 2016/679, article 30 — modèle CNIL", body),
        Spacer(1, 5 * mm),
    ]
    for row in _header_rows(head)[1:-1]:
        story.append(Paragraph(f"<b>{escape(row[0])}</b> : {escape(row[1])}", body))
    story.append(Paragraph("Liste des activités", h2))
    story += [Paragraph(escape(f"{a.reference} — {a.name}"), body) for a in activities]
    for activity in activities:
        story += [
            PageBreak(),
            Paragraph(escape(f"Fiche {activity.reference} : {activity.name}"), h2),
        ]
        for key, text in COLUMNS[2:]:
            story += [
                Paragraph(escape(text), label),
                Paragraph(escape(_cell(activity, key) or "—").replace("\n", "<br/>"), body),
            ]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(regular, 7)
        canvas.drawString(
            15 * mm, 10 * mm, f"{head.organisation} — registre RGPD édité le {printed}"
        )
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"page {doc.page}")

    SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title="Registre des activités de traitement",
    ).build(story, onFirstPage=footer, onLaterPages=footer)
