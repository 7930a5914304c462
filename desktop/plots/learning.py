"""Learning curves: per-epoch lines that grow live during training, with the best epoch marked."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from desktop.plots.bars import colour
from desktop.plots.curves import LabelledPlot


class WholeNumberAxis(pg.AxisItem):
    """An axis of whole numbers (epochs): ticks at 1, 2, 5, 10, … apart, never at 1.2 or 2.5."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1 and float(spacing).is_integer()]
        return levels or [(1.0, 0.0)]


class LearningCurvePlot(LabelledPlot):
    """One or more named series y(epoch) drawn as lines with dots; ``mark`` draws a dashed vertical
    line labelled e.g. "best epoch 7". With ``legend`` a legend appears once there are two series."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None, *, legend: bool = False):
        super().__init__(title, x_label, y_label, parent, axis_items={"bottom": WholeNumberAxis("bottom")})
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.want_legend = legend
        self.legend = None
        self._series: dict[str, tuple[pg.PlotDataItem, list, list]] = {}
        self._marker: pg.InfiniteLine | None = None
        self._budget: float | None = None
        self._x_end = 0.0

    def set_x_budget(self, budget: float) -> None:
        """Live epochs of a run with an epoch budget: the x axis fits the epochs drawn, growing in
        steps (to twice the last epoch, at most ``budget``) until ``clear_data``, so live points
        redraw the curve but rarely the axis (each axis redraw costs the GUI ~5 ms)."""
        self._budget = float(budget)
        self.getPlotItem().enableAutoRange(x=False)
        self._grow_x(1.0)

    def x_range(self) -> tuple[float, float]:
        """The x axis's visible range."""
        low, high = self.getPlotItem().getViewBox().viewRange()[0]
        return float(low), float(high)

    def _grow_x(self, x: float) -> None:
        if x <= self._x_end:
            return
        self._x_end = min(self._budget, max(5.0, 2.0 * x))
        self.getPlotItem().setXRange(1, max(self._x_end, 2.0), padding=0.02)

    def clear_data(self) -> None:
        super().clear_data()
        self._series = {}
        self._marker = None
        self._budget, self._x_end = None, 0.0
        if self.legend is not None:
            self.legend.clear()
            self.legend.hide()

    def has_data(self) -> bool:
        return any(len(xs) for _, xs, _ in self._series.values())

    def points(self, name: str) -> tuple[list, list]:
        """(epochs, values) drawn for series ``name`` (empty lists when absent)."""
        _, xs, ys = self._series.get(name, (None, [], []))
        return list(xs), list(ys)

    def _curve(self, name: str) -> tuple[pg.PlotDataItem, list, list]:
        if name not in self._series:
            c = colour(len(self._series))
            item = self._add(pg.PlotDataItem([], [], pen=pg.mkPen(c, width=2), symbol="o", symbolSize=6,
                                             symbolBrush=c, symbolPen=None, name=name))
            self._series[name] = (item, [], [])
            if self.want_legend and len(self._series) == 2:
                if self.legend is None:
                    self.legend = self.getPlotItem().addLegend(offset=(-8, 8), labelTextSize="8pt")
                self.legend.clear()
                self.legend.show()
                for other, (it, _, _) in self._series.items():
                    self.legend.addItem(it, other)
        return self._series[name]

    def set_series(self, name: str, xs, ys) -> None:
        """Replace series ``name`` with epochs ``xs`` (n,) and values ``ys`` (n,)."""
        item, px, py = self._curve(name)
        px[:], py[:] = [float(x) for x in xs], [float(y) for y in ys]
        item.setData(px, py)
        self.getPlotItem().enableAutoRange()
        self._fit_flat_y()

    def append(self, name: str, x: float, y: float) -> None:
        """Add one point (a finished epoch) to series ``name``."""
        item, px, py = self._curve(name)
        px.append(float(x))
        py.append(float(y))
        item.setData(px, py)
        if self._budget is not None:
            self._grow_x(float(x))
            self.getPlotItem().enableAutoRange(y=True)
        else:
            self.getPlotItem().enableAutoRange()
        self._fit_flat_y()

    def _fit_flat_y(self) -> None:
        """While every value drawn is the same (one validated epoch), the y axis spans zero to that
        value and a quarter more, instead of auto-range's ±0.5 around it (NDCG 0.04 on an axis from
        −0.4 to 0.5 reads as if a negative score were possible)."""
        values = [y for _, _, ys in self._series.values() for y in ys]
        if not values or max(values) - min(values) > 1e-12 * max(1.0, abs(values[0])):
            return
        v = values[0]
        low, high = min(0.0, v), max(0.0, v)
        pad = 0.25 * (high - low) or 1.0
        self.getPlotItem().setYRange(low - (pad if v < 0 else 0.0), high + (pad if v >= 0 else 0.0), padding=0)

    def mark(self, x: float | None, label: str = "") -> None:
        """A dashed vertical line at ``x`` (None removes it)."""
        if self._marker is not None:
            self.getPlotItem().removeItem(self._marker)
            self._items.remove(self._marker)
            self._marker = None
        if x is None:
            return
        self._marker = self._add(pg.InfiniteLine(pos=float(x), angle=90, pen=pg.mkPen(
            "#dc2626", width=1.5, style=Qt.PenStyle.DashLine), label=label,
            labelOpts={"position": 0.92, "color": "#b91c1c", "anchors": [(1, 0.5), (1, 0.5)],
                                 "fill": (255, 255, 255, 210)}))
