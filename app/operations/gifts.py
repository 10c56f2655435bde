"""Gift actions shared by the GUI and the CLI: load, save (with the receipt offer), and
issue the receipts a donor who wants one per gift is waiting for.

The receipt-offer rule lives here, not in a dialog: after a new receiptable gift (not a
membership fee) from a donor who asked for a receipt per gift, the user is offered to
issue it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.clock import today
from app.core.gifts.recording import (
    GiftDraft,
    create_gift,
    draft_from_gift,
    get_gift,
    lock_reason,
    update_gift,
    validate_gift,
)
from app.core.infrastructure.permissions import Permission
from app.core.receipts.eligibility import wants_receipt_per_gift
from app.core.receipts.issuing import issue_requested_now
from app.errors import ValidationError
from app.operations.base import Change, OperationContext, Outcome, check_permission
from app.operations.receipts import RECEIPT_CHANGES


@dataclass(frozen=True)
class LoadedGift:
    """A gift as its form shows it, and why some fields are frozen (issued receipt)."""

    draft: GiftDraft
    lock_reason: str | None
    receipt_id: int | None


@dataclass(frozen=True)
class SavedGift:
    """A gift saved, or the problems (each naming its field) that kept it from saving."""

    gift_id: int | None
    created: bool = False
    offer_receipt: bool = False
    problems: tuple[ValidationError, ...] = ()


@dataclass(frozen=True)
class ReceiptNow:
    """The per-gift receipts issued now, or why none was."""

    numbers: tuple[str, ...]
    receipt_id: int | None
    reasons: tuple[str, ...] = ()


def offers_receipt(session: Session, draft: GiftDraft, *, created: bool) -> bool:
    """True when a receipt should be offered right after saving this gift."""
    return (
        created
        and draft.receiptable
        and not draft.is_membership_fee
        and wants_receipt_per_gift(session, draft.contact_id)
    )


def load_gift(ctx: OperationContext, gift_id: int) -> Outcome[LoadedGift]:
    """A gift for its form."""
    with ctx.database.read() as session:
        gift = get_gift(session, gift_id)
        return Outcome(
            LoadedGift(draft_from_gift(gift), lock_reason(session, gift), gift.receipt_id)
        )


def save_gift(
    ctx: OperationContext, draft: GiftDraft, *, gift_id: int | None = None
) -> Outcome[SavedGift]:
    """Validate and save a gift in one transaction; nothing is saved when a field is wrong."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    day = today(ctx.database.clock)
    with ctx.database.write() as session:
        problems = validate_gift(session, draft, today=day)
        if problems:
            return Outcome(SavedGift(gift_id, problems=tuple(problems)))
        created = gift_id is None
        if gift_id is None:
            gift_id = create_gift(session, draft, today=day).id
        else:
            update_gift(session, gift_id, draft, today=day)
        offer = offers_receipt(session, draft, created=created)
    return Outcome(SavedGift(gift_id, created, offer), frozenset({Change.GIFTS}))


def issue_receipt_now(
    ctx: OperationContext, *, contact_id: int, year: int, gift_id: int
) -> Outcome[ReceiptNow]:
    """Issue the donor's pending per-gift receipts of `year` (this gift's among them)."""
    check_permission(ctx, Permission.RECEIPTS_ISSUE)
    with ctx.database.write() as session:
        plan, result = issue_requested_now(
            session, contact_id=contact_id, year=year, clock=ctx.database.clock
        )
        if result is None:
            reasons = plan.organisation_problems or [e.reason for e in plan.excluded]
            return Outcome(ReceiptNow((), None, tuple(reasons)))
        receipt_id = get_gift(session, gift_id).receipt_id
    return Outcome(ReceiptNow(tuple(result.numbers), receipt_id), RECEIPT_CHANGES)
