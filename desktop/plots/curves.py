"""Labelled curve and histogram plots. They draw arrays the engine computed; no math here."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

ACCENT = QColor("#2563eb")
FILL = QColor(37, 99, 235, 70)
REFERENCE = QColor("#9ca3af")


def configure() -> None:
    """Global pyqtgraph look: white background, dark axes, antialiasing."""
    pg.setConfigOptions(antialias=True, background="w", foreground="#374151")


class LabelledPlot(pg.PlotWidget):
    """A PlotWidget with a title, labelled axes, a light grid and mouse zoom/pan on both axes."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle(title, size="10pt")
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.hideButtons()
        for side in ("bottom", "left"):  # keep the labels at the ends of fixed ranges (0, 1.0)
            item.getAxis(side).setStyle(hideOverlappingLabels=False)
        self.setMinimumSize(220, 170)
        self._items: list[pg.GraphicsObject] = []

    def clear_data(self) -> None:
        for it in self._items:
            self.getPlotItem().removeItem(it)
        self._items = []

    def has_data(self) -> bool:
        return any(it.getData()[0] is not None and len(it.getData()[0]) for it in self._items
                   if hasattr(it, "getData"))

    def _add(self, item: pg.GraphicsObject) -> pg.GraphicsObject:
        self.getPlotItem().addItem(item)
        self._items.append(item)
        return item


class CurvePlot(LabelledPlot):
    """One curve y(x), optionally with a dashed reference line."""

    def set_curve(self, x, y, *, reference=None, x_range=None, y_range=None) -> None:
        """x, y: (n,) arrays; reference: optional ((n,), (n,)) drawn dashed grey underneath."""
        self.clear_data()
        if reference is not None:
            self._add(pg.PlotDataItem(*reference, pen=pg.mkPen(REFERENCE, width=1,
                                                                 style=pg.QtCore.Qt.PenStyle.DashLine)))
        self._add(pg.PlotDataItem(x, y, pen=pg.mkPen(ACCENT, width=2), fillLevel=0,
                                  fillBrush=FILL))
        item = self.getPlotItem()
        if x_range is not None:
            item.setXRange(*x_range, padding=0.03)
        if y_range is not None:
            item.setYRange(*y_range, padding=0.03)
        if x_range is None or y_range is None:
            item.enableAutoRange(x=x_range is None, y=y_range is None)


class HistogramPlot(LabelledPlot):
    """A histogram from bin edges (n+1,) and counts (n,), drawn as a filled step curve.

    Bins are drawn equally wide and the x axis is labelled with the edge values, so log-spaced
    bins (as the engine makes for activity counts) read like a log axis with exact bin edges.
    """

    def set_histogram(self, edges, counts, *, max_labels: int = 8) -> None:
        self.clear_data()
        edges = list(edges)
        positions = list(range(len(edges)))
        self._add(pg.PlotDataItem(positions, list(counts), stepMode="center", fillLevel=0,
                                  fillBrush=FILL, pen=pg.mkPen(ACCENT, width=1.5)))
        step = max(1, -(-len(edges) // max_labels))  # ceil: at most max_labels labels
        ticks = [(i, f"{edges[i]:,g}") for i in positions[::step]]
        self.getPlotItem().getAxis("bottom").setTicks([ticks, []])
        self.getPlotItem().enableAutoRange()
