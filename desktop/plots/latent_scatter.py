"""The interactive latent map: one dot per item, coloured by a catalog column; hovering names the
item, clicking picks it; the customer's history, recommendations and the selected item marked."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor

from desktop.plots.curves import LabelledPlot

#: Qualitative colours (Tableau 10) for category legends; grey for "other" and unknown values.
QUALITATIVE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
               "#9c755f", "#86bcb6")
GREY = "#bab0ac"
GREY_LABELS = ("other", "(unknown)")


def legend_colours(legend, ordered: bool) -> list[QColor]:
    """One colour per legend entry: a viridis ramp for ordered bands, else the qualitative palette."""
    named = [s for s in legend if s not in GREY_LABELS]
    ramp = pg.colormap.get("viridis")
    out, k = [], 0
    for s in legend:
        if s in GREY_LABELS:
            out.append(QColor(GREY))
            continue
        if ordered:
            out.append(ramp.map(0.1 + 0.8 * k / max(1, len(named) - 1), mode="qcolor"))
        else:
            out.append(QColor(QUALITATIVE[k % len(QUALITATIVE)]))
        k += 1
    return out


class LatentScatter(LabelledPlot):
    """``set_map`` draws n points; ``point_hovered(pos)`` / ``point_clicked(pos)`` give the
    point's position in the map (-1: left every point)."""

    point_hovered = Signal(int)
    point_clicked = Signal(int)

    def __init__(self, title: str = "", x_label: str | None = None, y_label: str | None = None, parent=None):
        super().__init__(title, x_label or self.tr("dimension 1"), y_label or self.tr("dimension 2"), parent)
        if not title:
            self.getPlotItem().setTitle(None)     # no empty title row
        item = self.getPlotItem()
        item.showGrid(x=False, y=False)
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)
        self.points = pg.ScatterPlotItem(size=7, pen=pg.mkPen(255, 255, 255, 140, width=0.6), hoverable=True,
                                         hoverSize=12, hoverPen=pg.mkPen("#111827", width=1.5),
                                         tip=lambda x, y, data: self.labels[int(data)])
        self.points.sigHovered.connect(self._hovered)
        self.points.sigClicked.connect(self._clicked)
        item.addItem(self.points)
        self.history = self._overlay("o", 14, None, pg.mkPen("#111827", width=1.8))
        self.recommended = self._overlay("star", 17, pg.mkBrush("#f59e0b"), pg.mkPen("#78350f", width=1))
        self.user = self._overlay("x", 16, pg.mkBrush("#111827"), pg.mkPen("#ffffff", width=0.5))
        self.selected = self._overlay("o", 22, None, pg.mkPen("#dc2626", width=2.6))
        self.labels: list[str] = []
        self.legend: list[tuple[str, str]] = []     # (colour "#rrggbb", text) of the point colours
        self.xy = np.zeros((0, 2))
        self.hovered = -1

    def _overlay(self, symbol, size, brush, pen) -> pg.ScatterPlotItem:
        s = pg.ScatterPlotItem(symbol=symbol, size=size, brush=brush if brush is not None else pg.mkBrush(None),
                               pen=pen)
        s.setZValue(5)
        s.sigClicked.connect(self._clicked)
        self.getPlotItem().addItem(s)
        return s

    def has_data(self) -> bool:
        return len(self.xy) > 0

    def set_map(self, xy, colors, legend, labels, *, ordered: bool = False) -> None:
        """xy (n, 2), colors (n,) positions in legend (k,), labels (n,) hover titles."""
        self.xy = np.asarray(xy, dtype=np.float64)
        self.labels = [str(s) for s in labels]
        colours = legend_colours(legend, ordered)
        palette = [pg.mkBrush(c) for c in colours]
        codes = np.asarray(colors, dtype=np.int64)
        self.points.setData(pos=self.xy, brush=[palette[c] for c in codes], data=np.arange(len(self.xy)))
        for s in (self.history, self.recommended, self.user, self.selected):
            s.clear()
        self.legend = [(c.name(), str(name)) for c, name in zip(colours, legend)]
        self.hovered = -1
        self.getPlotItem().autoRange()

    def set_marks(self, history_xy, history_pos, recommended_xy, recommended_pos, user_xy=None) -> None:
        """The customer's history (n, 2) and recommendations (m, 2) with their map positions
        ((n,), (m,); -1 when the item is not a drawn point) and their own place (2,) or None."""
        def put(scatter, xy, pos):
            xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
            pos = np.asarray(pos, dtype=np.int64).reshape(-1)
            ok = np.isfinite(xy).all(axis=1)
            scatter.setData(pos=xy[ok], data=pos[ok])
        put(self.history, history_xy, history_pos)
        put(self.recommended, recommended_xy, recommended_pos)
        if user_xy is not None and np.isfinite(np.asarray(user_xy, dtype=float)).all():
            put(self.user, [user_xy], [-1])
        else:
            self.user.clear()

    def set_selected(self, pos: int) -> None:
        """Ring point ``pos`` of the map (-1: none)."""
        if 0 <= pos < len(self.xy):
            self.selected.setData(pos=self.xy[[pos]], data=[pos])
        else:
            self.selected.clear()

    def _hovered(self, _item, points, _ev) -> None:
        pos = int(points[0].data()) if len(points) else -1
        if pos != self.hovered:
            self.hovered = pos
            self.point_hovered.emit(pos)

    def _clicked(self, _item, points, _ev=None) -> None:
        pos = next((int(p.data()) for p in points if int(p.data()) >= 0), -1)
        if pos >= 0:
            self.point_clicked.emit(pos)
