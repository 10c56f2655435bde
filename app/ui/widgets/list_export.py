"""The "Exporter" action of a list page: ask for a file, export the filtered rows in the
background (progress, cancel), say the outcome in the page's status label."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from app.i18n import _
from app.operations.base import OperationContext, Outcome
from app.ui.shell.context import UiContext


def choose_export_file(parent: QWidget, title: str, stem: str) -> Path | None:
    """The file the user picks (Excel by default, CSV possible), or None."""
    path, _filter = QFileDialog.getSaveFileName(
        parent,
        title,
        f"{stem}-{date.today():%Y%m%d}.xlsx",
        _("Classeur Excel (*.xlsx);;CSV (*.csv)"),
    )
    return Path(path) if path else None


def export_in_background(
    ctx: UiContext,
    parent: QWidget,
    work: Callable[[OperationContext], Outcome[int]],
    *,
    label: str,
    status: QLabel,
    said: Callable[[int], str],
    on_count: Callable[[int], None],
) -> None:
    """Run the export operation `work`; `said(count)` goes to `status` when it is written."""

    def done(count: int) -> None:
        on_count(count)
        status.setText(said(count))

    ctx.ops.op(
        work,
        parent=parent,
        label=label,
        on_success=done,
        on_cancel=lambda: status.setText(_("Export annulé : aucun fichier écrit.")),
    )
