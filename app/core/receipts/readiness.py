"""Is the association ready to issue receipts? The mandatory mentions that are missing.

Planning (eligibility) shows these problems in its preview and issuing refuses to start
while there are any; both import them from here, so neither imports the other.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.organisation import image_readable, load_identity, validate
from app.core.receipts.categories import CATEGORIES
from app.i18n import _
from app.models import OrganisationSettings


def organisation_problems(session: Session) -> list[str]:
    """Mandatory mentions about the association that are missing (empty: ready to issue)."""
    problems = [str(p) for p in validate(load_identity(session))]
    settings = session.get(OrganisationSettings, 1)
    if settings is None or settings.receipt_category not in CATEGORIES:
        problems.append(
            _("Catégorie de l'organisme (case du Cerfa) : à choisir dans les paramètres.")
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
