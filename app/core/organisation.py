"""The association's identity printed on receipts: read, validate and update."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, fields, replace

from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.errors import ValidationError, raise_first
from app.i18n import N_, _
from app.models import OrganisationSettings

RNA_PATTERN = re.compile(r"^W\d{9}$")
SIREN_PATTERN = re.compile(r"^\d{9}$")
POSTCODE_PATTERN = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class OrganisationIdentity:
    """Plain copy of the organisation settings that the GUI edits."""

    name: str = ""
    siren: str = ""
    rna: str = ""
    address_line: str = ""
    address_complement: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "France"
    purpose: str = ""
    receipt_category: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    email: str = ""
    phone: str = ""
    dpo_name: str = ""
    dpo_contact: str = ""


def compact_siren(text: str) -> str:
    """ "552 100 554" or "552.100.554" -> "552100554" (python-stdnum's compact form)."""
    from stdnum.fr import siren

    return str(siren.compact(text))


def siren_is_valid(text: str) -> bool:
    """Nine digits passing the Luhn check, typed with or without spaces (python-stdnum)."""
    from stdnum.fr import siren

    return bool(SIREN_PATTERN.match(compact_siren(text))) and bool(siren.is_valid(text))


def validate(identity: OrganisationIdentity) -> list[ValidationError]:
    """Every problem with `identity`, each naming its field (empty list: valid)."""
    problems: list[ValidationError] = []

    def need(field: str, label: str) -> None:
        if not getattr(identity, field).strip():
            problems.append(
                ValidationError(
                    _("{label} : champ obligatoire.").format(label=_(label)), field=field
                )
            )

    need("name", N_("Nom de l'association"))
    need("address_line", N_("Adresse"))
    need("city", N_("Commune"))
    need("purpose", N_("Objet"))
    need("signatory_name", N_("Nom du signataire"))
    need("signatory_title", N_("Qualité du signataire"))
    if not identity.siren and not identity.rna:
        problems.append(
            ValidationError(
                _("Numéro SIREN ou RNA : l'un des deux est obligatoire sur les reçus fiscaux."),
                field="siren",
            )
        )
    if identity.siren and not siren_is_valid(identity.siren):
        problems.append(
            ValidationError(
                _(
                    "Numéro SIREN « {value} » invalide : 9 chiffres attendus, espaces permis "
                    "(ex. 552 100 554), et la clé de contrôle doit être juste."
                ).format(value=identity.siren),
                field="siren",
            )
        )
    if identity.rna and not RNA_PATTERN.match(identity.rna):
        problems.append(
            ValidationError(
                _("Numéro RNA : « W » suivi de 9 chiffres attendu (ex. W212004567)."), field="rna"
            )
        )
    if identity.postcode and not POSTCODE_PATTERN.match(identity.postcode):
        problems.append(ValidationError(_("Code postal : 5 chiffres attendus."), field="postcode"))
    if len(identity.address_line) > 38:
        problems.append(
            ValidationError(
                _("Adresse : 38 caractères au plus par ligne (norme postale)."),
                field="address_line",
            )
        )
    return problems


def load_identity(session: Session) -> OrganisationIdentity:
    """The current identity (defaults when never set)."""
    row = session.get(OrganisationSettings, 1)
    if row is None:
        return OrganisationIdentity()
    return OrganisationIdentity(
        **{f.name: getattr(row, f.name) for f in fields(OrganisationIdentity)}
    )


def save_identity(session: Session, identity: OrganisationIdentity) -> None:
    """Validate and store `identity`; raises the first ValidationError, saving nothing."""
    require(session, Permission.SETTINGS_WRITE)
    identity = replace(
        identity,
        **{f.name: str(getattr(identity, f.name)).strip() for f in fields(OrganisationIdentity)},
    )
    identity = replace(identity, siren=compact_siren(identity.siren))
    raise_first(validate(identity))
    row = session.get(OrganisationSettings, 1) or OrganisationSettings(id=1)
    for f in fields(OrganisationIdentity):
        setattr(row, f.name, getattr(identity, f.name))
    session.add(row)
    session.flush()


IMAGE_MAX_BYTES = 2_000_000
PNG, JPEG = b"\x89PNG", b"\xff\xd8\xff"


def image_readable(data: bytes) -> bool:
    """True when the picture decodes completely (as it must to be printed on receipts)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True


def set_receipt_image(session: Session, kind: str, data: bytes) -> None:
    """Store the logo or the signature printed on receipts (PNG or JPEG, at most 2 MB)."""
    require(session, Permission.SETTINGS_WRITE)
    if kind not in ("logo", "signature"):
        raise ValueError(kind)
    if not data.startswith((PNG, JPEG)):
        raise ValidationError(_("Image : un fichier PNG ou JPEG est attendu."), field=kind)
    if len(data) > IMAGE_MAX_BYTES:
        raise ValidationError(_("Image : 2 Mo au plus."), field=kind)
    if not image_readable(data):
        raise ValidationError(
            _("Image : le fichier est abîmé ou incomplet, il ne peut pas être imprimé."),
            field=kind,
        )
    row = session.get(OrganisationSettings, 1) or OrganisationSettings(id=1)
    setattr(row, "logo_image" if kind == "logo" else "signature_image", data)
    session.add(row)
    session.flush()
