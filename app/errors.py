"""One error taxonomy: user errors get a clear message, anything else is a bug."""

from __future__ import annotations


class AppError(Exception):
    """Base of every error Obole raises on purpose."""


class UserError(AppError):
    """An error the user can understand and fix; its message is shown as is."""


class ValidationError(UserError):
    """Input that does not meet a rule; names the field (and row/file when known)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(UserError):
    """A requested record does not exist."""


class Conflict(UserError):
    """The operation conflicts with the current state (locked, already done...)."""


class PermissionDenied(UserError):
    """The current user's role does not allow this operation."""


class StorageError(UserError):
    """The environment failed: disk full, database locked, file unreadable."""


class SchemaTooNew(StorageError):
    """The database was written by a newer Obole than this one."""


class OperationCancelled(AppError):
    """The user cancelled a long operation; nothing was changed."""


def raise_first(problems: list[ValidationError]) -> None:
    """Raise the first of the problems found by a validator (nothing to do when empty)."""
    if problems:
        raise problems[0]
