"""Factories for receipt tests: an association ready to issue, donors and gifts."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.core.organisation import OrganisationIdentity, save_identity
from app.models import Contact, Gift, OrganisationSettings
from app.models.enums import GiftNature, PaymentMethod
from tests.factories import make_contact, make_gift, make_org


def ready_association(session: Session) -> None:
    """Organisation settings with every mandatory mention."""
    save_identity(
        session,
        OrganisationIdentity(
            name="Les Amis du Moulin",
            rna="W212004567",
            address_line="2 rue du Moulin",
            postcode="21000",
            city="Dijon",
            purpose="Sauvegarde du moulin (caractère culturel)",
            signatory_name="Anne Petit",
            signatory_title="Présidente",
        ),
    )
    settings = session.get(OrganisationSettings, 1)
    assert settings is not None
    settings.receipt_category = "interet_general_association_1901"
    # LEGAL_FR.md 0.1: every receipt carries the signature (printed image or by hand).
    settings.signature_image = signature_png()
    session.flush()


def signature_png() -> bytes:
    """A small signature image (PNG)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (200, 80), "white")
    ImageDraw.Draw(image).line([(10, 60), (60, 20), (110, 60), (190, 15)], fill="navy", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def donor(
    session: Session, name: str = "Dupont", *, company: bool = False, address: bool = True
) -> Contact:
    """A donor with a complete postal address (tests/factories.py, receipts' presets)."""
    if company:
        return make_org(session, f"{name} SARL", address=address)
    return make_contact(
        session,
        name,
        civility="Mme",
        first_name="Hélène",
        address=address,
        line4="3 rue de l'Église",
    )


def gift(
    session: Session,
    contact: Contact,
    day: date,
    cents: int,
    *,
    method: PaymentMethod = PaymentMethod.CHEQUE,
    nature: GiftNature = GiftNature.CASH,
    counterpart: int = 0,
    description: str = "",
) -> Gift:
    """A receiptable gift (tests/factories.py make_gift, paid by a numbered cheque)."""
    return make_gift(
        session,
        contact,
        day,
        cents,
        method=method,
        nature=nature,
        counterpart_cents=counterpart,
        in_kind_description=description,
        cheque_number="123",
    )
