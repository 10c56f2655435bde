"""Receipt numbers: YYYY-NNNNN per year, strictly sequential, never reused, no gap.

Numbers are allocated inside the issuing transaction from a per-year counter row that is
locked (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the write transaction already holds
the database's write lock, BEGIN IMMEDIATE). If the transaction rolls back, the counter
rolls back with it, so a cancelled batch leaves no gap. The unique constraints on
(year, sequence) and number are the last line of defence.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import ReceiptSequence

DIGITS = 5


def format_number(year: int, sequence: int) -> str:
    """2025, 42 -> '2025-00042'."""
    return f"{year}-{sequence:0{DIGITS}d}"


def parse_number(number: str) -> tuple[int, int]:
    """'2025-00042' -> (2025, 42); ValueError otherwise."""
    year, _sep, sequence = number.partition("-")
    if len(year) != 4 or not year.isdigit() or not sequence.isdigit():
        raise ValueError(f"not a receipt number: {number!r}")
    return int(year), int(sequence)


def allocate(session: Session, year: int, count: int = 1) -> list[int]:
    """Reserve the next `count` sequence numbers of `year` (caller's transaction)."""
    if count <= 0:
        return []
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(ReceiptSequence).values(year=year, last_number=0).on_conflict_do_nothing()
    )
    row = session.scalars(
        select(ReceiptSequence)
        .where(ReceiptSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    first = row.last_number + 1
    row.last_number += count
    session.flush()
    return list(range(first, first + count))
