"""Merge contacts into a survivor in one transaction, and undo it exactly.

The MergeRecord keeps the full before-state: every column of the contacts and of their
e-mails, phones, addresses and tags, plus the ids of the rows that moved (gifts, consent
events, receipts, journal rows, rights requests, memberships, SEPA mandates and
regular-gift plans, solicitations and appeal exclusions). Undo restores those rows as they were.
Consent events are append-only and simply move: the latest event still decides, so a
withdrawal is never overwritten by an older grant. Receipts keep their numbers, snapshots
and fingerprints; only their contact moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session, selectinload

from app.core.contacts.editing import IDENTITY_FIELDS
from app.core.contacts.fields import refresh_derived_fields
from app.core.infrastructure.journal import now as journal_now
from app.core.infrastructure.journal import record_event
from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.models import (
    AppealExclusion,
    AuditEvent,
    ConsentEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    Gift,
    Membership,
    MergeRecord,
    NotDuplicate,
    PostalAddress,
    Receipt,
    RegularGiftPlan,
    RightsRequest,
    SepaMandate,
    Solicitation,
    contact_tags,
)
from app.models.enums import ContactStatus

SCALAR_FIELDS = IDENTITY_FIELDS
# Any: each model has id and contact_id; mypy has no common type for mapped classes.
CHILD_MODELS: dict[str, Any] = {
    "emails": ContactEmail,
    "phones": ContactPhone,
    "addresses": PostalAddress,
}
MOVED_MODELS: dict[str, Any] = {
    "gifts": Gift,
    "consents": ConsentEvent,
    "receipts": Receipt,
    "journal": AuditEvent,
    "requests": RightsRequest,
    # a member typed twice keeps one membership history; the plan keeps being collected
    # for the survivor; the pressure rules count both records' solicitations
    "memberships": Membership,
    "mandates": SepaMandate,
    "plans": RegularGiftPlan,
    "solicitations": Solicitation,
    "appeal_exclusions": AppealExclusion,
}


@dataclass(frozen=True)
class MergePreview:
    """What the survivor will look like."""

    values: dict[str, Any]
    emails: list[str]
    phones: list[str]
    addresses: list[str]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"__date__": value.isoformat(), "dt": isinstance(value, datetime)}
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value
    return value


def decode_value(value: Any) -> Any:
    """A value of an undo snapshot as it was stored (dates come back as dates)."""
    if isinstance(value, dict) and "__date__" in value:
        return (
            datetime.fromisoformat(value["__date__"])
            if value["dt"]
            else date.fromisoformat(value["__date__"])
        )
    return value


def _row(obj: Any) -> dict[str, Any]:
    return {a.key: _encode(getattr(obj, a.key)) for a in inspect(obj).mapper.column_attrs}


def _keep_timestamp(model: Any) -> dict[str, Any]:
    """Moving a row to another contact is not an edit of the row: keep its updated_at."""
    return {"updated_at": model.updated_at} if hasattr(model, "updated_at") else {}


def _snapshot(session: Session, ids: list[int]) -> dict[str, Any]:
    state: dict[str, Any] = {"contacts": [_row(session.get(Contact, i)) for i in ids]}
    for name, model in CHILD_MODELS.items():
        state[name] = [
            _row(o) for o in session.scalars(select(model).where(model.contact_id.in_(ids)))
        ]
    state["tags"] = [
        list(r)
        for r in session.execute(select(contact_tags).where(contact_tags.c.contact_id.in_(ids)))
    ]
    for name, model in MOVED_MODELS.items():
        state[name] = [
            [r.id, r.contact_id]
            for r in session.execute(
                select(model.id, model.contact_id).where(model.contact_id.in_(ids))
            )
        ]
    return state


def _contacts(session: Session, survivor_id: int, other_ids: list[int]) -> list[Contact]:
    ids = [survivor_id, *other_ids]
    if len(set(ids)) != len(ids) or not other_ids:
        raise ValidationError(
            _("Choisissez un contact conservé et au moins un autre contact, tous différents.")
        )
    loaded = {
        c.id: c
        for c in session.scalars(
            select(Contact)
            .where(Contact.id.in_(ids))
            .options(
                selectinload(Contact.emails),
                selectinload(Contact.phones),
                selectinload(Contact.addresses),
                selectinload(Contact.tags),
            )
        )
    }
    contacts = []
    for contact_id in ids:
        contact = loaded.get(contact_id)
        if contact is None or contact.status != ContactStatus.ACTIVE:
            raise NotFound(_("Contact {id} introuvable ou déjà fusionné.").format(id=contact_id))
        if contact.restricted:
            raise Conflict(
                _("Le contact {id} fait l'objet d'une limitation RGPD : pas de fusion.").format(
                    id=contact_id
                )
            )
        contacts.append(contact)
    kinds = {c.kind for c in contacts}
    if len(kinds) > 1:
        raise Conflict(_("Une personne et une organisation ne peuvent pas être fusionnées."))
    return contacts


def preview(
    session: Session, survivor_id: int, other_ids: list[int], choices: dict[str, int] | None = None
) -> MergePreview:
    """The survivor's values after the merge (chosen per field, lists combined)."""
    return _preview_of(_contacts(session, survivor_id, other_ids), choices)


def _preview_of(contacts: list[Contact], choices: dict[str, int] | None) -> MergePreview:
    by_id = {c.id: c for c in contacts}
    values = {}
    for field in SCALAR_FIELDS:
        chosen = (choices or {}).get(field)
        source = by_id.get(chosen) if chosen else None
        value = (
            getattr(source, field)
            if source
            else next(
                (getattr(c, field) for c in contacts if getattr(c, field) not in (None, "")),
                getattr(contacts[0], field),
            )
        )
        values[field] = value
    emails = list(dict.fromkeys(e.email.lower() for c in contacts for e in c.emails))
    phones = list(dict.fromkeys(p.number for c in contacts for p in c.phones))
    addresses = list(
        dict.fromkeys(
            f"{a.line4} {a.postcode} {a.city}".strip() for c in contacts for a in c.addresses
        )
    )
    return MergePreview(values, emails, phones, addresses)


def merge(
    session: Session,
    survivor_id: int,
    other_ids: list[int],
    *,
    choices: dict[str, int] | None = None,
) -> MergeRecord:
    """Merge `other_ids` into `survivor_id`; returns the record that allows undo."""
    require(session, Permission.CONTACTS_WRITE)
    contacts = _contacts(session, survivor_id, other_ids)
    survivor, others = contacts[0], contacts[1:]
    state = _snapshot(session, [c.id for c in contacts])
    result = _preview_of(contacts, choices)
    for field, value in result.values.items():
        setattr(survivor, field, value)
    _combine_children(session, survivor, others)
    for model in MOVED_MODELS.values():
        session.execute(
            update(model)
            .where(model.contact_id.in_(other_ids))
            .values(contact_id=survivor.id, **_keep_timestamp(model))
            .execution_options(synchronize_session=False)
        )
    for other in others:
        other.status = ContactStatus.MERGED
        other.merged_into_id = survivor.id
    refresh_derived_fields(survivor)
    record = MergeRecord(
        user=str(session.info.get("user", "")),
        survivor_id=survivor.id,
        merged_ids=list(other_ids),
        before_state=state,
    )
    session.add(record)
    session.flush()
    record_event(
        session,
        entity="contact",
        entity_id=survivor.id,
        contact_id=survivor.id,
        note=_("Fusion n° {id} : contacts {others} fusionnés dans {survivor}").format(
            id=record.id, others=", ".join(map(str, other_ids)), survivor=survivor.id
        ),
    )
    return record


def _combine_children(session: Session, survivor: Contact, others: list[Contact]) -> None:
    emails = {e.email.lower() for e in survivor.emails}
    phones = {p.number for p in survivor.phones}
    places = {(a.line4.lower(), a.postcode) for a in survivor.addresses}
    for other in others:
        for email in list(other.emails):
            if email.email.lower() not in emails:
                emails.add(email.email.lower())
                email.contact_id = survivor.id
                email.position = len(emails) - 1
        for phone in list(other.phones):
            if phone.number not in phones:
                phones.add(phone.number)
                phone.contact_id = survivor.id
                phone.position = len(phones) - 1
        for address in list(other.addresses):
            if (address.line4.lower(), address.postcode) not in places:
                places.add((address.line4.lower(), address.postcode))
                address.contact_id = survivor.id
                address.is_primary = address.is_primary and not survivor.addresses
        tag_ids = {t.id for t in survivor.tags}
        survivor.tags.extend(t for t in other.tags if t.id not in tag_ids)
    session.flush()
    for contact in (survivor, *others):  # their collections changed owner: reload them
        session.expire(contact)


def undo(session: Session, merge_id: int) -> None:
    """Put every contact and moved row back exactly as before the merge."""
    require(session, Permission.CONTACTS_WRITE)
    record = session.get(MergeRecord, merge_id)
    if record is None:
        raise NotFound(_("Fusion {id} introuvable.").format(id=merge_id))
    if record.undone_at is not None:
        raise Conflict(_("La fusion {id} a déjà été annulée.").format(id=merge_id))
    state = record.before_state
    if "contacts" not in state:  # erased since (GDPR art. 17): nothing left to restore
        raise Conflict(
            _(
                "La fusion {id} ne peut plus être annulée : les données de ces contacts ont été "
                "effacées (RGPD)."
            ).format(id=merge_id)
        )
    ids = [c["id"] for c in state["contacts"]]
    for name, model in MOVED_MODELS.items():
        # a merge recorded before a kind of row was carried over moved none of them
        for row_id, contact_id in state.get(name, ()):
            session.execute(
                update(model)
                .where(model.id == row_id)
                .values(contact_id=contact_id, **_keep_timestamp(model))
                .execution_options(synchronize_session=False)
            )
    for model in CHILD_MODELS.values():
        session.execute(delete(model).where(model.contact_id.in_(ids)))
    session.execute(delete(contact_tags).where(contact_tags.c.contact_id.in_(ids)))
    for row in state["contacts"]:
        session.execute(
            update(Contact)
            .where(Contact.id == row["id"])
            .values({k: decode_value(v) for k, v in row.items() if k != "id"})
        )
    for name, model in CHILD_MODELS.items():
        if state[name]:
            session.execute(
                insert(model), [{k: decode_value(v) for k, v in row.items()} for row in state[name]]
            )
    if state["tags"]:
        session.execute(
            insert(contact_tags), [{"contact_id": c, "tag_id": t} for c, t in state["tags"]]
        )
    record.undone_at = journal_now(session)
    session.flush()
    session.expire_all()
    record_event(
        session,
        entity="contact",
        entity_id=record.survivor_id,
        contact_id=record.survivor_id,
        note=_("Fusion n° {id} annulée").format(id=merge_id),
    )


def mark_not_duplicate(session: Session, a: int, b: int) -> None:
    """Remember that two contacts are different people (never suggested again)."""
    require(session, Permission.CONTACTS_WRITE)
    low, high = sorted((a, b))
    if session.get(NotDuplicate, (low, high)) is None:
        session.add(
            NotDuplicate(
                contact_a_id=low, contact_b_id=high, user=str(session.info.get("user", ""))
            )
        )
        session.flush()


def gift_counts(
    session: Session, contact_ids: tuple[int, ...] | list[int]
) -> dict[int, tuple[int, int]]:
    """contact id -> (number of gifts, total in cents): helps choose the record to keep."""
    rows = session.execute(
        select(Gift.contact_id, func.count(Gift.id), func.coalesce(func.sum(Gift.amount_cents), 0))
        .where(Gift.contact_id.in_(list(contact_ids)))
        .group_by(Gift.contact_id)
    )
    return {contact_id: (int(count), int(total)) for contact_id, count, total in rows}
