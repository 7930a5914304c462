"""Bar charts: one bar per run with a confidence interval, and grouped bars (groups × runs).

They draw numbers the engine computed (means, interval bounds, group values); no math here.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics

from desktop.plots.curves import LabelledPlot

#: Series colours (runs), colour-blind friendly (Okabe–Ito, blue first).
PALETTE = ("#2563eb", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#6b7280")
HIGHLIGHT = "#1e3a8a"


def colour(i: int) -> QColor:
    return QColor(PALETTE[i % len(PALETTE)])


def short(label: str, width: int = 14) -> str:
    """A tick label that fits under a bar: long names end in an ellipsis."""
    return label if len(label) <= width else label[:width - 1] + "…"


class BarPlot(LabelledPlot):
    """One bar per label with an optional [low, high] error bar and the value written above it."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None):
        super().__init__(title, x_label, y_label, parent)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.labels: list[str] = []
        self.values: list[float] = []

    def has_data(self) -> bool:
        return bool(self.values)

    def set_bars(self, labels, values, low=None, high=None, *, selected=(), decimals: int = 3) -> None:
        """labels (n,), values (n,); low / high (n,) interval bounds (NaN: none); ``selected``:
        indices drawn in the highlight colour."""
        self.clear_data()
        self.labels, self.values = [str(s) for s in labels], [float(v) for v in values]
        n = len(self.values)
        item = self.getPlotItem()
        if n == 0:
            item.getAxis("bottom").setTicks([[]])
            return
        xs = list(range(n))
        brushes = [pg.mkBrush(HIGHLIGHT if i in selected else colour(0)) for i in xs]
        heights = [0.0 if math.isnan(v) else v for v in self.values]
        self._add(pg.BarGraphItem(x=xs, height=heights, width=0.6, brushes=brushes, pen=pg.mkPen(None)))
        top = list(heights)
        if low is not None and high is not None:
            lo = [float(v) for v in low]
            hi = [float(v) for v in high]
            ok = [i for i in xs if not (math.isnan(lo[i]) or math.isnan(hi[i]))]
            if ok:
                self._add(pg.ErrorBarItem(x=np.array([xs[i] for i in ok], float),
                                          y=np.array([heights[i] for i in ok]),
                                          top=np.array([hi[i] - heights[i] for i in ok]),
                                          bottom=np.array([heights[i] - lo[i] for i in ok]), beam=0.25,
                                          pen=pg.mkPen("#111827", width=1.3)))
                for i in ok:
                    top[i] = max(top[i], hi[i])
        peak = max(top) if top else 1.0
        for i in xs:
            text = pg.TextItem("–" if math.isnan(self.values[i]) else f"{self.values[i]:.{decimals}f}",
                               color="#111827", anchor=(0.5, 1.0))
            text.setPos(i, top[i] + 0.02 * (peak or 1.0))
            self._add(text)
        self._fit_ticks()
        item.setXRange(-0.6, n - 0.4, padding=0)
        item.setYRange(0, (peak or 1.0) * 1.15, padding=0)

    def _fit_ticks(self) -> None:
        """Tick labels elided to the width each bar has (again on every resize)."""
        if not getattr(self, "labels", None):   # resizeEvent comes before __init__ has run
            return
        axis = self.getPlotItem().getAxis("bottom")
        metrics = QFontMetrics(axis.style.get("tickFont") or self.font())
        slot = int(max(self.getPlotItem().getViewBox().width() / len(self.labels) - 8, 16))
        axis.setTicks([[(i, metrics.elidedText(s, Qt.TextElideMode.ElideRight, slot))
                        for i, s in enumerate(self.labels)], []])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_ticks()


class GroupedBarPlot(LabelledPlot):
    """Bars for categories (x) × series (one colour each, legend), e.g. customer groups × runs."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None):
        super().__init__(title, x_label, y_label, parent)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.getPlotItem().addLegend(offset=(-8, 8), labelTextSize="8pt")
        self.categories: list[str] = []
        self.series: list[str] = []

    def has_data(self) -> bool:
        return bool(self.series and self.categories)

    def clear_data(self) -> None:
        super().clear_data()
        self.legend.clear()

    def set_groups(self, categories, series, values, *, y_range=None, colours=None) -> None:
        """categories (c,), series (s,), values (s, c) nested lists (NaN: no bar);
        colours: optional (s,) colour strings instead of the palette."""
        self.clear_data()
        self.categories, self.series = [str(c) for c in categories], [str(s) for s in series]
        n_c, n_s = len(self.categories), len(self.series)
        item = self.getPlotItem()
        if not n_c or not n_s:
            item.getAxis("bottom").setTicks([[]])
            return
        width = 0.8 / n_s
        peak = 0.0
        for s, row in enumerate(values):
            heights = [0.0 if math.isnan(float(v)) else float(v) for v in row]
            peak = max([peak, *heights])
            xs = [c - 0.4 + width * (s + 0.5) for c in range(n_c)]
            brush = pg.mkBrush(colours[s] if colours else colour(s))
            bar = pg.BarGraphItem(x=xs, height=heights, width=width * 0.9, brush=brush, pen=pg.mkPen(None),
                                  name=short(self.series[s], 22))
            self._add(bar)  # named items join the legend by themselves
        item.getAxis("bottom").setTicks([[(c, s) for c, s in enumerate(self.categories)], []])
        item.setXRange(-0.55, n_c - 0.45, padding=0)
        if y_range is not None:
            item.setYRange(*y_range, padding=0)
        else:
            item.setYRange(0, (peak or 1.0) * 1.3, padding=0)
