"""FrameModel: a read-only, sortable QAbstractTableModel over a (small) pandas DataFrame preview."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


def format_cell(value) -> str:
    """Text for one cell: '' for missing values, compact floats, ISO dates."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}"
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat(sep=" ") if (value.hour or value.minute or value.second) \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _sort_keys(column: pd.Series, numeric: bool) -> list:
    """Sort keys of one column: numbers by value (missing last), everything else by its text."""
    if numeric:
        values = pd.to_numeric(column, errors="coerce").astype("float64").tolist()
        return [(math.isnan(v), v if not math.isnan(v) else 0.0) for v in values]
    return [(text == "", text.casefold()) for text in (format_cell(v) for v in column.tolist())]


class FrameModel(QAbstractTableModel):
    """Rows and columns of ``frame`` as text; numbers right-aligned; header = column names.
    A header click sorts (numbers by value, text alphabetically; column -1: the frame's order);
    ``source_row(row)`` is the frame row a shown row comes from. A new frame keeps the sort.

    row_labels: optional (n_rows,) labels of the vertical header (e.g. the rows' line numbers in
    the file); default 1..n.
    """

    def __init__(self, frame: pd.DataFrame | None = None, row_labels=None, parent=None):
        super().__init__(parent)
        self._columns: list[str] = []
        self._cells: list[list[str]] = []   # column-major text, built once per frame
        self._numeric: list[bool] = []
        self._row_labels: list[str] = []
        self._keys: list[list] = []
        self._order: list[int] = []          # shown row -> frame row
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self.header_tips: dict[str, str] = {}    # column heading -> its tooltip
        #: translation context of the headings and their tips (QT_TRANSLATE_NOOP(context, …) where they are
        #: defined); None shows them as they are (data columns)
        self.header_context: str | None = None
        self.set_frame(frame if frame is not None else pd.DataFrame(), row_labels)

    def set_frame(self, frame: pd.DataFrame, row_labels=None, formats: dict | None = None) -> None:
        """Show ``frame``; ``formats``: column -> format string (e.g. "{:.1%}") for its numbers (they
        still sort by value)."""
        self.beginResetModel()
        labels = range(1, len(frame) + 1) if row_labels is None else list(row_labels)[:len(frame)]
        self._row_labels = [str(v) for v in labels]
        self._columns = [str(c) for c in frame.columns]
        formats = formats or {}
        self._cells = [[format_cell(v) if str(frame.columns[j]) not in formats or not isinstance(v, (int, float))
                        else formats[str(frame.columns[j])].format(v) for v in frame.iloc[:, j].tolist()]
                       for j in range(frame.shape[1])]
        self._numeric = [pd.api.types.is_numeric_dtype(frame.dtypes.iloc[j])
                         for j in range(frame.shape[1])]
        self._keys = [_sort_keys(frame.iloc[:, j], self._numeric[j]) for j in range(frame.shape[1])]
        self._rows = len(frame)
        self._order = self._sorted(*self._sort)
        self.endResetModel()

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[int]:
        rows = list(range(self._rows))
        if 0 <= column < len(self._keys):
            rows.sort(key=self._keys[column].__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._order = self._sorted(column, order)
        self.layoutChanged.emit()

    def source_row(self, row: int) -> int:
        """The frame row shown at ``row`` (``row`` itself when out of range)."""
        return self._order[row] if 0 <= row < len(self._order) else row

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.column()][self._order[index.row()]]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._numeric[index.column()]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal \
                and section < len(self._columns):
            tip = self.header_tips.get(self._columns[section])
            return self._translated(tip) if tip else tip
        if role == Qt.ItemDataRole.UserRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if section < len(self._columns) else None   # the untranslated heading
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._translated(self._columns[section]) if section < len(self._columns) else None
        return self._row_labels[self._order[section]] if section < len(self._row_labels) else None

    def _translated(self, text: str) -> str:
        return QCoreApplication.translate(self.header_context, text) if self.header_context else text

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
