"""Appeals and solicitations (with the e-mail delivery log); thanked gifts; each donor's limit
on appeals per year.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("post", "email", "phone", "sms", name="channel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("send_on", sa.Date(), nullable=False),
        sa.Column("cost_cents", sa.Integer(), nullable=False),
        sa.Column("response_days", sa.Integer(), nullable=False),
        sa.Column("template", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_appeal_campaign_id_campaign"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal")),
    )
    op.create_table(
        "solicitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("post", "email", "phone", "sms", name="channel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("amount_asked_cents", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("delivery", sa.String(length=12), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeal.id"],
            name=op.f("fk_solicitation_appeal_id_appeal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_solicitation_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solicitation")),
    )
    with op.batch_alter_table("solicitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_solicitation_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(
            "ix_solicitation_contact_sent", ["contact_id", "sent_on"], unique=False
        )

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appeals_per_year", sa.Integer(), nullable=True))

    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thanked_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_column("thanked_on")

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("appeals_per_year")

    with op.batch_alter_table("solicitation", schema=None) as batch_op:
        batch_op.drop_index("ix_solicitation_contact_sent")
        batch_op.drop_index(batch_op.f("ix_solicitation_appeal_id"))

    op.drop_table("solicitation")
    op.drop_table("appeal")
