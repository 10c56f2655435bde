"""SEPA mandates: one signed authorisation per donor account, identified by its RUM.

A mandate's first collection goes out as FRST, the next ones as RCUR; a FRST that the bank
returns leaves the mandate "never collected", so the next attempt is a FRST again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.sepa.accounts import validate_bic, validate_iban
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.models import Contact, RegularGiftPlan, SepaMandate
from app.models.enums import ContactStatus, MandateStatus, PlanStatus

# What a user reads for a mandate's status (the GUI and the CLI).
MANDATE_STATUS_LABELS: dict[str, str] = {
    MandateStatus.ACTIVE: N_("actif"),
    MandateStatus.SUSPENDED: N_("suspendu"),
    MandateStatus.REVOKED: N_("révoqué"),
}

# EPC: the mandate reference is at most 35 characters of the Latin set below.
RUM_PATTERN = re.compile(r"[A-Za-z0-9+?/:().,' -]{1,35}")
FIRST, RECURRING = "FRST", "RCUR"


@dataclass(frozen=True)
class MandateDraft:
    """What the treasurer types from the signed paper (or the online form)."""

    contact_id: int
    iban: str
    signed_on: date
    bic: str = ""
    rum: str = ""  # empty: Obole makes one
    holder: str = ""  # empty: the contact's name


def add_mandate(session: Session, draft: MandateDraft, *, today: date) -> SepaMandate:
    """Check and record a mandate; raises ValidationError naming the field."""
    require(session, Permission.GIFTS_WRITE)
    contact = session.get(Contact, draft.contact_id)
    if contact is None or contact.status in (ContactStatus.MERGED, ContactStatus.ANONYMISED):
        raise NotFound(_("Contact n° {id} introuvable.").format(id=draft.contact_id))
    if draft.signed_on > today:
        raise ValidationError(
            _("La date de signature du mandat ({date}) est dans le futur.").format(
                date=draft.signed_on.strftime("%d/%m/%Y")
            ),
            field="signed_on",
        )
    iban = validate_iban(draft.iban)
    rum = draft.rum.strip() or _next_rum(session, contact.id)
    if not RUM_PATTERN.fullmatch(rum):
        raise ValidationError(
            _(
                "Référence unique de mandat (RUM) invalide : 35 caractères au plus, lettres, "
                "chiffres et + ? / - : ( ) . , ' espace."
            ),
            field="rum",
        )
    if session.scalar(select(SepaMandate.id).where(SepaMandate.rum == rum)) is not None:
        raise Conflict(_("La RUM {rum} est déjà utilisée par un autre mandat.").format(rum=rum))
    mandate = SepaMandate(
        contact_id=contact.id,
        rum=rum,
        iban=iban,
        bic=validate_bic(draft.bic, iban=iban),
        holder=(draft.holder.strip() or contact.display_name)[:70],
        signed_on=draft.signed_on,
        status=MandateStatus.ACTIVE,
    )
    session.add(mandate)
    session.flush()
    return mandate


def _next_rum(session: Session, contact_id: int) -> str:
    count = session.scalar(
        select(func.count()).select_from(SepaMandate).where(SepaMandate.contact_id == contact_id)
    )
    return f"OBOLE-{contact_id:07d}-{(count or 0) + 1}"


def get_mandate(session: Session, mandate_id: int) -> SepaMandate:
    """The mandate, or NotFound."""
    mandate = session.get(SepaMandate, mandate_id)
    if mandate is None:
        raise NotFound(_("Mandat n° {id} introuvable.").format(id=mandate_id))
    return mandate


def find_mandate(session: Session, reference: str) -> SepaMandate:
    """A mandate by its id or its RUM."""
    if reference.isdigit():
        return get_mandate(session, int(reference))
    mandate = session.scalar(select(SepaMandate).where(SepaMandate.rum == reference))
    if mandate is None:
        raise NotFound(_("Aucun mandat de RUM {rum}.").format(rum=reference))
    return mandate


def set_mandate_status(
    session: Session, mandate_id: int, status: MandateStatus, *, today: date
) -> SepaMandate:
    """Suspend, reactivate or revoke a mandate; revoking ends its plans."""
    require(session, Permission.GIFTS_WRITE)
    mandate = get_mandate(session, mandate_id)
    if mandate.status == MandateStatus.REVOKED and status != MandateStatus.REVOKED:
        raise Conflict(
            _("Un mandat révoqué ne peut pas être réactivé : faites-en signer un nouveau.")
        )
    mandate.status = status
    if status == MandateStatus.REVOKED:
        mandate.revoked_on = today
        for plan in session.scalars(
            select(RegularGiftPlan).where(
                RegularGiftPlan.mandate_id == mandate.id,
                RegularGiftPlan.status != PlanStatus.ENDED,
            )
        ):
            plan.status = PlanStatus.ENDED
            plan.ends_on = min(plan.ends_on or today, today)
    return mandate


def sequence_type(mandate: SepaMandate) -> str:
    """FRST for a mandate never collected, RCUR afterwards."""
    return FIRST if mandate.first_collected_on is None else RECURRING
