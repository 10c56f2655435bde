"""The readable PDF of a data-subject access export: a letter a member of the public can read.

Labelled sections in French, dates as "4 décembre 2026" or 01/03/2026, amounts in euros,
consents, gifts and receipts as tables, the history of changes in words; the JSON and CSV
files of the same ZIP keep the raw values for portability.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.contacts.history import describe, value_text
from app.core.sepa.mandates import MANDATE_STATUS_LABELS
from app.core.sepa.plans import FREQUENCY_LABELS, PLAN_STATUS_LABELS
from app.reports.fonts import register_fonts

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
IDENTITY_ROWS = (
    ("civility", "Civilité"),
    ("first_name", "Prénom"),
    ("last_name", "Nom"),
    ("birth_name", "Nom de naissance"),
    ("organisation_name", "Raison sociale"),
    ("legal_form", "Forme juridique"),
    ("siren", "SIREN"),
    ("birth_date", "Date de naissance"),
    ("receipt_mode", "Reçus fiscaux"),
    ("notes", "Notes"),
    ("tags", "Étiquettes"),
    ("restricted", "Traitement limité à votre demande"),
    ("created_at", "Fiche créée le"),
    ("updated_at", "Dernière modification"),
)
TABLE_WIDTH = A4[0] - 30 * mm


def long_date(iso: str) -> str:
    """ "2026-12-04" -> "4 décembre 2026" (the letter's date)."""
    day = date.fromisoformat(iso[:10])
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


class _Styles:
    def __init__(self) -> None:
        regular, bold = register_fonts()
        self.regular, self.bold = regular, bold
        self.title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4)
        self.h2 = ParagraphStyle(
            "h2", fontName=bold, fontSize=11.5, leading=15, spaceBefore=9, spaceAfter=3
        )
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle(
            "small", fontName=regular, fontSize=8, leading=10, textColor=colors.grey
        )


def _table(styles: _Styles, header: list[str], rows: list[list[str]], widths: list[float]) -> Any:
    """A ruled table with a grey header row; cells wrap."""
    data = [[Paragraph(escape(h), styles.head) for h in header]] + [
        [Paragraph(escape(str(v)), styles.cell) for v in row] for row in rows
    ]
    table = Table(data, colWidths=[w * TABLE_WIDTH for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#b0b0b0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _section(styles: _Styles, title: str, content: list[Any] | None, empty: str) -> list[Any]:
    body = content if content else [Paragraph(escape(empty), styles.body)]
    return [KeepTogether([Paragraph(escape(title), styles.h2), body[0]]), *body[1:]]


def _identity(styles: _Styles, identity: dict[str, Any]) -> list[Any]:
    rows = []
    for key, label in IDENTITY_ROWS:
        value = identity.get(key)
        if key == "tags":
            value = ", ".join(value or [])
        elif key == "restricted":
            value = "oui" if value in (True, "True") else ""
        elif key in ("created_at", "updated_at"):
            value = describe(at=value, user="", action="event", entity="").when if value else ""
        else:
            value = value_text(key, value)
        if value:
            rows.append([label, value])
    return [_table(styles, ["Donnée", "Valeur"], rows, [0.35, 0.65])] if rows else []


def _contact_details(styles: _Styles, data: dict[str, Any]) -> list[Any]:
    rows = [["Courriel", e["email"], e.get("label") or ""] for e in data["emails"]]
    rows += [
        ["Téléphone", value_text("number", p["number"]), p.get("label") or ""]
        for p in data["phones"]
    ]
    for address in data["addresses"]:
        parts = [address.get(k) for k in ("line2", "line3", "line4", "line5")]
        town = f"{address.get('postcode') or ''} {address.get('city') or ''}".strip()
        note = (
            "courrier revenu : n'habite pas à l'adresse indiquée"
            if address.get("npai")
            in (
                True,
                "True",
            )
            else ""
        )
        rows.append(["Adresse", ", ".join(str(p) for p in [*parts, town] if p), note])
    return (
        [_table(styles, ["Moyen", "Coordonnée", "Précision"], rows, [0.18, 0.5, 0.32])]
        if rows
        else []
    )


def _gifts(styles: _Styles, gifts: list[dict[str, Any]]) -> list[Any]:
    rows = [
        [
            value_text("received_on", g["received_on"]),
            value_text("amount_cents", g["amount_cents"]),
            value_text("payment_method", g["payment_method"]),
            g.get("cheque_number") or "",
        ]
        for g in gifts
    ]
    if not rows:
        return []
    total = sum(int(g["amount_cents"] or 0) for g in gifts)
    rows.append(["Total", value_text("amount_cents", total), "", ""])
    return [
        _table(
            styles,
            ["Date", "Montant", "Mode de paiement", "N° de chèque"],
            rows,
            [0.2, 0.2, 0.3, 0.3],
        )
    ]


def _receipts(styles: _Styles, receipts: list[dict[str, Any]]) -> list[Any]:
    rows = [
        [
            r["number"],
            value_text("received_on", str(r["issued_at"])[:10]),
            value_text("total_cents", r["total_cents"]),
            value_text("status", r["status"]),
        ]
        for r in receipts
    ]
    return (
        [_table(styles, ["Numéro", "Émis le", "Montant", "Statut"], rows, [0.3, 0.2, 0.25, 0.25])]
        if rows
        else []
    )


# The person's letter is in French: the core's French words, lower-cased in a sentence.
FREQUENCY_WORDS = {key: label.lower() for key, label in FREQUENCY_LABELS.items()}
STATUS_WORDS = {**MANDATE_STATUS_LABELS, **PLAN_STATUS_LABELS}


def _regular_giving(styles: _Styles, data: dict[str, Any]) -> list[Any]:
    """Memberships, direct-debit mandates and regular gifts (issue #19)."""
    story: list[Any] = []
    memberships = [
        [
            m["type"],
            " - ".join(value_text("received_on", m[k]) for k in ("starts_on", "ends_on")),
            value_text("received_on", m["paid_on"]),
            value_text("amount_cents", m["amount_cents"]),
        ]
        for m in data.get("memberships", [])
    ]
    if memberships:
        story.append(
            _table(
                styles,
                ["Adhésion", "Période", "Payée le", "Montant"],
                memberships,
                [0.3, 0.3, 0.2, 0.2],
            )
        )
    mandates = [
        [
            m["rum"],
            m["iban"],
            value_text("received_on", m["signed_on"]),
            STATUS_WORDS.get(m["status"], m["status"]),
        ]
        for m in data.get("mandates", [])
    ]
    if mandates:
        story.append(
            _table(
                styles,
                ["Mandat de prélèvement (RUM)", "Compte (IBAN)", "Signé le", "Statut"],
                mandates,
                [0.3, 0.34, 0.16, 0.2],
            )
        )
    plans = [
        [
            value_text("amount_cents", p["amount_cents"]),
            f"{FREQUENCY_WORDS.get(p['frequency'], p['frequency'])}, le {p['day_of_month']}",
            value_text("received_on", p["starts_on"]),
            STATUS_WORDS.get(p["status"], p["status"]),
        ]
        for p in data.get("regular_gifts", [])
    ]
    if plans:
        story.append(
            _table(
                styles,
                ["Don régulier", "Échéance", "Depuis le", "Statut"],
                plans,
                [0.2, 0.4, 0.2, 0.2],
            )
        )
    return [item for table in story for item in (table, Spacer(1, 2 * mm))][:-1]


KIND_WORDS = {"appeal": "appel aux dons", "reminder": "relance d'adhésion"}
DELIVERY_WORDS = {
    "sent": "envoyé",
    "failed": "non remis",
    "bounced": "revenu",
    "pending": "en attente",
    "cancelled": "annulé",
}


def _solicitations(styles: _Styles, sent: list[dict[str, Any]]) -> list[Any]:
    """What we sent: date, channel, what, to which address, delivered or not (issue #18)."""
    rows = [
        [
            value_text("sent_on", s["sent_on"]),
            value_text("channel", s["channel"]),
            KIND_WORDS.get(s.get("kind") or "", s.get("kind") or ""),
            s.get("appeal") or s.get("what") or "",
            s.get("email") or "",
            DELIVERY_WORDS.get(s.get("delivery") or "", s.get("delivery") or ""),
        ]
        for s in sent
    ]
    return (
        [
            _table(
                styles,
                ["Date", "Canal", "Nature", "Objet", "Adresse", "Remise"],
                rows,
                [0.13, 0.12, 0.17, 0.26, 0.2, 0.12],
            )
        ]
        if rows
        else []
    )


def _consents(styles: _Styles, consents: list[dict[str, Any]]) -> list[Any]:
    rows = [
        [
            describe(at=c["occurred_at"], user="", action="event", entity="").when.split(" ")[0],
            value_text("channel", c["channel"]),
            value_text("status", c["status"]),
            c.get("source") or "",
            c.get("proof_text") or "",
        ]
        for c in consents
    ]
    return (
        [
            _table(
                styles,
                ["Date", "Canal", "Votre choix", "Source", "Preuve"],
                rows,
                [0.14, 0.14, 0.14, 0.22, 0.36],
            )
        ]
        if rows
        else []
    )


def _history(styles: _Styles, history: list[dict[str, Any]]) -> list[Any]:
    lines = []
    for event in history:
        line = describe(
            at=event.get("at"),
            user=event.get("user") or "",
            action=str(event.get("action") or ""),
            entity=str(event.get("entity") or ""),
            field=str(event.get("field") or ""),
            old=event.get("old"),
            new=event.get("new"),
            note=str(event.get("note") or ""),
        )
        lines.append(Paragraph(escape(line.sentence()), styles.cell))
    return lines


def render_subject_pdf(data: dict[str, Any]) -> bytes:
    """All the person's data, the purposes, recipients, retention, rights and the CNIL."""
    styles = _Styles()
    controller = data["controller"]
    story: list[Any] = [
        Paragraph(escape(controller["organisation"] or ""), styles.h2),
        Paragraph(escape(controller["address"] or ""), styles.body),
        Spacer(1, 6 * mm),
        Paragraph("Vos données personnelles", styles.title),
        Paragraph(escape(f"Le {long_date(data['generated_on'])}"), styles.body),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                "Madame, Monsieur, vous nous avez demandé les données que nous détenons sur "
                "vous (article 15 du RGPD). Vous les trouverez ci-dessous, avec l'usage que nous "
                "en faisons, leur durée de conservation et vos droits. Les fichiers joints "
                "(JSON et CSV) contiennent les mêmes données dans un format réutilisable."
            ),
            styles.body,
        ),
    ]
    story += _section(
        styles, "Votre identité", _identity(styles, data["identity"]), "Aucune donnée."
    )
    story += _section(
        styles, "Vos coordonnées", _contact_details(styles, data), "Aucune coordonnée enregistrée."
    )
    story += _section(styles, "Vos dons", _gifts(styles, data["gifts"]), "Aucun don enregistré.")
    story += _section(
        styles,
        "Vos adhésions et dons réguliers",
        _regular_giving(styles, data),
        "Aucune adhésion ni don régulier.",
    )
    story += _section(
        styles, "Vos reçus fiscaux", _receipts(styles, data["receipts"]), "Aucun reçu fiscal émis."
    )
    story += _section(
        styles,
        "Ce que nous vous avons envoyé (appels aux dons, relances)",
        _solicitations(styles, data.get("solicitations", [])),
        "Aucun envoi enregistré.",
    )
    story += _section(
        styles,
        "Vos consentements et oppositions",
        _consents(styles, data["consents"]),
        "Aucun choix enregistré.",
    )
    story += _section(
        styles,
        "Historique des modifications de votre fiche",
        _history(styles, data["history"]),
        "Aucune modification enregistrée.",
    )
    processing = [
        [
            a["name"],
            a["purposes"],
            a["legal_basis"],
            a["recipients"],
            " ; ".join(r for r in a["retention"] if r),
        ]
        for a in data["processing"]
    ]
    story += _section(
        styles,
        "Pourquoi nous utilisons vos données, qui les reçoit, combien de temps",
        [
            _table(
                styles,
                ["Traitement", "Finalités", "Base légale", "Destinataires", "Conservation"],
                processing,
                [0.16, 0.26, 0.16, 0.18, 0.24],
            )
        ]
        if processing
        else None,
        "Aucun traitement déclaré.",
    )
    story += [
        Paragraph("Source des données", styles.h2),
        Paragraph(escape(data["source"]), styles.body),
        Paragraph("Vos droits", styles.h2),
        Paragraph(escape(data["rights"]), styles.body),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"Délégué à la protection des données : {controller['dpo'] or '—'} "
                f"({controller['dpo_contact'] or '—'})."
            ),
            styles.body,
        ),
    ]
    buffer = io.BytesIO()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(styles.regular, 7.5)
        owner = controller["organisation"] or ""
        canvas.drawString(
            15 * mm,
            10 * mm,
            f"{owner} — vos données personnelles" if owner else "Vos données personnelles",
        )
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"page {doc.page}")

    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title="Vos données personnelles",
        author=controller["organisation"] or "",
    ).build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
