"""What every operation receives and returns.

`OperationContext` carries the open database, the progress sink and the cancel token;
`Outcome` carries the frozen result and the `Change` set that tells views what to reload.
`risky` takes the automatic backup that a risky action needs before its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from app.core.infrastructure.backup import BackupResult, automatic_backup
from app.core.infrastructure.database import Database
from app.core.infrastructure.permissions import Permission, require_role
from app.core.progress import NULL_PROGRESS, CancelToken, Progress

T = TypeVar("T")


class Change(StrEnum):
    """A kind of data an operation changed; views reload what they show of it."""

    CONTACTS = "contacts"
    GIFTS = "gifts"
    RECEIPTS = "receipts"
    CAMPAIGNS = "campaigns"
    CONSENTS = "consents"
    DUPLICATES = "duplicates"
    IMPORTS = "imports"
    GDPR = "gdpr"
    SETTINGS = "settings"
    USERS = "users"
    BACKUPS = "backups"
    MEMBERSHIPS = "memberships"
    SEPA = "sepa"
    APPEALS = "appeals"


Changes = frozenset[Change]
NOTHING: Changes = frozenset()
EVERYTHING: Changes = frozenset(Change)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The frozen result of an operation and what it changed."""

    result: T
    changes: Changes = NOTHING


@dataclass(frozen=True)
class OperationContext:
    """What an operation needs besides its own arguments."""

    database: Database
    progress: Progress = NULL_PROGRESS
    cancel: CancelToken = field(default_factory=CancelToken)


def check_permission(ctx: OperationContext, permission: Permission) -> None:
    """Raise PermissionDenied before any work when the acting role lacks `permission`.

    The same check runs again inside the transaction
    (`app.core.infrastructure.permissions.require`); this early one keeps a refused action
    from taking a backup or rendering anything.
    """
    require_role(ctx.database.role, permission)


def read(ctx: OperationContext, query: Callable[[Session], T]) -> T:
    """Run a read of the core (`query(session) -> T`) in one read-only unit of work.

    The CLI's reads (`CliContext.query`) go through it; the GUI's runner does the same on its
    worker thread (`DatabaseRunner.query`). Reads need no operation of their own, but no
    caller above this layer opens a session.
    """
    with ctx.database.read() as session:
        return query(session)


def risky(ctx: OperationContext, reason: str) -> BackupResult | None:
    """The automatic backup taken before a risky action (import, batch, erasure, restore)."""
    database = ctx.database
    return automatic_backup(database.engine, database.backup_dir, reason=reason)
