"""The driver-speed bulk insert stores exactly what the ORM stores, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, select

from app.core.infrastructure.bulk_insert import insert_rows
from app.core.infrastructure.database import Database
from app.models import AuditEvent, Contact, Gift
from app.models.enums import AuditAction, GiftNature, PaymentMethod

IGNORED = {"id", "created_at", "updated_at"}


def _plain(gift: Gift) -> dict[str, Any]:
    return {c.key: getattr(gift, c.key) for c in Gift.__table__.columns if c.key not in IGNORED}


def test_rows_read_back_like_orm_rows(any_db: Database) -> None:
    with any_db.write() as session:
        contact = Contact(first_name="Hélène", last_name="Dupont")
        session.add(contact)
        session.flush()
        values: dict[str, Any] = {
            "contact_id": contact.id,
            "received_on": date(2027, 1, 5),
            "amount_cents": 1250,
            "payment_method": PaymentMethod.DIRECT_DEBIT,
            "nature": GiftNature.CASH,
            "bank_reference": "RUN-1",
            "receiptable": False,
            "notes": "l'été <& co>",
        }
        session.add(Gift(**values))
        session.flush()
        insert_rows(session, cast(Table, Gift.__table__), [{**values, "bank_reference": "RUN-2"}])
    with any_db.read() as session:
        by_orm, by_bulk = session.scalars(select(Gift).order_by(Gift.id)).all()
        assert by_bulk.id > by_orm.id
        assert {**_plain(by_orm), "bank_reference": "RUN-2"} == _plain(by_bulk)
        assert by_bulk.payment_method is PaymentMethod.DIRECT_DEBIT
        assert by_bulk.created_at is not None and by_bulk.created_at.tzinfo is not None


def test_many_rows_with_their_own_utc_times(any_db: Database) -> None:
    at = datetime(2027, 1, 2, 9, 30, tzinfo=UTC)
    rows = [
        {"at": at, "action": AuditAction.EVENT, "entity": "gift", "entity_id": i, "note": f"n{i}"}
        for i in range(500)
    ]
    with any_db.write() as session:
        insert_rows(session, cast(Table, AuditEvent.__table__), rows)
        insert_rows(session, cast(Table, AuditEvent.__table__), [])
    with any_db.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "gift").order_by(AuditEvent.entity_id)
        ).all()
    assert [e.note for e in events] == [f"n{i}" for i in range(500)]
    assert {e.at for e in events} == {at}
    assert {e.action for e in events} == {AuditAction.EVENT}
    assert {(e.user, e.field, e.contact_id) for e in events} == {("", "", None)}
