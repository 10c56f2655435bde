"""PostgreSQL id sequences after bulk inserts that chose their own ids (demo, import, undo).

SQLite picks max(id) + 1 by itself; PostgreSQL's SERIAL/IDENTITY sequences do not see rows
inserted with explicit ids, so the next ordinary INSERT would reuse an id (UniqueViolation).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, text
from sqlalchemy.orm import Session

from app.models import Base


def _serial_tables() -> list[str]:
    return [
        table.name
        for table in Base.metadata.sorted_tables
        if len(table.primary_key.columns) == 1
        and "id" in table.primary_key.columns
        and isinstance(table.primary_key.columns["id"].type, Integer)
    ]


def sync_sequences(session: Session, tables: Iterable[str] | None = None) -> None:
    """Move each table's id sequence past its largest id (PostgreSQL; nothing on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in tables if tables is not None else _serial_tables():
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608
                f'coalesce((SELECT max(id) FROM "{name}"), 0) + 1, false) '
                f"WHERE pg_get_serial_sequence('\"{name}\"', 'id') IS NOT NULL"
            )
        )
