"""One journal mechanism: every create, update and delete becomes AuditEvent rows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.clock import FixedClock
from app.core.infrastructure.database import Database
from app.core.infrastructure.journal import JournalEvent, bulk_journal, record_event
from app.models import AuditEvent, Contact, Gift, OrganisationSettings, PostalAddress
from app.models.enums import AuditAction, PaymentMethod


def _events(database: Database) -> list[AuditEvent]:
    """Journal rows of the test's own changes (a new database already journals its GDPR
    register)."""
    with database.read() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity != "processing_activity")
                .order_by(AuditEvent.id)
            )
        )


def test_create_update_delete_are_journaled_with_user_time_field_old_new(any_db: Database) -> None:
    with any_db.write() as session:
        contact = Contact(first_name="Hélène", last_name="Dupont")
        contact.addresses.append(
            PostalAddress(line4="3 rue Pasteur", postcode="21000", city="Dijon")
        )
        session.add(contact)
    with any_db.write() as session:
        session.get(Contact, contact.id).first_name = "Héléna"  # type: ignore[union-attr]
    with any_db.write() as session:
        address = session.scalars(select(PostalAddress)).one()
        session.delete(address)

    events = _events(any_db)
    created = [e for e in events if e.action == AuditAction.CREATE]
    assert {e.entity for e in created} == {"contact", "postal_address"}
    assert json.loads(created[0].new or "{}")["first_name"] == "Hélène"
    update = next(e for e in events if e.action == AuditAction.UPDATE)
    assert (update.entity, update.entity_id, update.field, update.old, update.new) == (
        "contact",
        contact.id,
        "first_name",
        "Hélène",
        "Héléna",
    )
    assert update.user == "test" and update.at.tzinfo is not None
    deleted = next(e for e in events if e.action == AuditAction.DELETE)
    assert deleted.entity == "postal_address" and deleted.contact_id == contact.id
    assert "3 rue Pasteur" in (deleted.old or "")


def test_gift_and_settings_changes_are_journaled(any_db: Database) -> None:
    with any_db.write() as session:
        contact = Contact(last_name="Martin")
        session.add(contact)
        session.flush()
        session.add(
            Gift(
                contact_id=contact.id,
                received_on=date(2025, 5, 1),
                amount_cents=5000,
                payment_method=PaymentMethod.CHEQUE,
            )
        )
        session.add(OrganisationSettings(id=1, name="Association"))
    with any_db.write() as session:
        session.scalars(select(Gift)).one().amount_cents = 6000
        session.get(OrganisationSettings, 1).name = "Association des amis"  # type: ignore[union-attr]
    updates = {
        (e.entity, e.field, e.old, e.new) for e in _events(any_db) if e.action == AuditAction.UPDATE
    }
    assert ("gift", "amount_cents", "5000", "6000") in updates
    assert ("settings", "name", "Association", "Association des amis") in updates


def test_rolled_back_changes_leave_no_journal(db: Database) -> None:
    try:
        with db.write() as session:
            session.add(Contact(last_name="Fantôme"))
            session.flush()
            raise RuntimeError("abandon")
    except RuntimeError:
        pass
    assert _events(db) == []


def test_unchanged_assignment_writes_nothing(db: Database) -> None:
    with db.write() as session:
        session.add(Contact(last_name="Petit"))
    count = len(_events(db))
    with db.write() as session:
        session.scalars(select(Contact)).one().last_name = "Petit"
    assert len(_events(db)) == count


def test_record_event_for_actions_that_are_not_field_changes(db: Database) -> None:
    with db.write() as session:
        record_event(session, entity="receipt", entity_id=3, note="Reçu envoyé par courriel")
    (event,) = _events(db)
    assert event.action == AuditAction.EVENT and event.note == "Reçu envoyé par courriel"


def test_journal_times_come_from_the_database_clock(db: Database, clock: FixedClock) -> None:
    """Field changes, events and bulk batches are stamped by the injected clock."""
    with db.write() as session:
        session.add(Contact(first_name="Hélène", last_name="Dupont"))
    clock.current += timedelta(days=3)
    with db.write() as session:
        record_event(session, entity="export", entity_id=None, note="one")
    clock.current += timedelta(days=3)
    with db.write() as session, bulk_journal(session, field_changes=False) as journal:
        session.add(Contact(first_name="Not", last_name="Journaled"))  # field journal off
        journal.add(JournalEvent(entity="import", entity_id=None, note="batch"))
    events = _events(db)
    start = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
    assert [(e.entity, e.at) for e in events] == [
        ("contact", start),
        ("export", start + timedelta(days=3)),
        ("import", start + timedelta(days=6)),
    ]


def test_bulk_journal_writes_nothing_when_the_batch_fails(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session, bulk_journal(session) as journal:
        journal.add(JournalEvent(entity="import", entity_id=None, note="batch"))
        raise RuntimeError("stop")
    assert _events(db) == []
