"""Dry run: every row parsed, checked and matched, with a status and the reasons
(nothing written)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.contacts.editing import IDENTITY_FIELDS, AddressDraft, ContactDraft, validate_draft
from app.core.contacts.fields import sort_name_for
from app.core.contacts.postal import AddressProblem, address_problems
from app.core.contacts.validation import check_email, check_phone
from app.core.dates import parse_optional_date
from app.core.gdpr.erased_identities import is_erased
from app.core.importing import values
from app.core.importing.countries import country_code
from app.core.importing.mapping import fields_for
from app.core.importing.readers import MAX_CELL, Table, column_name
from app.core.money import parse_eur
from app.core.text import fold
from app.errors import ValidationError
from app.i18n import _
from app.models import (
    Campaign,
    Contact,
    ContactEmail,
    ContactPhone,
    ErasedIdentity,
    Gift,
    PostalAddress,
)
from app.models.enums import ContactKind, ContactStatus, PaymentMethod

NEW, UPDATE, UNCHANGED, INVALID = "new", "update", "unchanged", "invalid"
FOLDED = "folded"  # same person as an earlier row of the file: its values join that row's
MIN_YEAR = 1900  # a birth or gift date before this is a typing error
MIN_NAME_SIMILARITY = 80.0  # two first (or last) names below this are different people
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FOUR_DIGIT_POSTCODE = re.compile(r"^\d{4}$")
FIELD_WIDTHS = {  # the columns' sizes (app/models): a longer value is refused, never cut
    "civility": 16,
    "first_name": 100,
    "last_name": 100,
    "birth_name": 100,
    "organisation_name": 200,
    "legal_form": 60,
    "line2": 100,
    "line3": 100,
    "line4": 100,
    "line5": 100,
    "postcode": 20,
    "city": 100,
    "email": 254,
    "phone": 40,
    "phone2": 40,
}


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
    # Not blocking: incomplete address kept as typed, possible duplicate, values folded in.
    warnings: list[str] = field(default_factory=list)
    duplicate_of: list[int] = field(default_factory=list)  # existing contacts to review
    duplicate_rows: list[int] = field(default_factory=list)  # earlier rows of the file, too
    extra_addresses: list[AddressDraft] = field(default_factory=list)  # folded rows' addresses
    folded_into: int | None = None  # FOLDED: the row number it joined
    address_incomplete: bool = False


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

    @property
    def addresses_changed(self) -> int:
        """Existing contacts whose address the import replaces (the old one kept in history)."""
        return sum(1 for r in self.rows if r.status == UPDATE and "address" in r.changes)

    @property
    def incomplete_addresses(self) -> int:
        """Rows imported with an address kept as typed but not mailable."""
        return sum(1 for r in self.rows if r.address_incomplete and r.status != INVALID)

    @property
    def possible_duplicates(self) -> int:
        """New contacts that resemble an existing one or an earlier row (to review, never
        folded)."""
        return sum(1 for r in self.rows if r.status == NEW and (r.duplicate_of or r.duplicate_rows))


class ContactMatcher(Protocol):
    """Finds existing contacts that resemble a row (suggestions only, never a silent fold)."""

    def similar(self, session: Session, row: dict[str, str], draft: ContactDraft) -> list[int]:
        """Existing contact ids that may be the same person."""
        ...


def _phone_key(text: str) -> str:
    return check_phone(text).value or text.strip()


class ExactMatcher:
    """Strong identifiers (e-mail, phone, Obole number) and folded name + postcode.

    Only a strong identifier may match a row to a contact; name + postcode only suggests.
    Markers below zero stand for earlier rows of the same file (minus their row number).
    """

    def __init__(self, session: Session) -> None:
        active = Contact.status == ContactStatus.ACTIVE
        self.by_email = {
            e.lower(): c
            for e, c in session.execute(
                select(ContactEmail.email, ContactEmail.contact_id).join(Contact).where(active)
            )
        }
        self.by_phone = {
            n: c
            for n, c in session.execute(
                select(ContactPhone.number, ContactPhone.contact_id).join(Contact).where(active)
            )
        }
        self.by_name: dict[tuple[str, str], int] = {}
        self.all_by_name: dict[tuple[str, str], list[int]] = {}
        for contact_id, sort_name, postcode in session.execute(
            select(Contact.id, Contact.sort_name, PostalAddress.postcode)
            .outerjoin(PostalAddress, PostalAddress.contact_id == Contact.id)
            .where(active)
        ):
            self.by_name.setdefault((sort_name, postcode or ""), contact_id)
            self.all_by_name.setdefault((sort_name, postcode or ""), []).append(contact_id)

    def strong(self, session: Session, row: dict[str, str], draft: ContactDraft) -> dict[int, str]:
        """Contacts (or earlier rows) sharing a strong identifier -> which identifier."""
        found: dict[int, str] = {}
        obole_id = row.get("obole_id", "").strip()
        if obole_id.isdigit():
            contact = session.get(Contact, int(obole_id))
            if contact is not None and contact.status == ContactStatus.ACTIVE:
                found[contact.id] = _("n° Obole")
        for email in draft.emails:
            if (hit := self.by_email.get(_email_key(email))) is not None:
                found.setdefault(hit, _("courriel"))
        for phone in draft.phones:
            if (hit := self.by_phone.get(_phone_key(phone))) is not None:
                found.setdefault(hit, _("téléphone"))
        return found

    def same_name(self, draft: ContactDraft) -> list[int]:
        """Contacts and earlier rows with the same folded name and postcode."""
        return list(self.all_by_name.get(_name_key(draft), []))

    def remember(self, draft: ContactDraft, marker: int) -> None:
        """Make rows later in the same file find this one."""
        for email in draft.emails:
            self.by_email.setdefault(_email_key(email), marker)
        for phone in draft.phones:
            self.by_phone.setdefault(_phone_key(phone), marker)
        key = _name_key(draft)
        self.by_name.setdefault(key, marker)
        self.all_by_name.setdefault(key, []).append(marker)


def _email_key(email: str) -> str:
    return (check_email(email).value or email).strip().lower()


def _name_key(draft: ContactDraft) -> tuple[str, str]:
    return (
        sort_name_for(
            kind=str(draft.kind),
            last_name=draft.last_name,
            first_name=draft.first_name,
            organisation_name=draft.organisation_name,
        ),
        draft.address.postcode,
    )


class FuzzyMatcher:
    """The duplicate engine's similar contacts: suggestions for review, never a match."""

    def __init__(self, session: Session) -> None:
        from app.core.dedupe.incremental import SimilarityIndex

        self.index = SimilarityIndex.build(session)

    def similar(self, session: Session, row: dict[str, str], draft: ContactDraft) -> list[int]:
        """Existing contacts the engine scores above its suggestion threshold."""
        if not len(self.index):
            return []
        from app.core.dedupe.incremental import draft_person
        from app.core.dedupe.scan import SUGGESTION_THRESHOLD

        values = {
            **row,
            "email": draft.emails[0] if draft.emails else "",
            "phone": draft.phones[0] if draft.phones else "",
            "birth_date": draft.birth_date,
            "civility": draft.civility,
            "street": draft.address.line4,
        }
        found = self.index.similar(draft_person(values), limit=3, threshold=SUGGESTION_THRESHOLD)
        return [pair.b for pair in found]


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


def _row_problems(table: Table, mapping: dict[int, str], index: int, raw: list[str]) -> list[str]:
    """Cells over the size limit and control characters (NUL...), each with row and column."""
    number = index + 2
    problems = [
        _(
            "ligne {row}, colonne « {column} » : cellule de {n} caractères ({max} au plus), "
            "non tronquée : ligne rejetée"
        ).format(row=number, column=column_name(table.header, column), n=length, max=MAX_CELL)
        for column, length in table.oversized.get(index, [])
    ]
    for column in mapping:
        if column < len(raw) and CONTROL_CHARS.search(raw[column]):
            problems.append(
                _(
                    "ligne {row}, colonne « {column} » : caractère de contrôle (NUL, U+{code:04X}) "
                    "dans le texte"
                ).format(
                    row=number,
                    column=column_name(table.header, column),
                    code=ord(CONTROL_CHARS.search(raw[column]).group()),  # type: ignore[union-attr]
                )
            )
    return problems


def _unneutralise(cell: str) -> str:
    """Undo the apostrophe that exports put before = + - @ (formula-injection guard)."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r" else cell


def _column(table: Table, mapping: dict[int, str], field_name: str) -> str:
    for index, name in mapping.items():
        if name == field_name:
            return table.header[index]
    from app.core.importing.mapping import CONTACT_FIELDS, GIFT_FIELDS

    label = CONTACT_FIELDS.get(field_name) or GIFT_FIELDS.get(field_name)
    return _(label) if label else field_name  # the user's words, never "line4"


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
        if birth is not None and birth.year < MIN_YEAR:
            problems.append(
                (
                    "birth_date",
                    _("date de naissance « {value} » invraisemblable (avant {year})").format(
                        value=v.get("birth_date"), year=MIN_YEAR
                    ),
                )
            )
    except ValidationError as exc:
        problems.append(("birth_date", str(exc)))
        birth = None
    kind = (
        ContactKind.ORGANISATION
        if v.get("organisation_name") and not v.get("last_name")
        else ContactKind.PERSON
    )
    phones = [p for p in (v.get("phone", ""), v.get("phone2", "")) if p]
    country = _country(v.get("country", ""), v.get("postcode", ""))
    if country is None:
        problems.append(
            (
                "country",
                _("pays « {value} » inconnu (nom ou code ISO attendu : France, BE...)").format(
                    value=v.get("country", "")
                ),
            )
        )
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
            country or "",
        ),
        tags=[t for t in v.get("tags", "").split(",") if t.strip()],
        notes=v.get("notes", ""),
        receipt_mode=mode or "",
    )
    return draft, problems


def _country(text: str, postcode: str) -> str | None:
    """ISO code of the country cell; without one, France unless a 4-digit postcode says abroad
    ("" then: foreign, country unknown, the address is kept and flagged incomplete)."""
    if text.strip():
        return country_code(text)
    return "" if FOUR_DIGIT_POSTCODE.match(postcode.strip()) else "FR"


def _too_long(v: dict[str, str]) -> list[tuple[str, str]]:
    """Values that do not fit their column: refused with the size, never cut."""
    return [
        (
            name,
            _("{n} caractères : {max} au plus pour ce champ").format(
                n=len(v[name]), max=FIELD_WIDTHS[name]
            ),
        )
        for name in FIELD_WIDTHS
        if len(v.get(name, "")) > FIELD_WIDTHS[name]
    ]


def _identifiable(draft: ContactDraft) -> bool:
    return any(
        (draft.last_name, draft.organisation_name, draft.first_name, draft.emails, draft.phones)
    )


def _blocking(problem: ValidationError, draft: ContactDraft) -> bool:
    """Address problems never reject a row; a missing name only when nothing else identifies."""
    name = problem.field or ""
    if name.startswith("address."):
        return False
    return not (name in ("last_name", "organisation_name") and _identifiable(draft))


def _address_warnings(number: int, draft: ContactDraft) -> list[str]:
    if draft.address.is_empty:
        return []
    problems = address_problems(draft.address_parts())
    if not draft.address.country:
        problems.append(
            AddressProblem(
                "country",
                _(
                    "code postal à 4 chiffres sans pays : adresse étrangère (ou zéro initial "
                    "perdu par le tableur ?), pays à compléter"
                ),
            )
        )
    return [
        _(
            "ligne {row} : adresse gardée telle quelle mais incomplète, non postable : {problem}"
        ).format(row=number, problem=p.message)
        for p in problems
    ]


def _names_differ(a: str, b: str) -> bool:
    a, b = fold(a), fold(b)
    if not a or not b or a == b:
        return False
    if len(a) == 1 or len(b) == 1:  # an initial
        return a[0] != b[0]
    return fuzz.ratio(a, b) < MIN_NAME_SIMILARITY


def _conflicts(existing: Any, draft: ContactDraft) -> list[str]:
    """Identifiers that say these are two people (`existing`: a Contact or an earlier draft)."""
    found = []
    if existing.birth_date and draft.birth_date and existing.birth_date != draft.birth_date:
        found.append(_("date de naissance"))
    if existing.siren and draft.siren and existing.siren != draft.siren:
        found.append(_("SIREN"))
    if str(existing.kind) != str(draft.kind):
        found.append(_("personne ou organisation"))
    if _names_differ(existing.first_name, draft.first_name):
        found.append(_("prénom"))
    if _names_differ(existing.last_name, draft.last_name) and _names_differ(
        existing.birth_name or existing.last_name, draft.last_name
    ):
        found.append(_("nom"))
    if _names_differ(existing.organisation_name, draft.organisation_name):
        found.append(_("raison sociale"))
    return found


def _numbers_differ(earlier: RowResult, row: RowResult) -> bool:
    """Two rows of one file with different Obole numbers: two contacts of the database the
    file came from (a duplicate there is merged in the duplicates screen, field by field and
    undoably, not folded by the import)."""
    numbers = (earlier.values.get("obole_id", "").strip(), row.values.get("obole_id", "").strip())
    return all(numbers) and numbers[0] != numbers[1]


def _address_text(a: Any) -> str:
    return " ".join(
        fold(getattr(a, n) or "") for n in ("line2", "line3", "line4", "line5", "postcode", "city")
    ).strip() + ("" if (a.country or "FR") == "FR" else " " + a.country)


def _address_label(a: Any) -> str:
    return ", ".join(
        p
        for p in (a.line2, a.line3, a.line4, a.line5, f"{a.postcode} {a.city}".strip(), a.country)
        if p and p != "FR"
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
    old = contact.primary_address
    if not draft.address.is_empty and (
        old is None or _address_text(old) != _address_text(draft.address)
    ):
        changes["address"] = (_address_label(old) if old else "", _address_label(draft.address))
    return changes


def _fold_into(earlier: RowResult, row: RowResult, how: str) -> None:
    """An earlier row of the file is the same person: keep this row's differing values there."""
    target, draft = earlier.draft, row.draft
    kept = []
    for email in draft.emails:
        if _email_key(email) not in {_email_key(e) for e in target.emails}:
            target.emails.append(email)
            kept.append(email)
    for phone in draft.phones:
        if _phone_key(phone) not in {_phone_key(p) for p in target.phones}:
            target.phones.append(phone)
            kept.append(phone)
    for name in ("birth_date", "siren", "birth_name", "civility", "first_name"):
        if not getattr(target, name) and getattr(draft, name):
            setattr(target, name, getattr(draft, name))
            kept.append(str(getattr(draft, name)))
    if not draft.address.is_empty and all(
        _address_text(a) != _address_text(draft.address)
        for a in [target.address, *earlier.extra_addresses]
    ):
        if target.address.is_empty:
            target.address = draft.address
        else:
            earlier.extra_addresses.append(draft.address)
        kept.append(_address_label(draft.address))
    row.status, row.folded_into = FOLDED, earlier.number
    row.reasons.append(
        _("ligne {row} regroupée avec la ligne {earlier} (même {how}){kept}").format(
            row=row.number,
            earlier=earlier.number,
            how=how,
            kept=_(" ; valeurs ajoutées : {values}").format(values=", ".join(kept)) if kept else "",
        )
    )


def plan_contacts(
    session: Session,
    table: Table,
    mapping: dict[int, str],
    *,
    today: date,
    matcher: ContactMatcher | None = None,
) -> ImportPlan:
    """Dry run of a contacts file: nothing lost (partial addresses kept), nothing folded on a
    name alone or against a conflicting identifier."""
    exact = ExactMatcher(session)
    anyone_erased = session.scalar(select(ErasedIdentity.id).limit(1)) is not None
    results: list[RowResult] = []
    by_number: dict[int, RowResult] = {}
    for index, raw in enumerate(table.rows):
        number = index + 2
        v, reasons = _row_values(table, mapping, raw)
        reasons += _row_problems(table, mapping, index, raw)
        draft, problems = contact_draft(v)
        problems += [
            (p.field or "", str(p))
            for p in validate_draft(draft, today=today)
            if _blocking(p, draft)
        ]
        problems += _too_long(v)
        if not _identifiable(draft):
            problems.append(
                ("last_name", _("rien n'identifie une personne (nom, courriel, téléphone)"))
            )
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
            message = _(
                "ligne {row} : personne effacée à sa demande (RGPD), elle ne doit pas être "
                "réimportée"
            ).format(row=number)
            results.append(RowResult(number, INVALID, v, [message]))
            continue
        row = RowResult(number, NEW, v, draft=draft)
        row.warnings = _address_warnings(number, draft)
        row.address_incomplete = bool(row.warnings)
        results.append(row)
        by_number[number] = row
        _match_row(session, exact, matcher, row, by_number)
    return ImportPlan("contacts", table, mapping, results)


def _match_row(
    session: Session,
    exact: ExactMatcher,
    matcher: ContactMatcher | None,
    row: RowResult,
    by_number: dict[int, RowResult],
) -> None:
    """Existing contact (strong identifier, no conflict), an earlier row, or new + suggestions."""
    draft = row.draft
    strong = exact.strong(session, row.values, draft)
    if len(strong) == 1:
        ((found, how),) = strong.items()
        existing = by_number[-found].draft if found < 0 else session.get(Contact, found)
        conflicts = _conflicts(existing, draft)
        if found < 0 and _numbers_differ(by_number[-found], row):
            conflicts.append(_("n° Obole"))
        if not conflicts:
            if found < 0:
                _fold_into(by_number[-found], row, how)
                return
            row.contact_id = found
            row.changes = _contact_changes(session, found, draft)
            row.status = UPDATE if row.changes else UNCHANGED
            if row.changes:
                row.warnings.append(
                    _("ligne {row} : contact n° {id} reconnu par son {how}, mis à jour").format(
                        row=row.number, id=found, how=how
                    )
                )
            return
        row.warnings.append(
            _(
                "ligne {row} : même {how} que {who} mais {fields} différent(s) : contact séparé, "
                "doublon possible à examiner"
            ).format(
                row=row.number,
                how=how,
                who=_who(found),
                fields=", ".join(conflicts),
            )
        )
    elif len(strong) > 1:
        row.warnings.append(
            _(
                "ligne {row} : ses identifiants désignent plusieurs contacts ({who}) : contact "
                "séparé, doublon possible à examiner"
            ).format(row=row.number, who=", ".join(_who(c) for c in strong))
        )
    suggestions = [*strong, *exact.same_name(draft)]
    if matcher is not None:
        suggestions += matcher.similar(session, row.values, draft)
    row.duplicate_of = [c for c in dict.fromkeys(suggestions) if c > 0]
    earlier = [-c for c in dict.fromkeys(suggestions) if c < 0]
    row.duplicate_rows = earlier
    if (row.duplicate_of or earlier) and not strong:
        row.warnings.append(
            _(
                "ligne {row} : ressemble à {who} (nom, adresse) : créé à part, doublon à examiner"
            ).format(
                row=row.number,
                who=", ".join(_who(c) for c in [*row.duplicate_of, *(-e for e in earlier)]),
            )
        )
    exact.remember(draft, -row.number)


def _who(marker: int) -> str:
    return (
        _("la ligne {row}").format(row=-marker)
        if marker < 0
        else _("le contact n° {id}").format(id=marker)
    )


def plan_gifts(
    session: Session, table: Table, mapping: dict[int, str], *, today: date
) -> ImportPlan:
    """Dry run of a gifts file: donor found, values read, already-imported gifts recognised."""
    exact = ExactMatcher(session)
    campaigns = {c.code.lower(): c.id for c in session.scalars(select(Campaign))}
    campaigns.update({c.name.lower(): c.id for c in session.scalars(select(Campaign))})
    seen: set[tuple[Any, ...]] = set()
    results = []
    for index, raw in enumerate(table.rows):
        number = index + 2
        v, reasons = _row_values(table, mapping, raw)
        row = RowResult(number, INVALID, v, reasons + _row_problems(table, mapping, index, raw))
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
        elif received.year < MIN_YEAR:
            bad(
                "received_on",
                _("date du don « {value} » invraisemblable (avant {year})").format(
                    value=v.get("received_on"), year=MIN_YEAR
                ),
            )
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
    named = [c for c in exact.all_by_name.get(name_key, []) if c > 0] if name_key[0] else []
    # A name and postcode shared by several contacts (father and son, namesakes) names no one.
    return named[0] if len(set(named)) == 1 else None


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


__all__ = ["FOLDED", "ImportPlan", "RowResult", "fields_for", "plan_contacts", "plan_gifts"]
