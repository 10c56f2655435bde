"""What the core needs from the renderers, as protocols: the caller passes the renderer.

The core computes data and never imports `app.reports` (import-linter checks it). A core
function that must produce a file receives the renderer as an argument: the operation (or
a test) passes one from `app.reports`, such as `app.reports.table_export.write_table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol


class TableWriter(Protocol):
    """Writes a header and rows to `path` (the format by extension); returns the row count."""

    def __call__(self, path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Write the table."""
        ...


class DocumentRenderer(Protocol):
    """Renders plain data (a dictionary) to a PDF's bytes."""

    def __call__(self, data: dict[str, Any]) -> bytes:
        """Render the document."""
        ...
