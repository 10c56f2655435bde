"""Contacts: validate a draft typed in the form, then create or update in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.contacts.fields import refresh_derived_fields
from app.core.contacts.postal import AddressParts, address_problems, recipient_line
from app.core.contacts.validation import check_email, check_phone
from app.core.infrastructure.permissions import Permission, require
from app.core.organisation import compact_siren, siren_is_valid
from app.errors import Conflict, NotFound, ValidationError, raise_first
from app.i18n import N_, _
from app.models import Contact, ContactEmail, ContactPhone, PostalAddress, Tag
from app.models.enums import ContactKind, ContactStatus, ReceiptMode

# The scalar fields of a contact the form edits (form, merge choices, import updates,
# data export).
IDENTITY_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "birth_name",
    "organisation_name",
    "legal_form",
    "siren",
    "birth_date",
    "notes",
    "receipt_mode",
)
RECEIPT_MODES = ("", *(mode.value for mode in ReceiptMode))
RECEIPT_MODE_LABELS = {
    "": N_("Selon l'émission (annuelle ou par don)"),
    ReceiptMode.ANNUAL.value: N_("Un reçu annuel"),
    ReceiptMode.PER_GIFT.value: N_("Un reçu par don"),
}


@dataclass
class AddressDraft:
    """The address fields of the form."""

    line2: str = ""
    line3: str = ""
    line4: str = ""
    line5: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    npai: bool = False
    npai_on: date | None = None

    @property
    def is_empty(self) -> bool:
        """True when no address field was typed."""
        return not any((self.line2, self.line3, self.line4, self.line5, self.postcode, self.city))


@dataclass
class ContactDraft:
    """Everything the contact form edits (plain data)."""

    kind: ContactKind = ContactKind.PERSON
    civility: str = ""
    first_name: str = ""
    last_name: str = ""
    birth_name: str = ""
    organisation_name: str = ""
    legal_form: str = ""
    siren: str = ""
    birth_date: date | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: AddressDraft = field(default_factory=AddressDraft)
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    receipt_mode: str = ""  # "" (as the batch says), "annual" or "per_gift"

    def recipient(self) -> str:
        """Line 1 of the postal block."""
        return recipient_line(
            civility=self.civility,
            first_name=self.first_name,
            last_name=self.last_name,
            organisation_name=self.organisation_name
            if self.kind == ContactKind.ORGANISATION
            else "",
        )

    def address_parts(self) -> AddressParts:
        """The address as the postal module sees it."""
        a = self.address
        return AddressParts(
            self.recipient(), a.line2, a.line3, a.line4, a.line5, a.postcode, a.city, a.country
        )


def _strip(draft: ContactDraft) -> ContactDraft:
    for name in (
        "civility",
        "first_name",
        "last_name",
        "birth_name",
        "organisation_name",
        "legal_form",
        "siren",
        "notes",
        "receipt_mode",
    ):
        setattr(draft, name, getattr(draft, name).strip())
    draft.siren = compact_siren(draft.siren)
    draft.emails = [e.strip() for e in draft.emails if e.strip()]
    draft.phones = [p.strip() for p in draft.phones if p.strip()]
    draft.tags = sorted({t.strip() for t in draft.tags if t.strip()})
    return draft


NAME_LIMITS = {
    "civility": N_("Civilité"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom"),
    "birth_name": N_("Nom de naissance"),
    "organisation_name": N_("Raison sociale"),
    "legal_form": N_("Forme juridique"),
}


def validate_draft(draft: ContactDraft, *, today: date | None = None) -> list[ValidationError]:
    """Every problem of the draft, each naming its field (empty list: it can be saved)."""
    draft = _strip(draft)
    problems: list[ValidationError] = []
    if draft.kind == ContactKind.ORGANISATION:
        if not draft.organisation_name:
            problems.append(
                ValidationError(_("Raison sociale : champ obligatoire."), field="organisation_name")
            )
        if draft.siren and not siren_is_valid(draft.siren):
            problems.append(
                ValidationError(
                    _("Numéro SIREN : 9 chiffres attendus (clé de contrôle invalide)."),
                    field="siren",
                )
            )
    elif not draft.last_name:
        problems.append(ValidationError(_("Nom : champ obligatoire."), field="last_name"))
    # The stored identity's own limits (the 38-character postal rule applies to labels only,
    # LEGAL_FR.md 0.9: a long name is kept in full and printed in full on tax receipts).
    for name, label in NAME_LIMITS.items():
        limit = int(getattr(Contact.__table__.c[name].type, "length", 0) or 0)
        if len(getattr(draft, name)) > limit:
            problems.append(
                ValidationError(
                    _("{label} : {limit} caractères au plus.").format(label=_(label), limit=limit),
                    field=name,
                )
            )
    if draft.receipt_mode not in RECEIPT_MODES:
        problems.append(
            ValidationError(
                _("Reçus fiscaux : « annual » (un par an), « per_gift » (un par don) ou vide."),
                field="receipt_mode",
            )
        )
    if draft.birth_date and today and draft.birth_date > today:
        problems.append(ValidationError(_("Date de naissance dans le futur."), field="birth_date"))
    for index, email in enumerate(draft.emails):
        checked = check_email(email)
        if not checked.ok:
            problems.append(ValidationError(checked.error or "", field=f"email{index}"))
    for index, phone in enumerate(draft.phones):
        checked = check_phone(phone)
        if not checked.ok:
            problems.append(ValidationError(checked.error or "", field=f"phone{index}"))
    if not draft.address.is_empty:
        for problem in address_problems(draft.address_parts()):
            problems.append(ValidationError(problem.message, field=f"address.{problem.field}"))
    return problems


def apply_draft(session: Session, contact: Contact, draft: ContactDraft, today: date) -> None:
    """Copy a validated draft onto a contact (the one place that maps form fields to rows)."""
    for name in ("kind", *IDENTITY_FIELDS):
        setattr(contact, name, getattr(draft, name))
    emails = [check_email(e).value or e for e in draft.emails]
    _sync_values(contact.emails, emails, "email", lambda v, i: ContactEmail(email=v, position=i))
    phones = [check_phone(p).value or p for p in draft.phones]
    _sync_values(contact.phones, phones, "number", lambda v, i: ContactPhone(number=v, position=i))
    _apply_address(contact, draft.address, today)
    contact.tags = [_tag(session, name) for name in draft.tags]
    refresh_derived_fields(contact)


def _sync_values(items: list, values: list[str], attr: str, make) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Keep existing rows whose value is still there (so the journal shows real changes)."""
    kept = {getattr(item, attr): item for item in items}
    new_items = []
    for position, value in enumerate(dict.fromkeys(values)):
        item = kept.pop(value, None) or make(value, position)
        item.position = position
        new_items.append(item)
    items[:] = new_items


def _apply_address(contact: Contact, draft: AddressDraft, today: date) -> None:
    address = contact.primary_address
    if draft.is_empty:
        if address is not None:
            contact.addresses.remove(address)
        return
    if address is None:
        address = PostalAddress(is_primary=True)
        contact.addresses.append(address)
    for name in ("line2", "line3", "line4", "line5", "postcode", "city"):
        setattr(address, name, getattr(draft, name).strip())
    address.country = (draft.country or "FR").upper()
    if draft.npai and not address.npai:
        address.npai_on = draft.npai_on or today
    if not draft.npai:
        address.npai_on = None
    address.npai = draft.npai


def _tag(session: Session, name: str) -> Tag:
    tag = session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
    return tag


def create_contact(session: Session, draft: ContactDraft, *, today: date) -> Contact:
    """Validate and insert a new contact; raises the first ValidationError, saving nothing."""
    require(session, Permission.CONTACTS_WRITE)
    raise_first(validate_draft(draft, today=today))
    contact = Contact()
    session.add(contact)
    apply_draft(session, contact, draft, today)
    session.flush()
    return contact


def get_contact(session: Session, contact_id: int) -> Contact:
    """The contact, or NotFound."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.status == ContactStatus.MERGED:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    return contact


def update_contact(
    session: Session, contact_id: int, draft: ContactDraft, *, today: date
) -> Contact:
    """Validate and save changes to an existing contact."""
    require(session, Permission.CONTACTS_WRITE)
    contact = get_contact(session, contact_id)
    if contact.status == ContactStatus.ANONYMISED:
        raise Conflict(_("Ce contact a été anonymisé : il ne peut plus être modifié."))
    raise_first(validate_draft(draft, today=today))
    apply_draft(session, contact, draft, today)
    session.flush()
    return contact


def draft_from_contact(contact: Contact) -> ContactDraft:
    """The form's view of a stored contact."""
    address = contact.primary_address
    address_draft = (
        AddressDraft()
        if address is None
        else AddressDraft(
            address.line2,
            address.line3,
            address.line4,
            address.line5,
            address.postcode,
            address.city,
            address.country,
            address.npai,
            address.npai_on,
        )
    )
    return ContactDraft(
        kind=contact.kind,
        **{name: getattr(contact, name) for name in IDENTITY_FIELDS},
        emails=[e.email for e in contact.emails],
        phones=[p.number for p in contact.phones],
        address=address_draft,
        tags=[t.name for t in contact.tags],
    )


def all_tags(session: Session) -> list[tuple[int, str]]:
    """Every tag (id, name), sorted by name."""
    return [(r.id, r.name) for r in session.execute(select(Tag.id, Tag.name).order_by(Tag.name))]
