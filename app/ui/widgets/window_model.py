"""A table model over a SQL query, fetched lazily by windows of rows.

The query side is two plain callables (count, fetch a window) from app.core, so the model
only keeps the total and a small cache of windows; sorting asks the query again (SQL
ORDER BY), never sorts in Python.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView

from app.i18n import _

Row = TypeVar("Row")
WINDOW = 200
MAX_CACHED_WINDOWS = 20
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    """A column: French header, how to show a row, optional sort key and alignment."""

    header: str
    display: Callable[[Row], Any]
    sort_key: str | None = None
    align_right: bool = False
    tooltip: Callable[[Row], str] | None = None
    foreground: Callable[[Row], Any] | None = None


class WindowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows come from `fetch(offset, limit, sort_key, descending)`; `count()` gives the total."""

    def __init__(
        self,
        columns: list[Column[Row]],
        *,
        count: Callable[[], int],
        fetch: Callable[[int, int, str | None, bool], list[Row]],
        row_id: Callable[[Row], int],
    ) -> None:
        super().__init__()
        self.columns = columns
        self._count, self._fetch, self._row_id = count, fetch, row_id
        self._total = 0
        self._windows: OrderedDict[int, list[Row]] = OrderedDict()
        self.sort_key: str | None = None
        self.descending = False

    # --- queries ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Count again and drop the cached rows (after a filter or data change)."""
        self.beginResetModel()
        self._windows.clear()
        self._total = self._count()
        self.endResetModel()

    def set_sources(
        self, *, count: Callable[[], int], fetch: Callable[[int, int, str | None, bool], list[Row]]
    ) -> None:
        """Switch to another query (new filters) and refresh."""
        self._count, self._fetch = count, fetch
        self.refresh()

    def _window(self, number: int) -> list[Row]:
        if number in self._windows:
            self._windows.move_to_end(number)
            return self._windows[number]
        rows = self._fetch(number * WINDOW, WINDOW, self.sort_key, self.descending)
        self._windows[number] = rows
        if len(self._windows) > MAX_CACHED_WINDOWS:
            self._windows.popitem(last=False)
        return rows

    def row_at(self, row: int) -> Row | None:
        """The row object at position `row` (fetching its window if needed)."""
        if not 0 <= row < self._total:
            return None
        window = self._window(row // WINDOW)
        offset = row % WINDOW
        return window[offset] if offset < len(window) else None

    def id_at(self, row: int) -> int | None:
        """The record id at position `row`."""
        item = self.row_at(row)
        return None if item is None else self._row_id(item)

    # --- Qt model API ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """Total matching rows (0 for children: this is a flat table)."""
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell contents (display, alignment, tooltip, colour; record id in UserRole)."""
        if not index.isValid():
            return None
        item = self.row_at(index.row())
        if item is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(item)
        if role == Qt.ItemDataRole.UserRole:
            return self._row_id(item)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(item)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground:
            return column.foreground(item)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Translated column headers."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.columns[section].header)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's key (columns without one keep the current order)."""
        key = self.columns[column].sort_key
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()


def list_view(
    model: QAbstractTableModel, *, sort_column: int | None = None, descending: bool = False
) -> QTableView:
    """A read-only, row-selecting, single-line table over `model` (sorting in SQL if asked)."""
    table = QTableView()
    table.setModel(model)
    if sort_column is not None:
        table.setSortingEnabled(True)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        table.horizontalHeader().setSortIndicator(sort_column, order)
        _arrows_only_where_sorting(table, model, sort_column, order)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.setWordWrap(False)
    table.horizontalHeader().setDefaultSectionSize(140)
    table.horizontalHeader().setStretchLastSection(True)
    _hideable_columns(table)
    return table


def _hideable_columns(table: QTableView) -> None:
    """Right-click on the header: tick the columns to show (a narrow screen hides some)."""
    header = table.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    model = table.model()
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        action = QAction(_("Afficher « {column} »").format(column=title), header)
        action.setCheckable(True)
        action.setChecked(True)
        action.toggled.connect(lambda shown, c=column: table.setColumnHidden(c, not shown))
        header.addAction(action)


def _arrows_only_where_sorting(
    table: QTableView, model: QAbstractTableModel, column: int, order: Qt.SortOrder
) -> None:
    """A click on a column that cannot sort puts the arrow back where the sorting is."""
    columns = getattr(model, "columns", None)
    if columns is None:
        return
    header = table.horizontalHeader()
    current: list[tuple[int, Qt.SortOrder]] = [(column, order)]

    def changed(index: int, new_order: Qt.SortOrder) -> None:
        if 0 <= index < len(columns) and columns[index].sort_key is None:
            header.blockSignals(True)
            header.setSortIndicator(*current[0])
            header.blockSignals(False)
            return
        current[0] = (index, new_order)

    header.sortIndicatorChanged.connect(changed)
