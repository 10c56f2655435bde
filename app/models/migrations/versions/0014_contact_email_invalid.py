"""An e-mail address can be marked invalid (a bounce of an appeal or reminder e-mail): the
date and why, so later e-mail appeals leave it out and the contact shows it.

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0009"  # chained after the last migration on main (assigned "0014")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invalid_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("invalid_reason", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.drop_column("invalid_reason")
        batch_op.drop_column("invalid_on")
