"""Pre-notifications of SEPA direct debits: letters (one per donor, window envelope) and
e-mails with the same text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from email.message import EmailMessage

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


SUBJECT = N_("Objet : votre don régulier par prélèvement SEPA")


def notice_paragraphs(notice: Notice, creditor: CreditorSettings) -> tuple[str, ...]:
    """The text of a notice, shared by the letter and the e-mail."""
    schedule = _(FREQUENCY_WORDS.get(notice.frequency, "{day}")).format(day=notice.day_of_month)
    return (
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
    )


CLOSING = N_("Avec nos remerciements renouvelés,")


def _letter(notice: Notice, creditor: CreditorSettings, written_on: date) -> Letter:
    return Letter(
        address_lines=notice.address_lines,
        date_line=_("Le {date}").format(date=f"{written_on:%d/%m/%Y}"),
        subject=_(SUBJECT),
        paragraphs=notice_paragraphs(notice, creditor),
        closing=(_(CLOSING),),
    )


def render_notice_email(notice: Notice, *, creditor: CreditorSettings, sender: str) -> EmailMessage:
    """The notice as a plain-text e-mail to the donor's address."""
    message = EmailMessage()
    message["From"], message["To"] = sender, notice.email
    message["Subject"] = _(SUBJECT).split(":", 1)[-1].strip()  # "Objet :" is for letters
    lines = [*notice_paragraphs(notice, creditor), "", _(CLOSING), creditor.name]
    message.set_content("\n".join(lines))
    return message


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
