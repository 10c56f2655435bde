"""Many rows into one table at driver speed, on SQLite and PostgreSQL.

SQLAlchemy's executemany builds a parameter dictionary per row and runs every value through
its column type's bind processor one call at a time: for 20,000 gifts that bookkeeping costs
more than SQLite's own work. `insert_rows` converts the values column by column with the same
processors (enums, dates, UTC datetimes stay exactly as the ORM stores them), fills the
columns the caller left out with their Python default evaluated once for the whole batch
(`created_at` is the same instant for a batch), and hands one executemany to the driver.

Core only: no ORM events fire (the caller journals the batch itself, see
`app.core.infrastructure.journal.record_events`), and the identity map knows nothing of the
new rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def _batch_default(table: Table, key: str) -> tuple[bool, Any]:
    default = table.c[key].default
    if default is None:
        return False, None
    if default.is_scalar:
        return True, default.arg  # type: ignore[attr-defined]
    if default.is_callable:
        return True, default.arg(None)  # type: ignore[attr-defined]  # wrapped: takes a context
    return False, None


def _processed(values: list[Any], process: Any) -> list[Any]:
    """`values` through a bind processor, each distinct value converted once."""
    done: dict[Any, Any] = {}
    try:
        return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]
    except TypeError:  # an unhashable value
        return [process(v) for v in values]


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (dictionaries with the same keys) into `table` in one executemany."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    count = len(rows)
    columns: dict[str, list[Any]] = {key: [row[key] for row in rows] for key in rows[0]}
    for column in table.c:
        if column.key not in columns:
            found, value = _batch_default(table, column.key)
            if found:
                columns[column.key] = [value] * count
    for key, values in columns.items():
        process = table.c[key].type._cached_bind_processor(dialect)  # noqa: SLF001
        if process is not None:
            columns[key] = _processed(values, process)
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    params: list[Any]
    if compiled.positional:
        order = list(compiled.positiontup or ())
        params = list(zip(*(columns[k] for k in order), strict=True))
    else:
        keys = list(columns)
        params = [dict(zip(keys, t, strict=True)) for t in zip(*columns.values(), strict=True)]
    connection.exec_driver_sql(compiled.string, params)
