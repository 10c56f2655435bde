"""List exports shared by the GUI and the CLI: the filtered contacts or gifts, CSV or XLSX.

The rows are read in chunks with progress and cancel (100,000 contacts take seconds);
the file is written beside its target and renamed at the end, so a cancelled or failed
export never leaves half a file under the chosen name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.core.contacts import search as contact_search
from app.core.gifts import search as gift_search
from app.core.infrastructure.permissions import Permission
from app.core.list_exports import CHUNK, CONTACT_HEADER, GIFT_HEADER, contact_line, gift_line
from app.i18n import _
from app.operations.base import OperationContext, Outcome, check_permission
from app.operations.files import replace_atomically
from app.reports.table_export import write_table


def _rows(
    ctx: OperationContext,
    ids: list[int],
    fetch: Callable[[list[int]], Sequence[Any]],
    line: Callable[[Any], list[Any]],
) -> Iterator[list[Any]]:
    ctx.progress.start(len(ids), _("Export de la liste"))
    for start in range(0, len(ids), CHUNK):
        ctx.cancel.raise_if_cancelled()
        chunk = fetch(ids[start : start + CHUNK])
        yield from (line(r) for r in chunk)
        ctx.progress.advance(len(chunk))


def export_contacts(
    ctx: OperationContext, spec: contact_search.ContactFilter, path: Path
) -> Outcome[int]:
    """Write the contacts matching `spec` to `path` (.csv or .xlsx); returns the row count."""
    check_permission(ctx, Permission.CONTACTS_READ)
    with ctx.database.read() as session:
        ids = list(session.scalars(contact_search.ids_query(spec)))
        rows = _rows(ctx, ids, _fetcher(session, contact_search.fetch_rows), contact_line)
        return Outcome(_write(path, CONTACT_HEADER, rows))


def export_gifts(ctx: OperationContext, spec: gift_search.GiftFilter, path: Path) -> Outcome[int]:
    """Write the gifts matching `spec` to `path` (.csv or .xlsx); returns the row count."""
    check_permission(ctx, Permission.CONTACTS_READ)
    with ctx.database.read() as session:
        ids = list(session.scalars(gift_search.ids_query(spec)))
        rows = _rows(ctx, ids, _fetcher(session, gift_search.fetch_rows), gift_line)
        return Outcome(_write(path, GIFT_HEADER, rows))


def _write(path: Path, header: list[str], rows: Iterator[list[Any]]) -> int:
    return replace_atomically(path, lambda temp: write_table(temp, [_(h) for h in header], rows))


def _fetcher(
    session: Session, fetch: Callable[[Session, list[int]], Sequence[Any]]
) -> Callable[[list[int]], Sequence[Any]]:
    return lambda ids: fetch(session, ids)
