"""Import actions shared by the GUI and the CLI: preview, import, undo, list, export.

An import or its undo is risky: the automatic backup comes first, then one write
transaction. The file is read and checked again inside that transaction, so what is
written is what the database holds at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.clock import today
from app.core.importing import commit as importing
from app.core.importing.commit import ImportReport, file_sha256, report_of
from app.core.importing.history import ImportSummary, list_imports
from app.core.importing.obole_format import export_contacts, export_gifts
from app.core.importing.plan import ImportPlan
from app.core.importing.service import prepare
from app.core.infrastructure.permissions import Permission
from app.errors import NotFound
from app.i18n import _
from app.models import ImportBatch
from app.operations.base import Change, OperationContext, Outcome, check_permission, risky
from app.reports.table_export import write_table

IMPORT_CHANGES = frozenset({Change.IMPORTS, Change.CONTACTS, Change.GIFTS, Change.DUPLICATES})


@dataclass(frozen=True)
class ImportRequest:
    """A file to import as contacts or gifts, with its column mapping if chosen."""

    path: Path
    kind: str  # "contacts" or "gifts"
    mapping: dict[int, str] | None = None
    mapping_file: Path | None = None


@dataclass(frozen=True)
class Imported:
    """The plan the import followed and its reconciliation report."""

    plan: ImportPlan
    report: ImportReport


def _permission(kind: str) -> Permission:
    return Permission.GIFTS_WRITE if kind == "gifts" else Permission.CONTACTS_WRITE


def _prepare_in(ctx: OperationContext, session: object, request: ImportRequest) -> ImportPlan:
    return prepare(
        session,  # type: ignore[arg-type]
        request.path,
        request.kind,
        today=today(ctx.database.clock),
        mapping_file=request.mapping_file,
        mapping=request.mapping,
    )


def preview_import(ctx: OperationContext, request: ImportRequest) -> Outcome[ImportPlan]:
    """Read the file and dry-run it: what would be created, updated, rejected (and why)."""
    with ctx.database.read() as session:
        return Outcome(_prepare_in(ctx, session, request))


def import_file(
    ctx: OperationContext, request: ImportRequest, *, preview: ImportPlan | None = None
) -> Outcome[Imported]:
    """Back up, then check the file again and write it in one transaction (undoable).

    Nothing is backed up or written when the preview (given, or made here) has nothing to
    create or update.
    """
    check_permission(ctx, _permission(request.kind))
    plan = preview or preview_import(ctx, request).result
    report = report_of(plan)
    if not (report.created or report.updated):
        return Outcome(Imported(plan, report))
    risky(ctx, "import")
    with ctx.database.write() as session:
        plan = _prepare_in(ctx, session, request)
        report = importing.commit(
            session,
            plan,
            file_name=request.path.name,
            sha256=file_sha256(request.path),
            today=today(ctx.database.clock),
            progress=ctx.progress,
            cancel=ctx.cancel,
        )
    return Outcome(Imported(plan, report), IMPORT_CHANGES)


def undo_import(ctx: OperationContext, batch_id: int) -> Outcome[dict[str, int]]:
    """Back up, then remove what an import created and restore what it updated."""
    with ctx.database.read() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(_("Import n° {id} introuvable.").format(id=batch_id))
        kind = batch.kind
    check_permission(ctx, _permission(kind))
    risky(ctx, "import")
    with ctx.database.write() as session:
        result = importing.undo_import(session, batch_id)
    return Outcome(result, IMPORT_CHANGES)


def imports(ctx: OperationContext) -> Outcome[list[ImportSummary]]:
    """The imports made, oldest first."""
    with ctx.database.read() as session:
        return Outcome(list_imports(session))


def export_for_reimport(ctx: OperationContext, what: str, target: Path) -> Outcome[int]:
    """Contacts or gifts in Obole's own import format (re-importable)."""
    with ctx.database.read() as session:
        count = (export_contacts if what == "contacts" else export_gifts)(
            session, target, write=write_table
        )
    return Outcome(count)
