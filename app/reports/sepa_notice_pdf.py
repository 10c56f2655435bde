"""Pre-notification letters for SEPA direct debits (one per donor, window envelope)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.money import format_eur
from app.core.sepa.creditor import CreditorSettings
from app.core.sepa.notices import Notice
from app.i18n import N_, _
from app.reports.letters_pdf import Letter, Sender, render_letters

FREQUENCY_WORDS = {
    "monthly": N_("chaque mois, le {day}"),
    "quarterly": N_("chaque trimestre, le {day}"),
    "yearly": N_("chaque année, le {day}"),
}


def _letter(notice: Notice, creditor: CreditorSettings, written_on: date) -> Letter:
    schedule = _(FREQUENCY_WORDS.get(notice.frequency, "{day}")).format(day=notice.day_of_month)
    return Letter(
        address_lines=notice.address_lines,
        date_line=_("Le {date}").format(date=f"{written_on:%d/%m/%Y}"),
        subject=_("Objet : votre don régulier par prélèvement SEPA"),
        paragraphs=(
            _("Madame, Monsieur,"),
            "",
            _("Merci pour votre soutien régulier. Conformément à votre mandat de prélèvement,")
            + " "
            + _("nous prélèverons {amount} le {date}, puis {schedule},").format(
                amount=format_eur(notice.amount_cents),
                date=f"{notice.first_due:%d/%m/%Y}",
                schedule=schedule,
            )
            + " "
            + _("sur votre compte se terminant par {end}.").format(end=notice.iban_end),
            "",
            _("Référence unique du mandat (RUM) : {rum}").format(rum=notice.rum),
            _("Identifiant créancier SEPA : {ics}").format(ics=creditor.creditor_id),
            "",
            _("Vous pouvez modifier ou arrêter ce don à tout moment en nous écrivant.")
            + " "
            + _("Vous pouvez aussi demander à votre banque le remboursement d'un prélèvement")
            + " "
            + _("dans les 8 semaines suivant le débit."),
        ),
        closing=(_("Avec nos remerciements renouvelés,"),),
    )


def render_notices(
    notices: Sequence[Notice], *, creditor: CreditorSettings, written_on: date
) -> bytes:
    """One PDF, one page per notice."""
    sender = Sender(
        name=creditor.name,
        details=(_("Identifiant créancier SEPA : {ics}").format(ics=creditor.creditor_id),),
        signatory=creditor.name,
    )
    return render_letters(
        [_letter(n, creditor, written_on) for n in notices],
        sender=sender,
        title=_("Pré-notifications de prélèvement SEPA"),
    )
