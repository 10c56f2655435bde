"""Pre-notification letters for SEPA direct debits: one A4 page per donor, window envelope.

The donor's address sits in the window of a DL/C5 envelope with the window on the right
(NF Z10-011 position: 100 mm from the left edge, 45 mm from the top, 95 x 45 mm).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.money import format_eur
from app.core.sepa.creditor import CreditorSettings
from app.core.sepa.notices import Notice
from app.i18n import N_, _
from app.reports.fonts import register_fonts

WINDOW_LEFT, WINDOW_TOP = 100 * mm, 45 * mm
LEFT = 20 * mm
FREQUENCY_WORDS = {
    "monthly": N_("chaque mois, le {day}"),
    "quarterly": N_("chaque trimestre, le {day}"),
    "yearly": N_("chaque année, le {day}"),
}


def render_notices(
    notices: Sequence[Notice], *, creditor: CreditorSettings, written_on: date
) -> bytes:
    """One PDF, one page per notice (creation date: the day the letters are written)."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(_("Pré-notifications de prélèvement SEPA"))
    canvas.setCreator("Obole")
    width, height = A4
    for notice in notices:
        canvas.setFont(bold, 11)
        canvas.drawString(LEFT, height - 20 * mm, creditor.name)
        canvas.setFont(regular, 8.5)
        canvas.drawString(
            LEFT,
            height - 25 * mm,
            _("Identifiant créancier SEPA : {ics}").format(ics=creditor.creditor_id),
        )
        text = canvas.beginText(WINDOW_LEFT, height - WINDOW_TOP - 5 * mm)
        text.setFont(regular, 10)
        for line in notice.address_lines:
            text.textLine(line)
        canvas.drawText(text)
        canvas.setFont(regular, 10)
        canvas.drawRightString(
            width - LEFT, height - 100 * mm, _("Le {date}").format(date=f"{written_on:%d/%m/%Y}")
        )
        canvas.setFont(bold, 10)
        canvas.drawString(
            LEFT, height - 112 * mm, _("Objet : votre don régulier par prélèvement SEPA")
        )
        body = canvas.beginText(LEFT, height - 124 * mm)
        body.setFont(regular, 10)
        body.setLeading(14)
        schedule = _(FREQUENCY_WORDS.get(notice.frequency, "{day}")).format(day=notice.day_of_month)
        for line in (
            _("Madame, Monsieur,"),
            "",
            _("Merci pour votre soutien régulier. Conformément à votre mandat de prélèvement,"),
            _("nous prélèverons {amount} le {date}, puis {schedule},").format(
                amount=format_eur(notice.amount_cents),
                date=f"{notice.first_due:%d/%m/%Y}",
                schedule=schedule,
            ),
            _("sur votre compte se terminant par {end}.").format(end=notice.iban_end),
            "",
            _("Référence unique du mandat (RUM) : {rum}").format(rum=notice.rum),
            _("Vous pouvez modifier ou arrêter ce don à tout moment en nous écrivant."),
            _("Vous pouvez aussi demander à votre banque le remboursement d'un prélèvement"),
            _("dans les 8 semaines suivant le débit."),
            "",
            _("Avec nos remerciements renouvelés,"),
            creditor.name,
        ):
            body.textLine(line)
        canvas.drawText(body)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
