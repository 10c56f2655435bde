"""Membership renewal reminders: one letter per member, window envelope, from the editable
"membership" template (the e-mail reminders use the same one)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.appeals.letters import Template, merge, values_for
from app.core.memberships.service import Reminder
from app.core.organisation import OrganisationIdentity
from app.i18n import N_, _
from app.reports.letters_pdf import Letter, Sender, render_letters

POSTAL_OPT_OUT = N_(
    "Si vous ne souhaitez plus recevoir de courrier de notre part, il suffit de nous le dire : "
    "nous en tiendrons compte aussitôt."
)


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


def reminder_values(reminder: Reminder, association: str) -> dict[str, str]:
    """The merge values of one renewal reminder (letter or e-mail)."""
    r = reminder.recipient
    return values_for(
        salutation=r.salutation,
        civility=r.civility,
        first_name=r.first_name,
        last_name=r.last_name,
        association=association,
        last_gift_cents=r.last_gift_cents,
        last_gift_on=r.last_gift_on,
        year_total_cents=r.year_total_cents,
        membership=reminder.type_name,
        membership_ends_on=reminder.ends_on,
        fee_cents=reminder.fee_cents,
    )


def render_reminders(
    reminders: Sequence[Reminder],
    *,
    sender: OrganisationIdentity,
    written_on: date,
    template: Template,
) -> bytes:
    """The letters of a reminder run, from the "membership" template (editable)."""
    letters = []
    for reminder in reminders:
        values = reminder_values(reminder, sender.name)
        body = merge(template.body, values).split("\n")
        letters.append(
            Letter(
                address_lines=reminder.address_lines,
                date_line=_("Le {date}").format(date=f"{written_on:%d/%m/%Y}"),
                subject=merge(template.subject, values),
                paragraphs=(*body, "", _(POSTAL_OPT_OUT)),
                closing=(_("Avec nos remerciements,"),),
            )
        )
    return render_letters(letters, sender=sender_of(sender), title=_("Relances d'adhésion"))
