"""Receipt rules after the audit of issue #15: hand signature and membership-fee settings,
each company's financial-year end, the written waiver of volunteers' expenses.

Revision ID: 0006
Revises: 0008 (assigned 0005; main landed 0011, 0012 and 0010 first)
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0008"  # chained after the last migration on main (assigned "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hand_signature", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "receipt_membership_fees", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fiscal_year_end", sa.String(length=5), server_default="", nullable=False)
        )
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiver_signed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("waiver_reference", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_column("waiver_reference")
        batch_op.drop_column("waiver_signed_on")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("fiscal_year_end")
    with op.batch_alter_table("organisation_settings", schema=None) as batch_op:
        batch_op.drop_column("receipt_membership_fees")
        batch_op.drop_column("hand_signature")
