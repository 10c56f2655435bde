"""Qt-free progress and cancellation protocols for long operations."""

from __future__ import annotations

import threading
from typing import Protocol

from app.errors import OperationCancelled


class Progress(Protocol):
    """Receives progress of a long operation (GUI dialog, CLI bar, test recorder)."""

    def start(self, total: int, label: str = "") -> None:
        """Announce `total` steps (0 when unknown)."""
        ...

    def advance(self, steps: int = 1) -> None:
        """Report that `steps` more steps are done."""
        ...


class NullProgress:
    """Progress that goes nowhere."""

    def start(self, total: int, label: str = "") -> None:
        """Ignore."""

    def advance(self, steps: int = 1) -> None:
        """Ignore."""


NULL_PROGRESS = NullProgress()


class CancelToken:
    """Set by the user interface, checked by the operation between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the operation to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise OperationCancelled if the user asked to stop."""
        if self._event.is_set():
            raise OperationCancelled("Opération annulée.")


class RecordingProgress:
    """Keeps what it was told (used by tests and by the CLI's JSON mode)."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.labels: list[str] = []

    def start(self, total: int, label: str = "") -> None:
        """Remember the total and label."""
        self.total = total
        self.labels.append(label)

    def advance(self, steps: int = 1) -> None:
        """Count the steps."""
        self.done += steps
