"""The receipt settings chosen in Settings: category details, IFI, 75 %, hand signature,
membership fees. Stored on OrganisationSettings (columns and `category_details`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.receipts.categories import (
    AGREEMENT,
    DETAIL_LABELS,
    OTHER_WORDING,
    REQUIRED_DETAILS,
    RUP_DECREE,
    RUP_JOURNAL,
)
from app.errors import Conflict, NotFound, ValidationError, raise_first
from app.i18n import _
from app.models import Contact, Gift, OrganisationSettings
from app.models.enums import GiftNature

DATE_FIELDS = {RUP_DECREE: "rup_decree_on", RUP_JOURNAL: "rup_jo_on", AGREEMENT: "agreement_on"}


@dataclass(frozen=True)
class ReceiptSettings:
    """Plain copy of the receipt settings the Settings page edits (dates as typed:
    "JJ/MM/AAAA" or ISO)."""

    rup_decree_on: str = ""
    rup_jo_on: str = ""
    agreement_on: str = ""
    other_wording: str = ""
    ifi_eligible: bool = False  # art. 978 (LEGAL_FR.md A.6): only some organisations
    applies_75_percent: bool = False  # art. 200-1 ter (LEGAL_FR.md A.6, 0.6)
    hand_signature: bool = False  # LEGAL_FR.md 0.1
    membership_fees: bool = False  # LEGAL_FR.md A.5: fees without any counterpart


def parse_day(text: str) -> date | None:
    """A date typed as "JJ/MM/AAAA" or "AAAA-MM-JJ" (None when empty or invalid)."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def validate_receipt_settings(category: str, settings: ReceiptSettings) -> list[ValidationError]:
    """Every problem, naming its field: dates must be dates, and the chosen category's
    required details must be present (LEGAL_FR.md 0.10, A.1)."""
    problems = []
    for key, name in DATE_FIELDS.items():
        value = getattr(settings, name).strip()
        if value and parse_day(value) is None:
            problems.append(
                ValidationError(
                    _("{label} : date JJ/MM/AAAA attendue.").format(label=_(DETAIL_LABELS[key])),
                    field=name,
                )
            )
    for key in REQUIRED_DETAILS.get(category, ()):
        name = DATE_FIELDS.get(key, "other_wording")
        if not getattr(settings, name).strip():
            problems.append(
                ValidationError(
                    _("{label} : obligatoire pour cette catégorie.").format(
                        label=_(DETAIL_LABELS[key])
                    ),
                    field=name,
                )
            )
    return problems


def load_receipt_settings(session: Session) -> ReceiptSettings:
    """The stored receipt settings (defaults when never set)."""
    row = session.get(OrganisationSettings, 1)
    if row is None:
        return ReceiptSettings()
    details = row.category_details or {}

    def day(key: str) -> str:
        parsed = parse_day(str(details.get(key, "")))
        return parsed.strftime("%d/%m/%Y") if parsed else ""

    return ReceiptSettings(
        rup_decree_on=day(RUP_DECREE),
        rup_jo_on=day(RUP_JOURNAL),
        agreement_on=day(AGREEMENT),
        other_wording=str(details.get(OTHER_WORDING, "")),
        ifi_eligible=bool(details.get("ifi_eligible", False)),
        applies_75_percent=bool(row.applies_75_percent),
        hand_signature=bool(row.hand_signature),
        membership_fees=bool(row.receipt_membership_fees),
    )


def save_receipt_settings(session: Session, settings: ReceiptSettings) -> None:
    """Validate and store; raises the first ValidationError, saving nothing."""
    require(session, Permission.SETTINGS_WRITE)
    row = session.get(OrganisationSettings, 1) or OrganisationSettings(id=1)
    raise_first(validate_receipt_settings(row.receipt_category or "", settings))
    details = dict(row.category_details or {})
    for key, name in DATE_FIELDS.items():
        parsed = parse_day(getattr(settings, name))
        details[key] = parsed.isoformat() if parsed else ""
    details[OTHER_WORDING] = settings.other_wording.strip()
    details["ifi_eligible"] = settings.ifi_eligible
    row.category_details = details
    row.applies_75_percent = settings.applies_75_percent
    row.hand_signature = settings.hand_signature
    row.receipt_membership_fees = settings.membership_fees
    session.add(row)
    session.flush()


def record_waiver(session: Session, gift_id: int, *, signed_on: date, reference: str) -> Gift:
    """Record the volunteer's express written waiver of the reimbursement of an expense gift
    (LEGAL_FR.md 0.4 and A.5: "je soussigné ... certifie renoncer au remboursement ...")."""
    require(session, Permission.GIFTS_WRITE)
    gift = session.get(Gift, gift_id)
    if gift is None:
        raise NotFound(_("Don {id} introuvable.").format(id=gift_id))
    if gift.nature != GiftNature.WAIVED_EXPENSES:
        raise ValidationError(
            _(
                "Don {id} : la renonciation ne concerne que les frais de bénévoles abandonnés."
            ).format(id=gift_id),
            field="nature",
        )
    if not reference.strip():
        raise ValidationError(
            _("Référence de la lettre de renonciation : champ obligatoire."), field="reference"
        )
    if gift.receipt_id is not None:  # locked by a valid receipt
        raise Conflict(_("Don {id} : déjà porté sur un reçu émis.").format(id=gift_id))
    gift.waiver_signed_on = signed_on
    gift.waiver_reference = reference.strip()
    session.flush()
    return gift


def set_fiscal_year_end(session: Session, contact_id: int, text: str) -> str:
    """Store a company's financial-year end typed as "JJ/MM" (empty: 31/12); returns "MM-DD"
    as stored (LEGAL_FR.md B, note 5)."""
    require(session, Permission.CONTACTS_WRITE)
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    value = ""
    if text.strip() and text.strip() not in ("31/12", "12-31"):
        try:
            parsed = datetime.strptime(text.strip() + "/2024", "%d/%m/%Y").date()  # leap year
        except ValueError:
            raise ValidationError(
                _("Fin d'exercice « {value} » : JJ/MM attendu (ex. 30/06).").format(value=text),
                field="fiscal_year_end",
            ) from None
        value = parsed.strftime("%m-%d")
    contact.fiscal_year_end = value
    session.flush()
    return value
