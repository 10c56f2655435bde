"""Gifts: validation, the receipt lock, deposit slips (property-tested totals)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.gifts.deposit_slips import DepositSlip, SlipLine, save_slip
from app.core.gifts.recording import (
    GiftDraft,
    create_gift,
    delete_gift,
    draft_from_gift,
    update_gift,
)
from app.core.infrastructure.database import Database
from app.errors import Conflict, ValidationError
from app.models import Gift, Receipt
from app.models.enums import GiftNature, PaymentMethod, ReceiptKind, ReceiptMode
from tests.factories import add_contacts

TODAY = date(2026, 3, 15)


def test_gift_rules(db: Database) -> None:
    donor = add_contacts(db, "Moreau", address=False)[0]
    cases = {
        "amount_cents": GiftDraft(
            contact_id=donor, received_on=TODAY, amount_cents=0, payment_method=PaymentMethod.CASH
        ),
        "received_on": GiftDraft(
            contact_id=donor,
            received_on=date(2026, 4, 1),
            amount_cents=100,
            payment_method=PaymentMethod.CASH,
        ),
        "cheque_number": GiftDraft(contact_id=donor, received_on=TODAY, amount_cents=100),
        "in_kind_description": GiftDraft(
            contact_id=donor,
            received_on=TODAY,
            amount_cents=100,
            payment_method=PaymentMethod.IN_KIND,
            nature=GiftNature.IN_KIND,
            in_kind_valuation="facture",
        ),
        "contact_id": GiftDraft(
            contact_id=999, received_on=TODAY, amount_cents=100, payment_method=PaymentMethod.CASH
        ),
    }
    for field, draft in cases.items():
        with pytest.raises(ValidationError) as exc, db.write() as session:
            create_gift(session, draft, today=TODAY)
        assert exc.value.field == field
    with db.read() as session:
        assert session.scalars(select(Gift)).all() == []


def test_a_receipted_gift_is_locked_but_notes_may_change(db: Database) -> None:
    donor = add_contacts(db, "Moreau", address=False)[0]
    with db.write() as session:
        gift = create_gift(
            session,
            GiftDraft(
                contact_id=donor,
                received_on=TODAY,
                amount_cents=5000,
                payment_method=PaymentMethod.CARD,
            ),
            today=TODAY,
        )
        receipt = Receipt(
            number="2026-00007",
            year=2026,
            sequence=7,
            kind=ReceiptKind.INDIVIDUAL,
            mode=ReceiptMode.PER_GIFT,
            contact_id=donor,
            period_start=TODAY,
            period_end=TODAY,
            total_cents=5000,
            snapshot={},
            issued_at=datetime(2026, 3, 15, tzinfo=UTC),
        )
        session.add(receipt)
        session.flush()
        gift.receipt_id = receipt.id
    draft = GiftDraft(
        contact_id=donor, received_on=TODAY, amount_cents=6000, payment_method=PaymentMethod.CARD
    )
    with pytest.raises(Conflict, match="2026-00007"), db.write() as session:
        update_gift(session, gift.id, draft, today=TODAY)
    with pytest.raises(Conflict), db.write() as session:
        delete_gift(session, gift.id)
    with db.write() as session:
        same = draft_from_gift(session.get(Gift, gift.id))  # type: ignore[arg-type]
        same.notes = "remis en main propre"
        update_gift(session, gift.id, same, today=TODAY)
    with db.read() as session:
        stored = session.get(Gift, gift.id)
        assert stored.amount_cents == 5000 and stored.notes == "remis en main propre"  # type: ignore[union-attr]


def test_deposit_slip_is_all_or_nothing(db: Database) -> None:
    donor = add_contacts(db, "Moreau", address=False)[0]
    slip = DepositSlip(
        "R1", TODAY, 2, 7000, lines=[SlipLine(donor, 3000, "1"), SlipLine(None, 4000, "2")]
    )
    with pytest.raises(ValidationError, match="Ligne 2"), db.write() as session:
        save_slip(session, slip, today=TODAY)
    slip.lines[1].contact_id = donor
    slip.expected_total_cents = 9000
    with pytest.raises(ValidationError, match="ne correspond pas"), db.write() as session:
        save_slip(session, slip, today=TODAY)
    with db.read() as session:
        assert session.scalars(select(Gift)).all() == []
    with db.write() as session:
        assert len(save_slip(session, slip, today=TODAY, accept_mismatch=True)) == 2


@given(
    st.lists(st.integers(min_value=1, max_value=10**7), max_size=30),
    st.integers(min_value=0, max_value=40),
)
def test_slip_totals_and_mismatch(amounts: list[int], expected_count: int) -> None:
    slip = DepositSlip(
        "R", TODAY, expected_count, sum(amounts), lines=[SlipLine(1, a, "") for a in amounts]
    )
    assert slip.total_cents == sum(amounts) and slip.count == len(amounts)
    assert (slip.mismatch() is None) == (expected_count == len(amounts))
