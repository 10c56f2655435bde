"""Covering index for the dashboard: gifts by date with donor and amount.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_index("ix_gift_received_on")
        batch_op.create_index(
            "ix_gift_received_contact_amount",
            ["received_on", "contact_id", "amount_cents"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_index("ix_gift_received_contact_amount")
        batch_op.create_index("ix_gift_received_on", ["received_on"], unique=False)
