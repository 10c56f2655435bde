"""Dashboard covering index: every column the yearly figures read, in date order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = [
    "received_on",
    "contact_id",
    "amount_cents",
    "payment_method",
    "campaign_id",
    "receipt_id",
    "receiptable",
    "is_membership_fee",
]


def upgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_index("ix_gift_received_contact_amount")
        batch_op.create_index("ix_gift_dashboard", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_index("ix_gift_dashboard")
        batch_op.create_index(
            "ix_gift_received_contact_amount",
            ["received_on", "contact_id", "amount_cents"],
            unique=False,
        )
