"""MarkedFrameModel: a FrameModel whose rows can carry a background colour and a tooltip, and that
keeps the frame it shows (so a view can read e.g. the item id of a clicked row, sorted or not)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.qtmodels.frame_model import FrameModel, _Index


class MarkedFrameModel(FrameModel):
    """frame: what the table shows (display-ready columns); data: the frame the rows came from
    (same length, any columns); marks: row -> colour; notes: row -> tooltip; bold: bold rows (rows
    of ``frame``; sorting moves them along)."""

    def __init__(self, parent=None):
        super().__init__(None, None, parent)
        self.data_frame = pd.DataFrame()
        self._marks: dict[int, QBrush] = {}
        self._notes: dict[int, str] = {}
        self._bold: set[int] = set()

    def show(self, frame: pd.DataFrame, data: pd.DataFrame | None = None, *, marks: dict | None = None,
             notes: dict | None = None, bold=(), formats: dict | None = None) -> None:
        self.data_frame = (data if data is not None else frame).reset_index(drop=True)
        self._marks = {int(r): QBrush(QColor(c)) for r, c in (marks or {}).items()}
        self._notes = {int(r): str(t) for r, t in (notes or {}).items()}
        self._bold = {int(r) for r in bold}
        self.set_frame(frame.reset_index(drop=True), formats=formats)

    def clear(self) -> None:
        self.show(pd.DataFrame())

    def value(self, row: int, column: str):
        """``data[column]`` of the row shown at ``row``, or None when out of range."""
        row = self.source_row(row)
        if column not in self.data_frame.columns or not 0 <= row < len(self.data_frame):
            return None
        return self.data_frame[column].iloc[row]

    def marked_rows(self) -> list[int]:
        return sorted(self._marks)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.source_row(index.row())
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._marks.get(row)
        if role == Qt.ItemDataRole.ToolTipRole and row in self._notes:
            return self._notes[row]
        if role == Qt.ItemDataRole.FontRole and row in self._bold:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)
