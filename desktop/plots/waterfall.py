"""A horizontal waterfall: from a baseline, each feature's push up or down, to the explained total."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.plots.axes import CategoryAxis, elide
from desktop.plots.curves import LabelledPlot
from desktop.plots.hbars import padded_range, text_width

UP = QColor("#16a34a")
DOWN = QColor("#dc2626")
ENDS = QColor("#64748b")
TOTAL = QColor("#2563eb")


class WaterfallPlot(LabelledPlot):
    """Rows top to bottom: the baseline bar (from 0), one bar per feature from the running total to
    the running total plus its value (green up, red down), and the total bar (from 0)."""

    def __init__(self, title: str, x_label: str, *, label_width: int = 34, parent=None):
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
        item.vb.sigResized.connect(self._view_resized)
        self.labels: list[str] = []
        self.values: list[float] = []
        self.baseline = self.total = 0.0

    def has_data(self) -> bool:
        return bool(self.values)

    def set_waterfall(self, baseline: float, labels, values, total: float, *, baseline_label: str = "baseline",
                      total_label: str = "total", decimals: int = 3) -> None:
        """labels (n,), values (n,) in drawing order; baseline + sum(values) should equal total."""
        self.clear_data()
        self.labels, self.values = [str(s) for s in labels], [float(v) for v in values]
        self.baseline, self.total = float(baseline), float(total)
        v = np.asarray(self.values)
        n = len(v)
        ends = self.baseline + np.cumsum(v)
        starts = ends - v
        rows = np.arange(n + 2, dtype=float)
        x0 = np.concatenate([[min(0.0, self.baseline)], np.minimum(starts, ends), [min(0.0, self.total)]])
        width = np.concatenate([[abs(self.baseline)], np.abs(v), [abs(self.total)]])
        colours = [ENDS] + [UP if x >= 0 else DOWN for x in v] + [TOTAL]
        self._add(pg.BarGraphItem(x0=x0, y=rows, width=width, height=0.62,
                                  brushes=[pg.mkBrush(c) for c in colours], pen=pg.mkPen(None)))
        # dashed connectors from each bar's end to the next bar's start
        joins = np.concatenate([[self.baseline], ends])
        for r, x in enumerate(joins):
            self._add(pg.PlotDataItem([x, x], [r + 0.31, r + 0.69],
                                      pen=pg.mkPen("#94a3b8", width=1, style=Qt.PenStyle.DashLine)))
        points = np.concatenate([[self.baseline], v, [self.total]])
        right = x0 + width
        lo, hi = float(min(0.0, x0.min())), float(max(0.0, right.max()))
        span = (hi - lo) or 1.0
        for r, value in enumerate(points):
            text = f"{value:+.{decimals}f}" if 0 < r <= n else f"{value:.{decimals}f}"
            label = pg.TextItem(text, color="#111827", anchor=(0, 0.5))
            label.setPos(right[r] + 0.01 * span, r)
            self._add(label)
        self._add(pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#6b7280", width=1)))
        names = [baseline_label] + self.labels + [total_label]
        self.axis.set_labels(rows, [elide(s, self.label_width) for s in names])
        item = self.getPlotItem()
        self._extent = (lo, hi, max(text_width(t.textItem.toPlainText()) for t in self._items
                                    if isinstance(t, pg.TextItem)))
        self._fit_x()
        item.setYRange(-0.6, n + 1.6, padding=0)

    def _fit_x(self) -> None:
        lo, hi, text_px = self._extent
        left, right = padded_range(min(lo, -1e-12), hi, text_px, self.getPlotItem().vb.width())
        span = (hi - lo) or 1.0
        self.getPlotItem().setXRange(lo - 0.03 * span, right, padding=0)

    def _view_resized(self, *_args) -> None:
        if getattr(self, "values", None):
            self._fit_x()
