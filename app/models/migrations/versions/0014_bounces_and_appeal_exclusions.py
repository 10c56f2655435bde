"""An e-mail address can be marked invalid (a bounce of an appeal e-mail): the date and why,
so later e-mail appeals leave it out and the contact shows it. An appeal keeps the people it
left out when it was sent, with the reason (appeal_exclusion).

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
    op.create_table(
        "appeal_exclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeal.id"],
            name=op.f("fk_appeal_exclusion_appeal_id_appeal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_appeal_exclusion_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_exclusion")),
    )
    with op.batch_alter_table("appeal_exclusion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appeal_exclusion_appeal_id"), ["appeal_id"], unique=False
        )
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invalid_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("invalid_reason", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.drop_column("invalid_reason")
        batch_op.drop_column("invalid_on")
    op.drop_table("appeal_exclusion")
