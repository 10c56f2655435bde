"""Is the association ready to issue receipts? The mandatory mentions that are missing.

Planning (eligibility) shows these problems in its preview and issuing refuses to start
while there are any; both import them from here, so neither imports the other.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.organisation import image_readable, load_identity, validate
from app.core.receipts.categories import CATEGORIES, category_problems
from app.i18n import N_, _
from app.models import OrganisationSettings

# The setting's label, named by every message that depends on it (issue #15, point 1).
HAND_SIGNATURE_SETTING = N_("Je signe les reçus à la main")


def organisation_problems(session: Session) -> list[str]:
    """Mandatory mentions about the association that are missing (empty: ready to issue)."""
    problems = [str(p) for p in validate(load_identity(session))]
    settings = session.get(OrganisationSettings, 1)
    if settings is None or settings.receipt_category not in CATEGORIES:
        problems.append(
            _("Catégorie de l'organisme (case du Cerfa) : à choisir dans les paramètres.")
        )
    else:
        # LEGAL_FR.md 0.10 and A.1: the RUP box carries its decree and JO dates; "Autres"
        # its wording.
        problems += category_problems(settings.receipt_category, settings.category_details or {})
    if settings is not None and not settings.signature_image and not settings.hand_signature:
        # LEGAL_FR.md 0.1: a legible signature, printed or stamped, on every receipt.
        problems.append(
            _(
                "Signature : choisissez l'image de la signature (griffe) dans les paramètres, "
                "ou cochez « {setting} » pour signer les reçus imprimés à la main."
            ).format(setting=_(HAND_SIGNATURE_SETTING))
        )
    for label, data in (
        (_("Logo"), settings.logo_image if settings else None),
        (_("Signature"), settings.signature_image if settings else None),
    ):
        if data and not image_readable(data):
            problems.append(
                _("{image} : l'image enregistrée est illisible, choisissez-la à nouveau.").format(
                    image=label
                )
            )
    return problems
