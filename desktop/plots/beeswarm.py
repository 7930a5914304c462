"""A SHAP beeswarm: one row per feature, one dot per explained recommendation at its SHAP value,
coloured by the feature's value (low blue → high red; grey where the value has no order)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop.plots.axes import CategoryAxis, elide
from desktop.plots.curves import LabelledPlot

LOW, HIGH, NOMINAL = QColor("#2563eb"), QColor("#dc2626"), QColor(120, 120, 120, 150)
#: Horizontal bins used to stack overlapping dots.
BINS = 90


def swarm_offsets(x: np.ndarray, half_height: float = 0.38) -> np.ndarray:
    """(n,) vertical offsets that stack dots falling in the same horizontal bin, alternately above
    and below the row's centre line (a drawing layout, not a statistic)."""
    n = len(x)
    if n == 0:
        return np.zeros(0)
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    b = np.floor((x - lo) / ((hi - lo) or 1.0) * (BINS - 1)).astype(np.int64)
    order = np.lexsort((np.arange(n), b))
    sorted_bins = b[order]
    rank = np.arange(n) - np.searchsorted(sorted_bins, sorted_bins)
    crowd = max(1, int(np.bincount(b).max()))
    step = half_height / max(1.0, crowd / 2)
    offset = np.empty(n)
    offset[order] = ((rank + 1) // 2) * np.where(rank % 2, 1.0, -1.0) * min(step, 0.08)
    return offset


class BeeswarmPlot(LabelledPlot):
    """values (P, F) drawn as F rows (in ``order``), hover text per dot."""

    def __init__(self, title: str, x_label: str, *, label_width: int = 30, parent=None):
        super().__init__(title, x_label, "", parent)
        if not title:
            self.getPlotItem().setTitle(None)     # no empty title row
        self.axis = CategoryAxis("left")
        item = self.getPlotItem()
        item.setAxisItems({"left": self.axis})
        item.invertY(True)
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=True, y=False, alpha=0.15)
        item.getAxis("bottom").enableAutoSIPrefix(False)
        self.label_width = label_width
        self.features: list[str] = []
        self.points = 0
        self.colour_map = pg.ColorMap([0.0, 0.5, 1.0], [LOW, QColor("#a855f7"), HIGH])

    def has_data(self) -> bool:
        return self.points > 0

    def set_swarm(self, features, values, colour_values, hover, order) -> None:
        """features (F,); values, colour_values (P, F) float (NaN colour: grey); hover (P, F) text;
        order (F,) feature indices, top row first."""
        self.clear_data()
        values = np.asarray(values, dtype=np.float64)
        colours = np.asarray(colour_values, dtype=np.float64)
        self.features = [str(features[f]) for f in order]
        spots = []
        for row, f in enumerate(order):
            x = values[:, f]
            y = row + swarm_offsets(x)
            c = colours[:, f]
            ok = np.isfinite(c)
            scaled = np.full(len(c), np.nan)
            if ok.any():
                lo, hi = np.nanmin(c), np.nanmax(c)
                scaled[ok] = (c[ok] - lo) / ((hi - lo) or 1.0)
            for p in range(len(x)):
                brush = self.colour_map.map(scaled[p], mode="qcolor") if ok[p] else NOMINAL
                spots.append({"pos": (x[p], y[p]), "brush": pg.mkBrush(brush),
                              "data": self.tr("{v0} = {v1}\nSHAP {v2:+.4f}").format(v0=features[f], v1=hover[p][f], v2=x[p])})
        self.points = len(spots)
        scatter = pg.ScatterPlotItem(size=5, pen=None, hoverable=True, hoverSize=8,
                                     tip=lambda x, y, data: data)
        scatter.addPoints(spots)
        self._add(scatter)
        self._add(pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#6b7280", width=1)))
        self.axis.set_labels(np.arange(len(order)), [elide(s, self.label_width) for s in self.features])
        item = self.getPlotItem()
        item.setYRange(-0.6, len(order) - 0.4, padding=0)
        item.enableAutoRange(x=True)
