"""Membership renewal reminders: one letter per member, window envelope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.memberships.service import Reminder
from app.core.money import format_eur
from app.core.organisation import OrganisationIdentity
from app.i18n import _
from app.reports.letters_pdf import Letter, Sender, render_letters


def sender_of(identity: OrganisationIdentity) -> Sender:
    """The association heading its letters (address, e-mail, phone; signatory)."""
    details = tuple(
        line
        for line in (
            identity.address_line,
            identity.address_complement,
            f"{identity.postcode} {identity.city}".strip(),
            " — ".join(p for p in (identity.email, identity.phone) if p),
        )
        if line
    )
    signatory = ", ".join(p for p in (identity.signatory_name, identity.signatory_title) if p)
    return Sender(identity.name, details, signatory or identity.name)


def render_reminders(
    reminders: Sequence[Reminder], *, sender: OrganisationIdentity, written_on: date
) -> bytes:
    """The letters of a reminder run."""
    letters = [
        Letter(
            address_lines=r.address_lines,
            date_line=_("Le {date}").format(date=f"{written_on:%d/%m/%Y}"),
            subject=_("Objet : renouvellement de votre adhésion"),
            paragraphs=(
                _("Madame, Monsieur,"),
                "",
                _(
                    "Votre adhésion ({type}) arrive à échéance le {end}. Pour continuer à "
                    "faire vivre l'association avec nous, vous pouvez la renouveler dès "
                    "maintenant : la cotisation est de {fee}."
                ).format(
                    type=r.type_name, end=f"{r.ends_on:%d/%m/%Y}", fee=format_eur(r.fee_cents)
                ),
                "",
                _(
                    "Si vous ne souhaitez plus recevoir de courrier de notre part, il suffit de "
                    "nous le dire : nous en tiendrons compte aussitôt."
                ),
            ),
            closing=(_("Avec nos remerciements,"),),
        )
        for r in reminders
    ]
    return render_letters(letters, sender=sender_of(sender), title=_("Relances d'adhésion"))
