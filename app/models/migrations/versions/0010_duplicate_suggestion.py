"""Duplicate suggestions made by other features (the import): two contacts to review.

Revision ID: 0010
Revises: 0012 (assigned "0005"; chained after 0012, the head on main, to keep one head)
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_suggestion",
        sa.Column("contact_a_id", sa.Integer(), nullable=False),
        sa.Column("contact_b_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "contact_a_id < contact_b_id", name=op.f("ck_duplicate_suggestion_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["contact_a_id"],
            ["contact.id"],
            name=op.f("fk_duplicate_suggestion_contact_a_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_b_id"],
            ["contact.id"],
            name=op.f("fk_duplicate_suggestion_contact_b_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "contact_a_id", "contact_b_id", name=op.f("pk_duplicate_suggestion")
        ),
    )


def downgrade() -> None:
    op.drop_table("duplicate_suggestion")
