"""The journal: every change to journaled entities becomes AuditEvent rows, at flush time.

One mechanism for all services: a SQLAlchemy `after_flush` hook compares each object's
attribute history and writes (user, UTC time, entity, field, old, new) rows on the same
connection, inside the same transaction. Services never write audit rows by hand, except
`record_event` for actions that are not a field change (a merge, a receipt sent...), and
`bulk_journal` for batches (an import, its undo, a receipt batch): one summary event, the
per-item events, all written in one INSERT at the end of the batch.

Every row's time comes from the database's clock (`Database.clock`, put in each session's
`info` as "clock"), so a test with a fixed clock gets a fixed journal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from app.core.infrastructure.bulk_insert import insert_rows
from app.core.infrastructure.session_events import listen_once
from app.models import (
    Appeal,
    Campaign,
    ConsentEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    Gift,
    Membership,
    MembershipType,
    OrganisationSettings,
    PostalAddress,
    ProcessingActivity,
    Receipt,
    RegularGiftPlan,
    RightsRequest,
    SepaMandate,
    Setting,
    User,
)
from app.models.audit import AuditEvent
from app.models.enums import AuditAction
from app.models.types import utcnow

if TYPE_CHECKING:
    from app.core.clock import Clock

JOURNALED: dict[type, str] = {
    Contact: "contact",
    ContactEmail: "contact_email",
    ContactPhone: "contact_phone",
    PostalAddress: "postal_address",
    Gift: "gift",
    ConsentEvent: "consent",
    Receipt: "receipt",
    OrganisationSettings: "settings",
    Setting: "setting",
    Campaign: "campaign",
    ProcessingActivity: "processing_activity",
    RightsRequest: "rights_request",
    User: "user",
    MembershipType: "membership_type",
    Membership: "membership",
    SepaMandate: "sepa_mandate",
    RegularGiftPlan: "regular_gift_plan",
    Appeal: "appeal",
}
# Derived or bulky columns that would only add noise to the journal.
IGNORED_FIELDS = {"created_at", "updated_at", "search_text", "sort_name", "pdf", "password_hash"}
SESSION_DISABLED_KEY = "journal_disabled"


def as_text(value: Any) -> str | None:
    """Render a column value as the text stored in the journal."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _primary_key(obj: Any) -> int | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


def _owner_contact_id(obj: Any) -> int | None:
    if isinstance(obj, Contact):
        return obj.id
    return getattr(obj, "contact_id", None)


def _column_values(obj: Any) -> dict[str, str | None]:
    mapper = inspect(obj).mapper
    return {
        attr.key: as_text(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in IGNORED_FIELDS
    }


CLOCK_KEY = "clock"


def now(session: Session) -> datetime:
    """The time of `session`'s database clock (UTC-aware); the system's if it has none."""
    clock: Clock | None = session.info.get(CLOCK_KEY)
    return clock.now() if clock is not None else utcnow()


def _row(session: Session, obj: Any, action: AuditAction, **fields: Any) -> dict[str, Any]:
    return {
        "at": now(session),
        "user": session.info.get("user", ""),
        "action": action,
        "entity": JOURNALED[type(obj)],
        "entity_id": _primary_key(obj),
        "contact_id": _owner_contact_id(obj),
        "field": fields.get("field", ""),
        "old": fields.get("old"),
        "new": fields.get("new"),
        "note": "",
    }


def _changes(obj: Any) -> list[tuple[str, str | None, str | None]]:
    state = inspect(obj)
    touched = set(state.mapper.column_attrs.keys()) - state.unmodified - IGNORED_FIELDS
    changed = []
    for attr in state.mapper.column_attrs:
        if attr.key not in touched:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = as_text(history.deleted[0]) if history.deleted else None
        new = as_text(history.added[0]) if history.added else None
        if old != new:
            changed.append((attr.key, old, new))
    return changed


NOT_JOURNALED_SETTINGS = ("receipt-image:",)  # immutable, content-addressed copies of images


def _journaled(obj: Any) -> bool:
    if type(obj) not in JOURNALED:
        return False
    return not (isinstance(obj, Setting) and obj.key.startswith(NOT_JOURNALED_SETTINGS))


def _rows_for_flush(session: Session) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if _journaled(obj):
            snapshot = json.dumps(_column_values(obj), ensure_ascii=False, sort_keys=True)
            rows.append(_row(session, obj, AuditAction.CREATE, new=snapshot))
    for obj in session.dirty:
        if _journaled(obj) and session.is_modified(obj, include_collections=False):
            for field, old, new in _changes(obj):
                rows.append(_row(session, obj, AuditAction.UPDATE, field=field, old=old, new=new))
    for obj in session.deleted:
        if _journaled(obj):
            snapshot = json.dumps(_column_values(obj), ensure_ascii=False, sort_keys=True)
            rows.append(_row(session, obj, AuditAction.DELETE, old=snapshot))
    return rows


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(SESSION_DISABLED_KEY):
        return
    rows = _rows_for_flush(session)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def install(factory: sessionmaker[Session]) -> None:
    """Journal every session made by `factory` (idempotent)."""
    listen_once(factory, "after_flush", _after_flush)


@dataclass(frozen=True)
class JournalEvent:
    """An action that is not a field change, for `record_events`."""

    entity: str
    entity_id: int | None
    note: str
    contact_id: int | None = None


def _event_row(session: Session, event: JournalEvent) -> dict[str, Any]:
    return {
        "at": now(session),
        "user": session.info.get("user", ""),
        "action": AuditAction.EVENT,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "contact_id": event.contact_id,
        "field": "",
        "note": event.note,
    }


def record_events(session: Session, events: list[JournalEvent]) -> None:
    """Journal many actions at once (one executemany): the trace of a bulk operation."""
    if events:
        at, user = now(session), session.info.get("user", "")
        rows = [
            {
                "at": at,
                "user": user,
                "action": AuditAction.EVENT,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "contact_id": e.contact_id,
                "field": "",
                "note": e.note,
            }
            for e in events
        ]
        insert_rows(session, cast(Table, AuditEvent.__table__), rows)


def record_event(
    session: Session,
    *,
    entity: str,
    entity_id: int | None,
    note: str,
    contact_id: int | None = None,
) -> None:
    """Journal an action that is not a field change (merge, e-mail sent, export...)."""
    event = JournalEvent(entity, entity_id, note, contact_id)
    session.add(AuditEvent(**_event_row(session, event)))


@dataclass
class BulkJournal:
    """The journal of one batch: events collected while it runs, written when it ends."""

    session: Session
    events: list[JournalEvent] = field(default_factory=list)

    def add(self, event: JournalEvent) -> None:
        """Journal one action of the batch (the summary, or one item)."""
        self.events.append(event)

    def extend(self, events: Iterable[JournalEvent]) -> None:
        """Journal several actions of the batch."""
        self.events.extend(events)


@contextmanager
def bulk_journal(session: Session, *, field_changes: bool = True) -> Iterator[BulkJournal]:
    """The one way a batch (import, undo of an import, receipt batch) is journaled.

    Inside the block the batch adds its events to the yielded `BulkJournal`; they are
    written in one INSERT when the block ends without error (an error rolls the whole
    transaction back anyway). With `field_changes=False` the per-field journal is off
    inside the block: the batch's own events are its record (an import of 100,000 rows
    writes one event, not a million field rows).
    """
    journal = BulkJournal(session)
    if not field_changes:
        session.info[SESSION_DISABLED_KEY] = True
    try:
        yield journal
        session.flush()  # the batch's last changes, journaled or not as asked
    finally:
        if not field_changes:
            session.info.pop(SESSION_DISABLED_KEY, None)
    record_events(session, journal.events)
