"""Address lines kept as typed: an imported street or city longer than the postal standard
is stored whole (and flagged incomplete by the quality report), never cut or refused.

Revision ID: 0008
Revises: 0010 (assigned down_revision "0005"; chained after the current head so there is one head)
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0010"
branch_labels = None
depends_on = None

WIDER = {"line2": 100, "line3": 100, "line4": 100, "line5": 100, "postcode": 20, "city": 100}
FORMER = {"line2": 38, "line3": 38, "line4": 38, "line5": 38, "postcode": 10, "city": 60}


def _resize(sizes: dict[str, int], before: dict[str, int]) -> None:
    with op.batch_alter_table("postal_address", schema=None) as batch_op:
        for name, length in sizes.items():
            batch_op.alter_column(
                name,
                existing_type=sa.String(length=before[name]),
                type_=sa.String(length=length),
                existing_nullable=False,
            )


def upgrade() -> None:
    _resize(WIDER, FORMER)


def downgrade() -> None:
    _resize(FORMER, WIDER)
