"""Receipt actions shared by the GUI and the CLI: receipt settings, the written waiver of
volunteers' expenses, a company's financial-year end, the art. 222 bis declaration."""

from __future__ import annotations

from datetime import date

from app.core.organisation import OrganisationIdentity, save_identity
from app.core.permissions import Permission
from app.core.receipts import audit
from app.core.receipts import settings as receipt_settings
from app.core.receipts.settings import ReceiptSettings
from app.operations.base import Change, OperationContext, Outcome, check_permission


def load_receipt_settings(ctx: OperationContext) -> ReceiptSettings:
    """The receipt settings as stored."""
    with ctx.database.read() as session:
        return receipt_settings.load_receipt_settings(session)


def save_settings(
    ctx: OperationContext, identity: OrganisationIdentity, settings: ReceiptSettings
) -> Outcome[None]:
    """Save the association's identity and its receipt settings in one transaction
    (nothing is saved when one field is wrong)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        save_identity(session, identity)
        receipt_settings.save_receipt_settings(session, settings)
    return Outcome(None, frozenset({Change.SETTINGS}))


def record_waiver(
    ctx: OperationContext, gift_id: int, *, signed_on: date, reference: str
) -> Outcome[None]:
    """Record the volunteer's written waiver of an expense gift (needed for its receipt)."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        receipt_settings.record_waiver(session, gift_id, signed_on=signed_on, reference=reference)
    return Outcome(None, frozenset({Change.GIFTS}))


def set_fiscal_year_end(ctx: OperationContext, contact_id: int, text: str) -> Outcome[str]:
    """Store a company's financial-year end ("JJ/MM"); annual 16216 receipts are cut at it."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        stored = receipt_settings.set_fiscal_year_end(session, contact_id, text)
    return Outcome(stored, frozenset({Change.CONTACTS}))


def declaration(ctx: OperationContext, year: int) -> audit.Declaration:
    """The art. 222 bis figures of `year`, on both bases (gifts received, receipts delivered)."""
    with ctx.database.read() as session:
        return audit.declaration(session, year)
