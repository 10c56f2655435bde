"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 09:15:23.006859
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "volunteer", "treasurer", "dpo", "admin", name="role", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "create",
                "update",
                "delete",
                "event",
                name="auditaction",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_event_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("fund", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sa.UniqueConstraint("code", name=op.f("uq_campaign_code")),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batch_file_sha256"), ["file_sha256"], unique=False
        )

    op.create_table(
        "organisation_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("rna", sa.String(length=10), nullable=False),
        sa.Column("address_line", sa.String(length=38), nullable=False),
        sa.Column("address_complement", sa.String(length=38), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=60), nullable=False),
        sa.Column("country", sa.String(length=60), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("receipt_category", sa.String(length=40), nullable=False),
        sa.Column("category_details", sa.JSON(), nullable=False),
        sa.Column("applies_75_percent", sa.Boolean(), nullable=False),
        sa.Column("signatory_name", sa.String(length=120), nullable=False),
        sa.Column("signatory_title", sa.String(length=120), nullable=False),
        sa.Column("signature_image", sa.LargeBinary(), nullable=True),
        sa.Column("logo_image", sa.LargeBinary(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("dpo_name", sa.String(length=120), nullable=False),
        sa.Column("dpo_contact", sa.String(length=254), nullable=False),
        sa.Column("receipts_enabled_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_settings")),
    )
    op.create_table(
        "processing_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("data_subjects", sa.Text(), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("sensitive_data", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("transfers", sa.Text(), nullable=False),
        sa.Column("transfer_safeguards", sa.Text(), nullable=False),
        sa.Column("security_measures", sa.Text(), nullable=False),
        sa.Column("joint_controller", sa.Text(), nullable=False),
        sa.Column("processor", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_activity")),
    )
    op.create_table(
        "receipt_sequence",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_receipt_sequence")),
    )
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filter")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("person", "organisation", name="contactkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("civility", sa.String(length=16), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("birth_name", sa.String(length=100), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("legal_form", sa.String(length=60), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "deceased",
                "anonymised",
                "merged",
                name="contactstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("restricted_reason", sa.String(length=200), nullable=False),
        sa.Column("deceased_on", sa.Date(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("sort_name", sa.String(length=220), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_contact_import_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["contact.id"],
            name=op.f("fk_contact_merged_into_id_contact"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index("ix_contact_sort_name", ["sort_name"], unique=False)
        batch_op.create_index("ix_contact_status", ["status"], unique=False)

    op.create_table(
        "consent_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("post", "email", "phone", "sms", name="channel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "granted",
                "withdrawn",
                "objected",
                name="consentstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("proof_text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_consent_event_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_event")),
    )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consent_event_channel_purpose", ["channel", "purpose"], unique=False
        )
        batch_op.create_index(
            "ix_consent_event_lookup",
            ["contact_id", "channel", "purpose", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "contact_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_email_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_email")),
    )
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_email_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_email_email"), ["email"], unique=False)

    op.create_table(
        "contact_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_phone_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_phone")),
    )
    with op.batch_alter_table("contact_phone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_phone_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_phone_number"), ["number"], unique=False)

    op.create_table(
        "contact_tag",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_tag_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_contact_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", "tag_id", name=op.f("pk_contact_tag")),
    )
    with op.batch_alter_table("contact_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_tag_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "merge_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_ids", sa.JSON(), nullable=False),
        sa.Column("before_state", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["contact.id"], name=op.f("fk_merge_record_survivor_id_contact")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_record")),
    )
    with op.batch_alter_table("merge_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merge_record_survivor_id"), ["survivor_id"], unique=False
        )

    op.create_table(
        "not_duplicate",
        sa.Column("contact_a_id", sa.Integer(), nullable=False),
        sa.Column("contact_b_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.CheckConstraint(
            "contact_a_id < contact_b_id", name=op.f("ck_not_duplicate_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["contact_a_id"],
            ["contact.id"],
            name=op.f("fk_not_duplicate_contact_a_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_b_id"],
            ["contact.id"],
            name=op.f("fk_not_duplicate_contact_b_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_a_id", "contact_b_id", name=op.f("pk_not_duplicate")),
    )
    op.create_table(
        "postal_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("line2", sa.String(length=38), nullable=False),
        sa.Column("line3", sa.String(length=38), nullable=False),
        sa.Column("line4", sa.String(length=38), nullable=False),
        sa.Column("line5", sa.String(length=38), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=60), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("npai", sa.Boolean(), nullable=False),
        sa.Column("npai_on", sa.Date(), nullable=True),
        sa.Column("npai_campaign_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_postal_address_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["npai_campaign_id"],
            ["campaign.id"],
            name=op.f("fk_postal_address_npai_campaign_id_campaign"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_address")),
    )
    with op.batch_alter_table("postal_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postal_address_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_postal_address_npai"), ["npai"], unique=False)
        batch_op.create_index("ix_postal_address_postcode", ["postcode"], unique=False)

    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("individual", "company", name="receiptkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "mode",
            sa.Enum("per_gift", "annual", name="receiptmode", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("issued", "cancelled", name="receiptstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_receipt_contact_id_contact"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["receipt.id"], name=op.f("fk_receipt_replaces_id_receipt")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
        sa.UniqueConstraint("number", name=op.f("uq_receipt_number")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_receipt_year_sequence")),
    )
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.create_index("ix_receipt_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_receipt_year_status", ["year", "status"], unique=False)

    op.create_table(
        "rights_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "access",
                "rectification",
                "erasure",
                "restriction",
                "portability",
                "objection",
                name="rightsrequestkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("identity_check", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_notified_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "in_progress",
                "extended",
                "done",
                "refused",
                name="rightsrequeststatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_rights_request_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_request")),
    )
    with op.batch_alter_table("rights_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rights_request_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "erased_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_request.id"],
            name=op.f("fk_erased_identity_request_id_rights_request"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_identity")),
        sa.UniqueConstraint("identity_hash", name=op.f("uq_erased_identity_identity_hash")),
    )
    op.create_table(
        "gift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
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
        sa.Column(
            "nature",
            sa.Enum(
                "cash",
                "listed_shares",
                "waived_revenue",
                "waived_expenses",
                "in_kind",
                name="giftnature",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("in_kind_description", sa.Text(), nullable=False),
        sa.Column("in_kind_valuation", sa.String(length=200), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("cheque_number", sa.String(length=30), nullable=False),
        sa.Column("deposit_slip", sa.String(length=30), nullable=False),
        sa.Column("bank_reference", sa.String(length=80), nullable=False),
        sa.Column("receiptable", sa.Boolean(), nullable=False),
        sa.Column("is_membership_fee", sa.Boolean(), nullable=False),
        sa.Column("counterpart_cents", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_gift_amount_positive")),
        sa.CheckConstraint("counterpart_cents >= 0", name=op.f("ck_gift_counterpart_not_negative")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_gift_campaign_id_campaign"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_gift_contact_id_contact"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_gift_import_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipt.id"],
            name=op.f("fk_gift_receipt_id_receipt"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift")),
    )
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gift_bank_reference"), ["bank_reference"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gift_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            "ix_gift_contact_received", ["contact_id", "received_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gift_deposit_slip"), ["deposit_slip"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gift_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gift_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index("ix_gift_received_on", ["received_on"], unique=False)

    op.create_table(
        "receipt_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipt.id"],
            name=op.f("fk_receipt_delivery_receipt_id_receipt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_delivery")),
    )
    with op.batch_alter_table("receipt_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipt_delivery_receipt_id"), ["receipt_id"], unique=False
        )

    op.create_table(
        "receipt_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("gift_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gift_id"], ["gift.id"], name=op.f("fk_receipt_line_gift_id_gift"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipt.id"],
            name=op.f("fk_receipt_line_receipt_id_receipt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_line")),
        sa.UniqueConstraint(
            "receipt_id", "gift_id", name=op.f("uq_receipt_line_receipt_id_gift_id")
        ),
    )
    with op.batch_alter_table("receipt_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_line_gift_id"), ["gift_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("receipt_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_line_gift_id"))

    op.drop_table("receipt_line")
    with op.batch_alter_table("receipt_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_delivery_receipt_id"))

    op.drop_table("receipt_delivery")
    with op.batch_alter_table("gift", schema=None) as batch_op:
        batch_op.drop_index("ix_gift_received_on")
        batch_op.drop_index(batch_op.f("ix_gift_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_gift_import_batch_id"))
        batch_op.drop_index(batch_op.f("ix_gift_deposit_slip"))
        batch_op.drop_index("ix_gift_contact_received")
        batch_op.drop_index(batch_op.f("ix_gift_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_gift_bank_reference"))

    op.drop_table("gift")
    op.drop_table("erased_identity")
    with op.batch_alter_table("rights_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rights_request_contact_id"))

    op.drop_table("rights_request")
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_index("ix_receipt_year_status")
        batch_op.drop_index("ix_receipt_contact")

    op.drop_table("receipt")
    with op.batch_alter_table("postal_address", schema=None) as batch_op:
        batch_op.drop_index("ix_postal_address_postcode")
        batch_op.drop_index(batch_op.f("ix_postal_address_npai"))
        batch_op.drop_index(batch_op.f("ix_postal_address_contact_id"))

    op.drop_table("postal_address")
    op.drop_table("not_duplicate")
    with op.batch_alter_table("merge_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_record_survivor_id"))

    op.drop_table("merge_record")
    with op.batch_alter_table("contact_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_tag_tag_id"))

    op.drop_table("contact_tag")
    with op.batch_alter_table("contact_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_phone_number"))
        batch_op.drop_index(batch_op.f("ix_contact_phone_contact_id"))

    op.drop_table("contact_phone")
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_email_email"))
        batch_op.drop_index(batch_op.f("ix_contact_email_contact_id"))

    op.drop_table("contact_email")
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_event_lookup")
        batch_op.drop_index("ix_consent_event_channel_purpose")

    op.drop_table("consent_event")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_status")
        batch_op.drop_index("ix_contact_sort_name")
        batch_op.drop_index(batch_op.f("ix_contact_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_contact_import_batch_id"))

    op.drop_table("contact")
    op.drop_table("tag")
    op.drop_table("setting")
    op.drop_table("saved_filter")
    op.drop_table("receipt_sequence")
    op.drop_table("processing_activity")
    op.drop_table("organisation_settings")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_file_sha256"))

    op.drop_table("import_batch")
    op.drop_table("campaign")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")
        batch_op.drop_index("ix_audit_event_contact")
        batch_op.drop_index("ix_audit_event_at")

    op.drop_table("audit_event")
    op.drop_table("app_user")
