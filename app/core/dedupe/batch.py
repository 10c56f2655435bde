"""Batch merge of the safe groups (high score, strong identifier, no veto), with progress."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.dedupe.merge import merge
from app.core.dedupe.scan import CandidateGroup
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.errors import UserError
from app.i18n import _


@dataclass(frozen=True)
class BatchResult:
    """Merges done and groups skipped with their reason."""

    merge_ids: tuple[int, ...]
    skipped: tuple[tuple[tuple[int, ...], str], ...]


def merge_safe_groups(
    session: Session,
    groups: list[CandidateGroup],
    *,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> BatchResult:
    """Merge each safe group into its oldest contact, in the caller's transaction."""
    safe = [g for g in groups if g.safe]
    progress.start(len(safe), _("Fusion des doublons sûrs"))
    merged, skipped = [], []
    for group in safe:
        survivor, *others = sorted(group.member_ids)
        try:
            with session.begin_nested():
                merged.append(merge(session, survivor, others).id)
        except UserError as exc:
            skipped.append((group.member_ids, str(exc)))
        progress.advance()
        if cancel is not None:
            cancel.raise_if_cancelled()
    return BatchResult(tuple(merged), tuple(skipped))
