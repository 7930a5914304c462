"""A scatter of labelled points (one per run), e.g. average recommended popularity vs coverage."""

from __future__ import annotations

import math

import pyqtgraph as pg

from desktop.plots.bars import colour, short
from desktop.plots.curves import LabelledPlot


class LabelledScatter(LabelledPlot):
    """Points with a name written beside each; hovering a point shows its tooltip line."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None):
        super().__init__(title, x_label, y_label, parent)
        for side in ("left", "bottom"):
            self.getPlotItem().getAxis(side).enableAutoSIPrefix(False)
        self.names: list[str] = []
        self.points: list[tuple[float, float]] = []

    def has_data(self) -> bool:
        return bool(self.points)

    def set_points(self, xs, ys, names, tips=None) -> None:
        """xs, ys (n,) coordinates, names (n,) point labels, tips (n,) optional hover text."""
        self.clear_data()
        keep = [i for i in range(len(names)) if not (math.isnan(float(xs[i])) or math.isnan(float(ys[i])))]
        self.names = [str(names[i]) for i in keep]
        self.points = [(float(xs[i]), float(ys[i])) for i in keep]
        if not keep:
            return
        spots = [{"pos": p, "brush": pg.mkBrush(colour(j)), "size": 12, "pen": pg.mkPen("#111827", width=0.8),
                  "data": (tips[keep[j]] if tips is not None else self.names[j])}
                 for j, p in enumerate(self.points)]
        scatter = pg.ScatterPlotItem(spots=spots, hoverable=True, tip=lambda x, y, data: str(data))
        self._add(scatter)
        for j, (x, y) in enumerate(self.points):
            text = pg.TextItem(short(self.names[j], 18), color="#111827", anchor=(-0.12, 0.5))
            text.setPos(x, y)
            self._add(text)
        item = self.getPlotItem()
        lo_x, hi_x = min(p[0] for p in self.points), max(p[0] for p in self.points)
        lo_y, hi_y = min(p[1] for p in self.points), max(p[1] for p in self.points)
        pad_x, pad_y = (hi_x - lo_x) or abs(hi_x) or 1.0, (hi_y - lo_y) or abs(hi_y) or 1.0
        item.setXRange(lo_x - 0.15 * pad_x, hi_x + 0.45 * pad_x, padding=0)
        item.setYRange(lo_y - 0.2 * pad_y, hi_y + 0.2 * pad_y, padding=0)
