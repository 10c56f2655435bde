"""Commit a checked import in the caller's transaction, and undo a committed import."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from app.core.contacts.fields import (
    first_name_initials,
    phone_search_forms,
    search_text_for,
    sort_name_for,
)
from app.core.contacts.validation import check_email, check_phone
from app.core.dedupe.suggestions import suggest_duplicate
from app.core.importing.plan import FOLDED, INVALID, NEW, UNCHANGED, UPDATE, ImportPlan
from app.core.infrastructure.journal import JournalEvent, bulk_journal
from app.core.infrastructure.journal import now as journal_now
from app.core.infrastructure.permissions import Permission, require
from app.core.infrastructure.sequences import sync_sequences
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.core.tabular import write_csv
from app.db import refresh_statistics
from app.errors import Conflict, NotFound
from app.i18n import N_, _
from app.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    Gift,
    ImportBatch,
    MergeRecord,
    PostalAddress,
    RightsRequest,
    Tag,
    contact_tags,
)
from app.models.enums import GiftNature

BATCH = 500


@dataclass(frozen=True)
class ImportReport:
    """Before/after reconciliation of one import."""

    batch_id: int | None
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    amount_read_cents: int
    amount_imported_cents: int
    folded: int = 0  # rows that joined an earlier row of the file (same person)
    addresses_changed: int = 0  # existing contacts given a new address (old one kept)
    incomplete_addresses: int = 0  # addresses kept as typed but not mailable
    possible_duplicates: int = 0  # new contacts resembling existing ones (to review)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return dict(self.__dict__)


def file_sha256(path: Path) -> str:
    """Fingerprint of the imported file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_of(plan: ImportPlan, batch_id: int | None = None) -> ImportReport:
    """rows read = created + updated + unchanged + folded + rejected, and the amounts."""
    return ImportReport(
        batch_id,
        len(plan.rows),
        plan.count(NEW),
        plan.count(UPDATE),
        plan.count(UNCHANGED),
        plan.count(INVALID),
        plan.amount_read_cents,
        plan.amount_to_import_cents,
        folded=plan.count(FOLDED),
        addresses_changed=plan.addresses_changed,
        incomplete_addresses=plan.incomplete_addresses,
        possible_duplicates=plan.possible_duplicates,
    )


def write_rejected(plan: ImportPlan, path: Path) -> int:
    """The rejected rows, as they were, with a reason column, to fix and import again."""
    rejected = [r for r in plan.rows if r.status == INVALID]
    write_csv(
        path,
        [_("Ligne"), *plan.table.header, _("Motif du rejet")],
        (
            [row.number, *plan.table.rows[row.number - 2], " | ".join(row.reasons)]
            for row in rejected
        ),
    )
    return len(rejected)


def commit(
    session: Session,
    plan: ImportPlan,
    *,
    file_name: str,
    sha256: str,
    today: date,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Write the NEW and UPDATE rows; record an ImportBatch that allows undo."""
    require(session, Permission.GIFTS_WRITE if plan.kind == "gifts" else Permission.CONTACTS_WRITE)
    batch = ImportBatch(
        kind=plan.kind,
        file_name=file_name,
        file_sha256=sha256,
        user=str(session.info.get("user", "")),
    )
    session.add(batch)
    session.flush()
    todo = [r for r in plan.rows if r.status in (NEW, UPDATE)]
    progress.start(len(todo), _("Import en cours"))
    before: dict[str, dict[str, Any]] = {}
    added: list[list[Any]] = []
    duplicates: list[list[int]] = []
    # One journal event for the batch (its rows are in batch.report, for undo).
    with bulk_journal(session, field_changes=False) as journal:
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            if plan.kind == "gifts":
                _insert_gifts(session, chunk, batch.id)
            else:
                _write_contacts(session, chunk, batch.id, before, added, duplicates)
            session.flush()
            progress.advance(len(chunk))
            if cancel is not None:
                cancel.raise_if_cancelled()
        sync_sequences(session, ["contact"])
        created: dict[int, int] = {}  # row number -> the contact it became
        for row in todo:
            if row.status == NEW and row.contact_id is not None:
                created[row.number] = row.contact_id
        duplicates = [  # an earlier row of the file: the contact it became
            [contact_id, other if other > 0 else created[-other], number]
            for contact_id, other, number in duplicates
            if other > 0 or created.get(-other)
        ]
        for contact_id, other, number in duplicates:  # shown in the duplicates screen
            suggest_duplicate(
                session,
                contact_id,
                other,
                reason=_(
                    "Import n° {id} ({file}), ligne {row} : créé à part (même nom et adresse, "
                    "ou identifiant en conflit)"
                ).format(id=batch.id, file=file_name[:120], row=number),
            )
        report = report_of(plan, batch.id)
        batch.counts = report.as_dict()
        batch.report = {
            "before": before,
            "added": added,
            "notes": plan.table.notes,
            "possible_duplicates": duplicates,
            "folded": [[r.number, r.folded_into] for r in plan.rows if r.status == FOLDED],
        }
        refresh_statistics(session.connection())
        journal.add(
            JournalEvent(
                entity="import",
                entity_id=batch.id,
                note=_(
                    "Import n° {id} de {file} : {created} créés, {updated} mis à jour, "
                    "{unchanged} inchangés, {rejected} rejetés"
                ).format(
                    id=batch.id,
                    file=file_name,
                    created=report.created,
                    updated=report.updated,
                    unchanged=report.unchanged,
                    rejected=report.rejected,
                ),
            )
        )
    return report


def _insert_gifts(session: Session, rows: list[Any], batch_id: int) -> None:
    now = journal_now(session)
    session.execute(
        insert(Gift),
        [
            {
                **r.draft,
                "nature": GiftNature.CASH,
                "import_batch_id": batch_id,
                "created_at": now,
                "updated_at": now,
            }
            for r in rows
        ],
    )


def _contact_row(draft: Any, batch_id: int, now: datetime) -> dict[str, Any]:
    parts = [
        draft.first_name,
        draft.last_name,
        draft.birth_name,
        draft.organisation_name,
        first_name_initials(draft.first_name),
        *draft.emails,
        *draft.phones,
        *(phone_search_forms(check_phone(p).value or p) for p in draft.phones),
        draft.address.postcode,
        draft.address.city,
    ]
    return {
        "kind": draft.kind,
        "civility": draft.civility,
        "first_name": draft.first_name,
        "last_name": draft.last_name,
        "birth_name": draft.birth_name,
        "organisation_name": draft.organisation_name,
        "legal_form": draft.legal_form,
        "siren": draft.siren,
        "birth_date": draft.birth_date,
        "notes": draft.notes,
        "receipt_mode": draft.receipt_mode,
        "status": "active",
        "restricted": False,
        "restricted_reason": "",
        "import_batch_id": batch_id,
        "search_text": search_text_for(parts),
        "sort_name": sort_name_for(
            kind=str(draft.kind),
            last_name=draft.last_name,
            first_name=draft.first_name,
            organisation_name=draft.organisation_name,
        ),
        "created_at": now,
        "updated_at": now,
    }


def _address_row(contact_id: int, a: Any, now: datetime, *, primary: bool) -> dict[str, Any]:
    return {
        "contact_id": contact_id,
        "line2": a.line2,
        "line3": a.line3,
        "line4": a.line4,
        "line5": a.line5,
        "postcode": a.postcode,
        "city": a.city,
        "country": a.country,
        "is_primary": primary,
        "npai": False,
        "created_at": now,
        "updated_at": now,
    }


def _insert_new_contacts(
    session: Session, rows: list[Any], batch_id: int, duplicates: list[list[int]]
) -> None:
    """Bulk INSERT of new contacts and their details, with ids reserved beforehand."""
    if not rows:
        return
    now = journal_now(session)
    ids = _reserve_contact_ids(session, len(rows))
    # Core inserts (the tables, not the ORM classes): no per-row ORM bookkeeping.
    session.execute(
        insert(cast(Table, Contact.__table__)),
        [{"id": i, **_contact_row(r.draft, batch_id, now)} for i, r in zip(ids, rows, strict=True)],
    )
    emails, phones, addresses, tags = [], [], [], []
    tag_ids = _tag_ids(session, {t for r in rows for t in r.draft.tags})
    for contact_id, row in zip(ids, rows, strict=True):
        draft = row.draft
        emails += [
            {
                "contact_id": contact_id,
                "email": check_email(e).value or e,
                "label": "",
                "position": i,
            }
            for i, e in enumerate(dict.fromkeys(draft.emails))
        ]
        phones += [
            {
                "contact_id": contact_id,
                "number": check_phone(p).value or p,
                "label": "",
                "position": i,
            }
            for i, p in enumerate(dict.fromkeys(draft.phones))
        ]
        if not draft.address.is_empty:
            addresses.append(_address_row(contact_id, draft.address, now, primary=True))
        addresses += [
            _address_row(contact_id, a, now, primary=draft.address.is_empty and i == 0)
            for i, a in enumerate(row.extra_addresses)
        ]
        duplicates += [[contact_id, other, row.number] for other in row.duplicate_of]
        duplicates += [[contact_id, -earlier, row.number] for earlier in row.duplicate_rows]
        row.contact_id = contact_id  # the contact this row became
        tags += [
            {"contact_id": contact_id, "tag_id": tag_ids[t]} for t in dict.fromkeys(draft.tags)
        ]
    for table, values in (
        (cast(Table, ContactEmail.__table__), emails),
        (cast(Table, ContactPhone.__table__), phones),
        (cast(Table, PostalAddress.__table__), addresses),
        (contact_tags, tags),
    ):
        if values:
            session.execute(insert(table), values)


def _reserve_contact_ids(session: Session, count: int) -> list[int]:
    """Ids for a bulk insert: plain executemany instead of one INSERT ... RETURNING per row.

    The write transaction holds SQLite's lock; on PostgreSQL the table is locked for the import
    and the id sequence moved past the new rows afterwards (sync_sequences).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE contact IN EXCLUSIVE MODE"))
    start = (session.scalar(select(func.max(Contact.id))) or 0) + 1
    return list(range(start, start + count))


def _tag_ids(session: Session, names: set[str]) -> dict[str, int]:
    found = (
        {t.name: t.id for t in session.scalars(select(Tag).where(Tag.name.in_(names)))}
        if names
        else {}
    )
    for name in names - set(found):
        tag = Tag(name=name)
        session.add(tag)
        session.flush()
        found[name] = tag.id
    return found


def _write_contacts(
    session: Session,
    rows: list[Any],
    batch_id: int,
    before: dict[str, dict[str, Any]],
    added: list[list[Any]],
    duplicates: list[list[int]],
) -> None:
    _insert_new_contacts(session, [r for r in rows if r.status == NEW], batch_id, duplicates)
    for row in rows:
        if row.status == NEW:
            continue
        contact = session.get(Contact, row.contact_id)
        if contact is None:
            continue
        before[str(contact.id)] = {
            k: _plain(old)
            for k, (old, _new) in row.changes.items()
            if k not in ("email", "phone", "address")
        }
        for name, (_old, new) in row.changes.items():
            if name == "email":
                contact.emails.append(
                    ContactEmail(email=check_email(new).value or new, position=len(contact.emails))
                )
                added.append(["email", contact.id, new])
            elif name == "phone":
                contact.phones.append(
                    ContactPhone(number=check_phone(new).value or new, position=len(contact.phones))
                )
                added.append(["phone", contact.id, new])
            elif name == "address":
                added.append(["address", contact.id, *_move_address(session, contact, row.draft)])
            else:
                setattr(contact, name, new)
        from app.core.contacts.fields import refresh_derived_fields

        refresh_derived_fields(contact)


def _move_address(session: Session, contact: Contact, draft: Any) -> tuple[int, int | None]:
    """The new address becomes primary; the old one stays, as history (not primary).

    Returns (new address id, previous primary id) for undo.
    """
    old = contact.primary_address
    if old is not None:
        old.is_primary = False
    a = draft.address
    new = PostalAddress(
        line2=a.line2,
        line3=a.line3,
        line4=a.line4,
        line5=a.line5,
        postcode=a.postcode,
        city=a.city,
        country=a.country,
        is_primary=True,
    )
    contact.addresses.append(new)
    session.flush()
    return new.id, old.id if old is not None else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def undo_import(session: Session, batch_id: int) -> dict[str, int]:
    """Remove what an import created and restore what it changed."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_("Import {id} introuvable.").format(id=batch_id))
    if batch.undone_at is not None:
        raise Conflict(_("L'import {id} a déjà été annulé.").format(id=batch_id))
    require(session, Permission.GIFTS_WRITE if batch.kind == "gifts" else Permission.CONTACTS_WRITE)
    receipted = session.scalar(
        select(func.count(Gift.id)).where(
            Gift.import_batch_id == batch_id, Gift.receipt_id.is_not(None)
        )
    )
    if receipted:
        raise Conflict(
            _(
                "Des dons de l'import {id} figurent sur des reçus fiscaux : annulez d'abord ces "
                "reçus."
            ).format(id=batch_id)
        )
    deleted = session.execute(delete(Gift).where(Gift.import_batch_id == batch_id))
    gifts = cast(CursorResult[Any], deleted).rowcount
    created = list(session.scalars(select(Contact.id).where(Contact.import_batch_id == batch_id)))
    others = (
        session.scalar(select(func.count(Gift.id)).where(Gift.contact_id.in_(created)))
        if created
        else 0
    )
    if others:
        raise Conflict(
            _(
                "Des dons ont été saisis depuis pour des contacts de l'import {id} : supprimez-les "
                "ou "
                "gardez l'import."
            ).format(id=batch_id)
        )
    merged_since = sum(
        session.scalar(
            select(func.count(MergeRecord.id)).where(
                MergeRecord.survivor_id.in_(created[start : start + BATCH]),
                MergeRecord.undone_at.is_(None),
            )
        )
        or 0
        for start in range(0, len(created), BATCH)
    )
    if merged_since:
        raise Conflict(
            _(
                "Des contacts de l'import {id} ont reçu des fusions depuis : annulez d'abord ces "
                "fusions ou gardez l'import."
            ).format(id=batch_id)
        )
    _refuse_if_gdpr(session, batch, created)
    # The restored fields are journaled one by one; the removals by the undo's event.
    with bulk_journal(session) as journal:
        # One statement per chunk; the database removes their e-mails, phones, addresses,
        # tags and consents (ON DELETE CASCADE), as the import added them in bulk.
        for start in range(0, len(created), BATCH):
            session.execute(
                delete(Contact)
                .where(Contact.id.in_(created[start : start + BATCH]))
                .execution_options(synchronize_session=False)
            )
        session.expire_all()
        _restore_updates(session, batch.report or {})
        batch.undone_at = journal_now(session)
        journal.add(
            JournalEvent(
                entity="import",
                entity_id=batch_id,
                note=_("Import n° {id} annulé").format(id=batch_id),
            )
        )
    return {"contacts_removed": len(created), "gifts_removed": int(gifts or 0)}


def _refuse_if_gdpr(session: Session, batch: ImportBatch, created: list[int]) -> None:
    """A contact of the import now under a GDPR request or restriction is not undone silently:
    deleting it would destroy what the request is about (like merges, which refuse too)."""
    touched = [*created, *(int(i) for i in (batch.report or {}).get("before", {}))]
    for start in range(0, len(touched), BATCH):
        chunk = touched[start : start + BATCH]
        request = session.scalars(
            select(RightsRequest)
            .where(RightsRequest.contact_id.in_(chunk))
            .order_by(RightsRequest.id)
            .limit(1)
        ).first()
        if request is not None:
            raise Conflict(
                _(
                    "Le contact n° {contact} de l'import {id} fait l'objet de la demande RGPD "
                    "n° {request} ({kind}, reçue le {received}) : l'import ne peut pas être "
                    "annulé ; traitez la demande ou gardez l'import."
                ).format(
                    contact=request.contact_id,
                    id=batch.id,
                    request=request.id,
                    kind=_(KIND_LABELS.get(str(request.kind), str(request.kind))),
                    received=request.received_on.strftime("%d/%m/%Y"),
                )
            )
        restricted = session.scalar(
            select(Contact.id).where(Contact.id.in_(chunk), Contact.restricted).limit(1)
        )
        if restricted is not None:
            raise Conflict(
                _(
                    "Le contact n° {contact} de l'import {id} fait l'objet d'une limitation RGPD : "
                    "l'import ne peut pas être annulé."
                ).format(contact=restricted, id=batch.id)
            )


KIND_LABELS = {
    "access": N_("droit d'accès"),
    "rectification": N_("rectification"),
    "erasure": N_("effacement"),
    "restriction": N_("limitation"),
    "portability": N_("portabilité"),
    "objection": N_("opposition"),
}


def _restore_address(session: Session, new_id: int, old_id: int | None) -> None:
    session.execute(delete(PostalAddress).where(PostalAddress.id == new_id))
    if old_id is not None:
        session.execute(
            update(PostalAddress).where(PostalAddress.id == old_id).values(is_primary=True)
        )


def _restore_updates(session: Session, report: dict[str, Any]) -> None:
    for contact_id, fields in report.get("before", {}).items():
        contact = session.get(Contact, int(contact_id))
        if contact is None:
            continue
        for name, value in fields.items():
            setattr(
                contact,
                name,
                date.fromisoformat(value) if name == "birth_date" and value else value,
            )
    for kind, contact_id, value, *rest in report.get("added", []):
        if kind == "address":
            _restore_address(session, value, rest[0])
            continue
        model, column = (
            (ContactEmail, ContactEmail.email)
            if kind == "email"
            else (ContactPhone, ContactPhone.number)
        )
        normalised = (
            check_email(value).value if kind == "email" else check_phone(value).value
        ) or value
        session.execute(delete(model).where(model.contact_id == contact_id, column == normalised))
    for contact_id in report.get("before", {}):
        contact = session.get(Contact, int(contact_id))
        if contact is not None:
            session.refresh(contact)
            from app.core.contacts.fields import refresh_derived_fields

            refresh_derived_fields(contact)
