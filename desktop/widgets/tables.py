"""Read-only tables of engine frames: one look for every pane's lists."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidgetItem

from desktop.qtmodels.marked_frame_model import MarkedFrameModel

#: Column headings that share a table's spare width (long text); other columns fit their contents.
WIDE_COLUMNS = ("Title", "Category", "Why it moved", "Policy", "Group", "Metric")
#: The narrowest a wide column gets when the table cannot show everything (pixels).
MIN_WIDE = 160


def make_table(model: MarkedFrameModel, stretch_title: bool = True) -> QTableView:
    """A read-only table of ``model``; a header click sorts by that column (the list's own order until
    then)."""
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setHighlightSections(False)
    view.setWordWrap(False)
    view.setProperty("stretch_title", stretch_title)
    view.setMinimumWidth(200)
    return view


def fit_columns(view: QTableView) -> None:
    """Columns fit their contents; titles, policies and reasons take the spare width. When the table is
    too narrow for everything, those wide columns keep a readable width (at least ``MIN_WIDE`` pixels or
    40 % of the table, elided beyond) and the table scrolls sideways."""
    header = view.horizontalHeader()
    model = view.model()
    n = model.columnCount()
    width = view.viewport().width()
    fits = sum(max(view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(n)) <= width
    for c in range(n):
        wide = model.headerData(c, Qt.Orientation.Horizontal) in WIDE_COLUMNS
        if wide and not fits:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, min(view.sizeHintForColumn(c), max(MIN_WIDE, int(0.4 * width))))
        else:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if wide
                                        else QHeaderView.ResizeMode.ResizeToContents)


class NumberItem(QTableWidgetItem):
    """A table-widget cell that shows ``text`` and sorts by ``value`` (right-aligned)."""

    def __init__(self, text: str, value: float):
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole, float(value))
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if mine is None or theirs is None:
            return super().__lt__(other)
        return float(mine) < float(theirs)
