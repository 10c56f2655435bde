"""Memberships (types, periods) and SEPA direct debit (mandates, plans, collections); failed gifts.

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "membership_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "individual",
                "family",
                "organisation",
                name="membershipkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column(
            "period",
            sa.Enum(
                "calendar_year",
                "school_year",
                "rolling_12_months",
                name="membershipperiod",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("fee_cents >= 0", name=op.f("ck_membership_type_fee_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_type")),
        sa.UniqueConstraint("name", name=op.f("uq_membership_type_name")),
    )
    op.create_table(
        "sepa_collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("debit_count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_collection")),
        sa.UniqueConstraint("message_id", name=op.f("uq_sepa_collection_message_id")),
    )
    with op.batch_alter_table("sepa_collection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sepa_collection_collection_date"), ["collection_date"], unique=False
        )

    op.create_table(
        "sepa_mandate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("rum", sa.String(length=35), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("holder", sa.String(length=70), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active", "suspended", "revoked", name="mandatestatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("first_collected_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_sepa_mandate_contact_id_contact"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_mandate")),
        sa.UniqueConstraint("rum", name=op.f("uq_sepa_mandate_rum")),
    )
    with op.batch_alter_table("sepa_mandate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sepa_mandate_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "regular_gift_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "monthly", "quarterly", "yearly", name="planfrequency", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("day_of_month", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active", "suspended", "ended", name="planstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("consecutive_rejects", sa.Integer(), nullable=False),
        sa.Column("notified_amount_cents", sa.Integer(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_regular_gift_plan_amount_positive")),
        sa.CheckConstraint(
            "day_of_month BETWEEN 1 AND 28", name=op.f("ck_regular_gift_plan_day_in_every_month")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_regular_gift_plan_campaign_id_campaign"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_regular_gift_plan_contact_id_contact"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["mandate_id"],
            ["sepa_mandate.id"],
            name=op.f("fk_regular_gift_plan_mandate_id_sepa_mandate"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regular_gift_plan")),
    )
    with op.batch_alter_table("regular_gift_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_regular_gift_plan_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_regular_gift_plan_mandate_id"), ["mandate_id"], unique=False
        )
        batch_op.create_index(
            "ix_regular_gift_plan_status_start", ["status", "starts_on"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column(
            "payment_method",
            sa.Enum(
                "cash",
                "cheque",
                "transfer",
                "card",
                "direct_debit",
                "in_kind",
                name="paymentmethod",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("gift_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_membership_amount_not_negative")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_membership_period_ordered")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_membership_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["gift_id"], ["gift.id"], name=op.f("fk_membership_gift_id_gift"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["membership_type.id"],
            name=op.f("fk_membership_type_id_membership_type"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index("ix_membership_contact_ends", ["contact_id", "ends_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_gift_id"), ["gift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_type_id"), ["type_id"], unique=False)

    op.create_table(
        "sepa_debit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("gift_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sequence_type", sa.String(length=4), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("collected", "rejected", name="debitstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("reject_reason", sa.String(length=4), nullable=False),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["sepa_collection.id"],
            name=op.f("fk_sepa_debit_collection_id_sepa_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["gift_id"], ["gift.id"], name=op.f("fk_sepa_debit_gift_id_gift"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["mandate_id"],
            ["sepa_mandate.id"],
            name=op.f("fk_sepa_debit_mandate_id_sepa_mandate"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["regular_gift_plan.id"],
            name=op.f("fk_sepa_debit_plan_id_regular_gift_plan"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_debit")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_sepa_debit_end_to_end_id")),
    )
    with op.batch_alter_table("sepa_debit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sepa_debit_collection_id"), ["collection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sepa_debit_gift_id"), ["gift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sepa_debit_mandate_id"), ["mandate_id"], unique=False)
        batch_op.create_index("uq_sepa_debit_plan_due", ["plan_id", "due_on"], unique=True)

    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("failure_reason", sa.String(length=120), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_column("failure_reason")
        batch_op.drop_column("failed_on")

    with op.batch_alter_table("sepa_debit", schema=None) as batch_op:
        batch_op.drop_index("uq_sepa_debit_plan_due")
        batch_op.drop_index(batch_op.f("ix_sepa_debit_mandate_id"))
        batch_op.drop_index(batch_op.f("ix_sepa_debit_gift_id"))
        batch_op.drop_index(batch_op.f("ix_sepa_debit_collection_id"))

    op.drop_table("sepa_debit")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_type_id"))
        batch_op.drop_index(batch_op.f("ix_membership_gift_id"))
        batch_op.drop_index("ix_membership_contact_ends")

    op.drop_table("membership")
    with op.batch_alter_table("regular_gift_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_regular_gift_plan_status_start")
        batch_op.drop_index(batch_op.f("ix_regular_gift_plan_mandate_id"))
        batch_op.drop_index(batch_op.f("ix_regular_gift_plan_contact_id"))

    op.drop_table("regular_gift_plan")
    with op.batch_alter_table("sepa_mandate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sepa_mandate_contact_id"))

    op.drop_table("sepa_mandate")
    with op.batch_alter_table("sepa_collection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sepa_collection_collection_date"))

    op.drop_table("sepa_collection")
    op.drop_table("membership_type")
