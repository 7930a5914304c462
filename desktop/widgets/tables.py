"""Read-only tables of engine frames: one look for every pane's lists."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidgetItem

from desktop.qtmodels.marked_frame_model import MarkedFrameModel

#: Column headings that share a table's spare width (long text); other columns fit their contents.
WIDE_COLUMNS = ("Title", "Category", "Why it moved", "Policy", "Group", "Metric")
#: A wide column stretches while it gets at least this width (pixels) ...
MIN_WIDE = 120
#: ... and the narrowest it gets before the table scrolls sideways instead.
MIN_ELIDED = 80


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
    view.viewport().installEventFilter(_Refit(view))
    return view


class _Refit(QObject):
    """Fits ``view``'s columns again whenever its viewport changes width: a table filled while its pane
    was hidden (or the window small) would otherwise keep its titles elided in a wide window."""

    def __init__(self, view: QTableView):
        super().__init__(view)
        self._view = view
        self._width = -1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            width = self._view.viewport().width()
            if width != self._width and self._view.model() is not None and self._view.model().columnCount():
                self._width = width
                fit_columns(self._view)
        return False


def fit_columns(view: QTableView) -> None:
    """Columns fit their contents; titles, policies and reasons share the spare width. When that leaves
    a wide column narrower than ``MIN_WIDE`` pixels it gets what is left, elided, but never less than
    ``MIN_ELIDED``: then the table scrolls sideways."""
    header = view.horizontalHeader()
    model = view.model()
    n = model.columnCount()
    heading = lambda c: (model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.UserRole)  # noqa: E731
                         or model.headerData(c, Qt.Orientation.Horizontal))   # untranslated where the model has it
    wide = [heading(c) in WIDE_COLUMNS for c in range(n)]
    narrow = sum(max(view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(n) if not wide[c])
    share = (view.viewport().width() - narrow) // max(sum(wide), 1)      # spare width per wide column
    roomy = share >= MIN_WIDE
    for c in range(n):
        if wide[c] and not roomy:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, min(view.sizeHintForColumn(c), max(share, MIN_ELIDED)))
        else:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if wide[c]
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
