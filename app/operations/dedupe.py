"""Duplicate actions shared by the GUI and the CLI: scan, preview, merge, batch merge,
mark as different people, undo a merge.

A batch merge is risky: the automatic backup comes first, then one write transaction.
Each merge stays undoable.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.dedupe.batch import BatchResult, merge_safe_groups
from app.core.dedupe.merge import MergePreview, mark_not_duplicate, preview
from app.core.dedupe.merge import merge as merge_contacts_in
from app.core.dedupe.merge import undo as undo_merge_in
from app.core.dedupe.scan import (
    SUGGESTION_THRESHOLD,
    CandidateGroup,
    Thresholds,
    load_thresholds,
    save_thresholds,
    scan,
)
from app.core.infrastructure.permissions import Permission
from app.models import Contact
from app.operations.base import Change, OperationContext, Outcome, check_permission, risky

MERGE_CHANGES = frozenset({Change.DUPLICATES, Change.CONTACTS, Change.GIFTS, Change.RECEIPTS})


@dataclass(frozen=True)
class ScanResult:
    """Candidate groups, best score first, and the display name of every member."""

    groups: list[CandidateGroup]
    names: dict[int, str]
    suggestion_threshold: float = SUGGESTION_THRESHOLD  # groups under it are "à vérifier"


@dataclass(frozen=True)
class Merged:
    """One merge, undoable by its id."""

    merge_id: int
    survivor_id: int
    merged_ids: list[int]


def scan_duplicates(
    ctx: OperationContext, *, threshold: float | None = None
) -> Outcome[ScanResult]:
    """Every group of probable duplicates (progress, cancel)."""
    with ctx.database.read() as session:
        groups = (
            scan(session, progress=ctx.progress, cancel=ctx.cancel)
            if threshold is None
            else scan(session, threshold=threshold, progress=ctx.progress, cancel=ctx.cancel)
        )
        ids = {i for g in groups for i in g.member_ids}
        names = {c.id: c.display_name for c in session.query(Contact).filter(Contact.id.in_(ids))}
        suggestion = load_thresholds(session).suggestion
    return Outcome(ScanResult(groups, names, suggestion))


def merge_preview(
    ctx: OperationContext, survivor_id: int, other_ids: list[int], choices: dict[str, int]
) -> Outcome[MergePreview]:
    """The contact a merge would give, with the values chosen."""
    with ctx.database.read() as session:
        return Outcome(preview(session, survivor_id, other_ids, choices))


def merge_contacts(
    ctx: OperationContext,
    survivor_id: int,
    other_ids: list[int],
    *,
    choices: dict[str, int] | None = None,
) -> Outcome[Merged]:
    """Merge `other_ids` into `survivor_id` in one transaction (undoable)."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        record = merge_contacts_in(session, survivor_id, other_ids, choices=choices)
        done = Merged(record.id, record.survivor_id, list(record.merged_ids))
    return Outcome(done, MERGE_CHANGES)


def merge_safe(ctx: OperationContext, groups: list[CandidateGroup]) -> Outcome[BatchResult]:
    """Back up, then merge every safe group into its oldest contact (cancel = nothing)."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    if not any(g.safe for g in groups):
        return Outcome(BatchResult((), ()))
    risky(ctx, "merge-batch")
    with ctx.database.write() as session:
        result = merge_safe_groups(session, groups, progress=ctx.progress, cancel=ctx.cancel)
    return Outcome(result, MERGE_CHANGES)


def mark_different(ctx: OperationContext, member_ids: list[int]) -> Outcome[None]:
    """Remember that these contacts are different people (never proposed again)."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        for other in member_ids[1:]:
            mark_not_duplicate(session, member_ids[0], other)
    return Outcome(None, frozenset({Change.DUPLICATES}))


def undo_merge(ctx: OperationContext, merge_id: int) -> Outcome[int]:
    """Put the merged contacts back exactly as they were."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        undo_merge_in(session, merge_id)
    return Outcome(merge_id, MERGE_CHANGES)


def duplicate_thresholds(ctx: OperationContext) -> Outcome[Thresholds]:
    """The suggestion and batch-merge thresholds (probabilities)."""
    with ctx.database.read() as session:
        return Outcome(load_thresholds(session))


def set_duplicate_thresholds(ctx: OperationContext, thresholds: Thresholds) -> Outcome[Thresholds]:
    """Change the suggestion and batch-merge thresholds (settings permission)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        save_thresholds(session, thresholds)
    return Outcome(thresholds, frozenset({Change.DUPLICATES}))
