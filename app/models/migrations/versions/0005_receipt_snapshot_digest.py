"""Receipts keep the SHA-256 of their snapshot, so a reprint after a software update can
tell a new layout (same data) from altered data.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _digest(snapshot: object) -> str:
    if isinstance(snapshot, str):
        snapshot = json.loads(snapshot)
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("snapshot_sha256", sa.String(length=64), server_default="", nullable=False)
        )
    # Receipts issued before: their snapshot as it is today (the PDF digest still vouches
    # for the layout they were issued with).
    connection = op.get_bind()
    receipt = sa.table(
        "receipt",
        sa.column("id", sa.Integer),
        sa.column("snapshot", sa.JSON),
        sa.column("snapshot_sha256", sa.String),
    )
    rows = connection.execute(sa.select(receipt.c.id, receipt.c.snapshot)).all()
    if rows:
        connection.execute(
            receipt.update()
            .where(receipt.c.id == sa.bindparam("receipt_id"))
            .values(snapshot_sha256=sa.bindparam("digest")),
            [{"receipt_id": row.id, "digest": _digest(row.snapshot)} for row in rows],
        )


def downgrade() -> None:
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_column("snapshot_sha256")
