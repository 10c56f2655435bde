"""What receipts need from the PDF renderer, as a protocol, and where it is installed.

The core never imports `app.reports` (import-linter checks it): issuing needs the SHA-256
of each receipt's PDF, reprints and files need the PDF itself, so the renderer is handed to
the core. `app.operations` installs the ReportLab one (`app.reports.receipt_batch`) when it
is imported, which every front end does; a test may install another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from app.core.receipts.document import ReceiptDocument

# (document, logo, signature) of one receipt, as given to the print file.
Page = tuple[ReceiptDocument, bytes | None, bytes | None]


class PendingDigests(Protocol):
    """Digests being computed for one submitted group of documents."""

    def result(self) -> list[str]:
        """Wait for the SHA-256 (hex) of each document's PDF, in submission order."""
        ...


class DigestBatch(Protocol):
    """Renders groups of receipts (maybe in worker processes); a context manager."""

    @property
    def workers(self) -> int:
        """Processes rendering in parallel (1: the calling process)."""
        ...

    def submit(
        self,
        docs: Sequence[ReceiptDocument],
        logo: bytes | None,
        signature: bytes | None,
        paths: Sequence[Path] | None = None,
    ) -> PendingDigests:
        """Start rendering `docs` (each also written to the path at its index, if given)."""
        ...

    def __enter__(self) -> DigestBatch:
        """Start the batch."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the workers (at once after an error)."""
        ...


class ReceiptRendering(Protocol):
    """The renderer of receipts and of the number log."""

    def render(
        self, doc: ReceiptDocument, *, logo: bytes | None, signature: bytes | None, mark: str = ""
    ) -> bytes:
        """One receipt as PDF bytes (deterministic)."""
        ...

    def batch(self, *, expected: int, workers: int | None = None) -> DigestBatch:
        """A batch renderer sized for `expected` receipts."""
        ...

    def print_file(self, pages: Iterable[Page], target: Path, *, title: str, author: str) -> int:
        """Every receipt of `pages` in one PDF; returns how many."""
        ...

    def table(self, target: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """A table as CSV or XLSX (by extension); returns the row count."""
        ...

    def table_pdf(
        self,
        target: Path,
        title: str,
        summary: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """A table as a landscape PDF."""
        ...


_installed: list[ReceiptRendering] = []


def install(rendering: ReceiptRendering) -> None:
    """Make `rendering` the renderer the receipt functions use."""
    _installed[:] = [rendering]


def renderer() -> ReceiptRendering:
    """The installed renderer (a programming error if none is)."""
    if not _installed:
        raise RuntimeError(
            "no receipt renderer installed: import app.operations (it installs ReportLab's)"
        )
    return _installed[0]
