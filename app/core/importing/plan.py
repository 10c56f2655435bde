"""Dry run: every row parsed, checked and matched, with a status and the reasons
(nothing written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.contact_fields import sort_name_for
from app.core.contact_validation import check_email, check_phone
from app.core.contacts import IDENTITY_FIELDS, AddressDraft, ContactDraft, validate_draft
from app.core.dates import parse_optional_date
from app.core.erased_identities import is_erased
from app.core.importing import values
from app.core.importing.mapping import fields_for
from app.core.importing.readers import Table
from app.core.money import parse_eur
from app.errors import ValidationError
from app.i18n import _
from app.models import Campaign, Contact, ContactEmail, ErasedIdentity, Gift, PostalAddress
from app.models.enums import ContactKind, ContactStatus, PaymentMethod

NEW, UPDATE, UNCHANGED, INVALID = "new", "update", "unchanged", "invalid"


@dataclass
class RowResult:
    """One row of the file after the dry run."""

    number: int  # row number in the file (header is row 1)
    status: str
    values: dict[str, str]
    reasons: list[str] = field(default_factory=list)
    contact_id: int | None = None  # matched contact
    draft: Any = None  # ContactDraft or gift values
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    amount_cents: int = 0


@dataclass
class ImportPlan:
    """The dry run of a whole file."""

    kind: str
    table: Table
    mapping: dict[int, str]
    rows: list[RowResult]

    def count(self, status: str) -> int:
        """Rows with `status`."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def amount_read_cents(self) -> int:
        """Sum of the amounts read (gifts), whatever their status."""
        return sum(r.amount_cents for r in self.rows)

    @property
    def amount_to_import_cents(self) -> int:
        """Sum of the gifts that will be created."""
        return sum(r.amount_cents for r in self.rows if r.status == NEW)


class ContactMatcher(Protocol):
    """Finds the existing contact a row describes (the duplicate engine can stand in)."""

    def match(self, session: Session, row: dict[str, str], draft: ContactDraft) -> int | None:
        """Existing contact id, or None."""
        ...


class ExactMatcher:
    """By e-mail, then by folded name and postcode."""

    def __init__(self, session: Session) -> None:
        self.by_email = {
            e.lower(): c
            for e, c in session.execute(
                select(ContactEmail.email, ContactEmail.contact_id)
                .join(Contact)
                .where(Contact.status == ContactStatus.ACTIVE)
            )
        }
        self.by_name: dict[tuple[str, str], int] = {}
        for contact_id, sort_name, postcode in session.execute(
            select(Contact.id, Contact.sort_name, PostalAddress.postcode)
            .outerjoin(PostalAddress, PostalAddress.contact_id == Contact.id)
            .where(Contact.status == ContactStatus.ACTIVE)
        ):
            self.by_name.setdefault((sort_name, postcode or ""), contact_id)

    def match(self, session: Session, row: dict[str, str], draft: ContactDraft) -> int | None:
        """Contact id by e-mail, else by name and postcode."""
        for email in draft.emails:
            if email.lower() in self.by_email:
                return self.by_email[email.lower()]
        key = (
            sort_name_for(
                kind=str(draft.kind),
                last_name=draft.last_name,
                first_name=draft.first_name,
                organisation_name=draft.organisation_name,
            ),
            draft.address.postcode,
        )
        return self.by_name.get(key) if key[0] else None

    def remember(self, draft: ContactDraft, marker: int) -> None:
        """Make rows later in the same file match this one (no duplicate inside one import)."""
        for email in draft.emails:
            self.by_email.setdefault(email.lower(), marker)
        key = (
            sort_name_for(
                kind=str(draft.kind),
                last_name=draft.last_name,
                first_name=draft.first_name,
                organisation_name=draft.organisation_name,
            ),
            draft.address.postcode,
        )
        self.by_name.setdefault(key, marker)


class FuzzyMatcher(ExactMatcher):
    """Exact matches first, then the duplicate engine: a safe match (high score with a shared
    e-mail, phone, birth date or SIREN) counts as the same contact."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        from app.core.dedupe.incremental import SimilarityIndex

        self.index = SimilarityIndex.build(session)

    def match(self, session: Session, row: dict[str, str], draft: ContactDraft) -> int | None:
        """Contact id by e-mail, name and postcode, or a safe fuzzy match."""
        found = super().match(session, row, draft)
        if found is not None or not len(self.index):
            return found
        from app.core.dedupe.incremental import draft_person
        from app.core.dedupe.scan import SAFE_THRESHOLD

        values = {
            **row,
            "email": draft.emails[0] if draft.emails else "",
            "phone": draft.phones[0] if draft.phones else "",
            "birth_date": draft.birth_date,
            "civility": draft.civility,
            "street": draft.address.line4,
        }
        best = self.index.similar(draft_person(values), limit=1, threshold=SAFE_THRESHOLD)
        return best[0].b if best and best[0].strong_identifier else None


def _row_values(
    table: Table, mapping: dict[int, str], raw: list[str]
) -> tuple[dict[str, str], list[str]]:
    values_ = {
        field: _unneutralise(raw[i].strip() if i < len(raw) else "") for i, field in mapping.items()
    }
    reasons = []
    if len(raw) > len(table.header) and any(c.strip() for c in raw[len(table.header) :]):
        reasons.append(
            _("{n} cellule(s) de plus que d'en-têtes (ligne décalée ?)").format(
                n=len(raw) - len(table.header)
            )
        )
    return values_, reasons


def _unneutralise(cell: str) -> str:
    """Undo the apostrophe that exports put before = + - @ (formula-injection guard)."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@" else cell


def _column(table: Table, mapping: dict[int, str], field_name: str) -> str:
    for index, name in mapping.items():
        if name == field_name:
            return table.header[index]
    return field_name


def _field_of_problem(name: str) -> str:
    """'address.line4' -> 'line4', 'email0' -> 'email', 'phone1' -> 'phone2'."""
    name = name.split(".")[-1]
    if name in ("email0", "email1"):
        return "email"
    if name in ("phone0", "phone1"):
        return "phone" if name == "phone0" else "phone2"
    return name


def contact_draft(v: dict[str, str]) -> tuple[ContactDraft, list[tuple[str, str]]]:
    """A draft from a row's values, and (field, message) for values that could not be read."""
    problems: list[tuple[str, str]] = []
    civility = values.civility(v.get("civility", ""))
    if civility is None:
        problems.append(
            (
                "civility",
                _("civilité « {value} » inconnue (M., Mme, M. et Mme, Dr)").format(
                    value=v["civility"]
                ),
            )
        )
    mode = values.receipt_mode(v.get("receipt_mode", ""))
    if mode is None:
        problems.append(
            (
                "receipt_mode",
                _("reçus fiscaux « {value} » : « annuel », « par don » ou vide attendu").format(
                    value=v["receipt_mode"]
                ),
            )
        )
    try:
        birth = parse_optional_date(v.get("birth_date", ""), past=True)
    except ValidationError as exc:
        problems.append(("birth_date", str(exc)))
        birth = None
    kind = (
        ContactKind.ORGANISATION
        if v.get("organisation_name") and not v.get("last_name")
        else ContactKind.PERSON
    )
    phones = [p for p in (v.get("phone", ""), v.get("phone2", "")) if p]
    draft = ContactDraft(
        kind=kind,
        civility=civility or "",
        first_name=v.get("first_name", ""),
        last_name=v.get("last_name", ""),
        birth_name=v.get("birth_name", ""),
        organisation_name=v.get("organisation_name", ""),
        legal_form=v.get("legal_form", ""),
        siren=v.get("siren", "").replace(" ", "")[:9],
        birth_date=birth,
        emails=[v["email"]] if v.get("email") else [],
        phones=phones,
        address=AddressDraft(
            v.get("line2", ""),
            v.get("line3", ""),
            v.get("line4", ""),
            v.get("line5", ""),
            v.get("postcode", ""),
            v.get("city", ""),
            _country(v.get("country", "")),
        ),
        tags=[t for t in v.get("tags", "").split(",") if t.strip()],
        notes=v.get("notes", ""),
        receipt_mode=mode or "",
    )
    return draft, problems


def _country(text: str) -> str:
    folded = text.strip().upper()
    return {"": "FR", "FRANCE": "FR", "BELGIQUE": "BE", "SUISSE": "CH", "LUXEMBOURG": "LU"}.get(
        folded, folded[:2]
    )


def _contact_changes(
    session: Session, contact_id: int, draft: ContactDraft
) -> dict[str, tuple[Any, Any]]:
    contact = session.get(Contact, contact_id)
    if contact is None:
        return {}
    changes = {}
    for name in IDENTITY_FIELDS:
        new = getattr(draft, name)
        if new not in (None, "") and getattr(contact, name) != new:
            changes[name] = (getattr(contact, name), new)
    known = {e.email.lower() for e in contact.emails}
    for email in draft.emails:
        normalised = check_email(email).value or email
        if normalised.lower() not in known:
            changes["email"] = ("", normalised)
    known_phones = {p.number for p in contact.phones}
    for phone in draft.phones:
        number = check_phone(phone).value or phone
        if number not in known_phones:
            changes.setdefault("phone", ("", number))
    return changes


def plan_contacts(
    session: Session,
    table: Table,
    mapping: dict[int, str],
    *,
    today: date,
    matcher: ContactMatcher | None = None,
) -> ImportPlan:
    """Dry run of a contacts file."""
    exact = matcher if isinstance(matcher, ExactMatcher) else ExactMatcher(session)
    match = matcher or exact
    anyone_erased = session.scalar(select(ErasedIdentity.id).limit(1)) is not None
    results = []
    for number, raw in enumerate(table.rows, start=2):
        v, reasons = _row_values(table, mapping, raw)
        draft, problems = contact_draft(v)
        problems += [(p.field or "", str(p)) for p in validate_draft(draft, today=today)]
        messages = reasons + [
            _("ligne {row}, colonne « {column} » : {message}").format(
                row=number, column=_column(table, mapping, _field_of_problem(f)), message=m
            )
            for f, m in problems
        ]
        if messages:
            results.append(RowResult(number, INVALID, v, messages, draft=draft))
            continue
        if anyone_erased and is_erased(
            session,
            first_name=draft.first_name or draft.organisation_name,
            last_name=draft.last_name,
            birth_date=draft.birth_date,
            email=draft.emails[0] if draft.emails else "",
        ):
            results.append(
                RowResult(
                    number,
                    INVALID,
                    v,
                    [
                        _(
                            "ligne {row} : personne effacée à sa demande (RGPD), "
                            "elle ne doit pas être réimportée"
                        ).format(row=number)
                    ],
                )
            )
            continue
        contact_id = match.match(session, v, draft)
        if contact_id is not None and contact_id < 0:
            results.append(
                RowResult(
                    number,
                    UNCHANGED,
                    v,
                    [
                        _("ligne {row} : même contact qu'une ligne précédente du fichier").format(
                            row=number
                        )
                    ],
                    draft=draft,
                )
            )
            continue
        if contact_id is None:
            results.append(RowResult(number, NEW, v, draft=draft))
            exact.remember(draft, -number)
            continue
        changes = _contact_changes(session, contact_id, draft)
        results.append(
            RowResult(
                number,
                UPDATE if changes else UNCHANGED,
                v,
                contact_id=contact_id,
                draft=draft,
                changes=changes,
            )
        )
    return ImportPlan("contacts", table, mapping, results)


def plan_gifts(
    session: Session, table: Table, mapping: dict[int, str], *, today: date
) -> ImportPlan:
    """Dry run of a gifts file: donor found, values read, already-imported gifts recognised."""
    exact = ExactMatcher(session)
    campaigns = {c.code.lower(): c.id for c in session.scalars(select(Campaign))}
    campaigns.update({c.name.lower(): c.id for c in session.scalars(select(Campaign))})
    seen: set[tuple[Any, ...]] = set()
    results = []
    for number, raw in enumerate(table.rows, start=2):
        v, reasons = _row_values(table, mapping, raw)
        row = RowResult(number, INVALID, v, reasons)
        results.append(row)
        gift = _gift_values(session, table, mapping, v, row, exact, campaigns, today)
        if row.reasons or gift is None:
            continue
        key = (
            gift["contact_id"],
            gift["received_on"],
            gift["amount_cents"],
            gift["payment_method"],
            gift["cheque_number"],
            gift["bank_reference"],
        )
        if key in seen or _gift_exists(session, gift):
            row.status, row.draft = UNCHANGED, gift
            row.reasons.append(
                _(
                    "ligne {row} : don déjà présent (même donateur, date, montant, mode et "
                    "référence)"
                ).format(row=number)
            )
            continue
        seen.add(key)
        row.status, row.draft, row.contact_id = NEW, gift, gift["contact_id"]
    return ImportPlan("gifts", table, mapping, results)


def _gift_values(
    session: Session,
    table: Table,
    mapping: dict[int, str],
    v: dict[str, str],
    row: RowResult,
    exact: ExactMatcher,
    campaigns: dict[str, int],
    today: date,
) -> dict[str, Any] | None:
    def bad(field_name: str, message: str) -> None:
        row.reasons.append(
            _("ligne {row}, colonne « {column} » : {message}").format(
                row=row.number, column=_column(table, mapping, field_name), message=message
            )
        )

    amount = 0
    try:
        amount = parse_eur(v.get("amount", ""))
        row.amount_cents = amount
        if amount <= 0:
            bad(
                "amount",
                _("montant négatif ou nul « {value} » : un montant positif est attendu").format(
                    value=v.get("amount")
                ),
            )
    except ValidationError as exc:
        bad("amount", str(exc))
    received = None
    try:
        received = parse_optional_date(v.get("received_on", ""))
        if received is None:
            bad("received_on", _("date du don manquante (jj/mm/aaaa attendu)"))
        elif received > today:
            bad("received_on", _("date du don dans le futur"))
    except ValidationError as exc:
        bad("received_on", str(exc))
    method = (
        values.payment_method(v.get("payment_method", ""))
        if v.get("payment_method")
        else PaymentMethod.CHEQUE
        if v.get("cheque_number")
        else None
    )
    if method is None:
        bad(
            "payment_method",
            _(
                "mode de paiement « {value} » inconnu (chèque, espèces, virement, carte, "
                "prélèvement)"
            ).format(value=v.get("payment_method", "")),
        )
    contact_id = _gift_contact(session, v, exact)
    if contact_id is None:
        bad(
            "contact_id" if "contact_id" in mapping.values() else "email",
            _(
                "donateur introuvable : importez d'abord les contacts, ou indiquez le n° de "
                "donateur ou le courriel"
            ),
        )
    campaign_id = campaigns.get(v.get("campaign", "").lower()) if v.get("campaign") else None
    if v.get("campaign") and campaign_id is None:
        bad("campaign", _("campagne « {value} » inconnue").format(value=v["campaign"]))
    if row.reasons:
        return None
    return {
        "contact_id": contact_id,
        "received_on": received,
        "amount_cents": amount,
        "payment_method": method,
        "cheque_number": v.get("cheque_number", ""),
        "bank_reference": v.get("reference", ""),
        "campaign_id": campaign_id,
    }


def _gift_contact(session: Session, v: dict[str, str], exact: ExactMatcher) -> int | None:
    for key in ("contact_id", "obole_id"):
        if v.get(key, "").isdigit():
            contact = session.get(Contact, int(v[key]))
            if contact is not None and contact.status == ContactStatus.ACTIVE:
                return contact.id
            if contact is not None and contact.merged_into_id:
                return contact.merged_into_id
    if v.get("email") and v["email"].lower() in exact.by_email:
        found = exact.by_email[v["email"].lower()]
        return found if found > 0 else None
    name_key = (
        sort_name_for(
            kind="person" if v.get("last_name") else "organisation",
            last_name=v.get("last_name", ""),
            first_name=v.get("first_name", ""),
            organisation_name=v.get("organisation_name", ""),
        ),
        v.get("postcode", ""),
    )
    by_name = exact.by_name.get(name_key) if name_key[0] else None
    return by_name if by_name and by_name > 0 else None


def _gift_exists(session: Session, gift: dict[str, Any]) -> bool:
    query = select(Gift.id).where(
        Gift.contact_id == gift["contact_id"],
        Gift.received_on == gift["received_on"],
        Gift.amount_cents == gift["amount_cents"],
        Gift.payment_method == gift["payment_method"],
    )
    if gift["bank_reference"]:
        query = query.where(Gift.bank_reference == gift["bank_reference"])
    elif gift["cheque_number"]:
        query = query.where(Gift.cheque_number == gift["cheque_number"])
    return session.scalar(query.limit(1)) is not None


__all__ = ["ImportPlan", "RowResult", "fields_for", "plan_contacts", "plan_gifts"]
