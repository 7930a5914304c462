"""Horizontal bars with long category labels (item titles, feature names) and signed values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics

from desktop.plots.axes import CategoryAxis, elide
from desktop.plots.curves import LabelledPlot

POSITIVE = QColor("#2563eb")
NEGATIVE = QColor("#dc2626")
NEUTRAL = QColor("#9ca3af")


def text_width(text: str) -> int:
    """Pixel width of ``text`` in the default font (value labels beside bars)."""
    return QFontMetrics(QFont()).horizontalAdvance(text) + 10


def padded_range(lo: float, hi: float, text_px: float, view_px: float) -> tuple[float, float]:
    """An x range around [lo, hi] (lo <= 0 <= hi) with ``text_px`` pixels free beside each side that
    has bars, on a view ``view_px`` wide."""
    span = (hi - lo) or 1.0
    text_px *= 1.2                      # the 1 % gap between bar and text, and some air
    bars_px = max(view_px - text_px * ((lo < 0) + (hi > 0)), 40.0)
    pad = span * text_px / bars_px
    return lo - (pad if lo < 0 else 0.02 * span), hi + (pad if hi > 0 else 0.02 * span)


class HBarPlot(LabelledPlot):
    """One bar per label, first label on top; positive bars blue, negative red, ``muted`` indices
    grey (e.g. an "other items" remainder); each value written at its bar's end."""

    def __init__(self, title: str, x_label: str, y_label: str = "", *, label_width: int = 30, parent=None):
        super().__init__(title, x_label, y_label, parent)
        if not title:
            self.getPlotItem().setTitle(None)     # no empty title row
        self.axis = CategoryAxis("left")
        item = self.getPlotItem()
        item.setAxisItems({"left": self.axis})
        item.setLabel("left", y_label)
        item.invertY(True)
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=True, y=False, alpha=0.15)
        item.getAxis("bottom").enableAutoSIPrefix(False)
        self.label_width = label_width
        item.vb.sigResized.connect(self._view_resized)
        self.labels: list[str] = []
        self.values: list[float] = []

    def has_data(self) -> bool:
        return bool(self.values)

    def set_bars(self, labels, values, *, muted=(), decimals: int = 3, tips=None) -> None:
        """labels (n,) full texts (elided on the axis), values (n,) float; ``tips`` (n,) optional
        hover texts (default label and value)."""
        self.clear_data()
        self.labels, self.values = [str(s) for s in labels], [float(v) for v in values]
        n = len(self.values)
        item = self.getPlotItem()
        if n == 0:
            self.axis.set_labels([], [])
            return
        v = np.asarray(self.values)
        ys = np.arange(n, dtype=float)
        colours = [NEUTRAL if i in muted else (POSITIVE if x >= 0 else NEGATIVE) for i, x in enumerate(v)]
        self._add(pg.BarGraphItem(x0=np.minimum(v, 0), y=ys, width=np.abs(v), height=0.66,
                                  brushes=[pg.mkBrush(c) for c in colours], pen=pg.mkPen(None)))
        lo, hi = min(0.0, float(v.min())), max(0.0, float(v.max()))
        span = (hi - lo) or 1.0
        for y, x in zip(ys, v):
            text = pg.TextItem(f"{x:+.{decimals}f}" if lo < 0 else f"{x:.{decimals}f}", color="#111827",
                               anchor=(0, 0.5) if x >= 0 else (1, 0.5))
            text.setPos(x + (0.01 if x >= 0 else -0.01) * span, y)
            self._add(text)
        self._add(pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#6b7280", width=1)))
        self.axis.set_labels(ys, [elide(s, self.label_width) for s in self.labels])
        hover = tips if tips is not None else [f"{s}\n{x:.{decimals}f}" for s, x in zip(self.labels, v)]
        self._tips = list(hover)
        self._extent = (lo, hi, max(text_width(t.textItem.toPlainText()) for t in self._items
                                    if isinstance(t, pg.TextItem)))
        self._fit_x()
        item.setYRange(-0.6, n - 0.4, padding=0)
        if not getattr(self, "_hooked", False):
            self.scene().sigMouseMoved.connect(self._hover)
            self._hooked = True

    def _fit_x(self) -> None:
        """Leave room in pixels for the value texts beside the longest bars."""
        if not self.values:
            return
        lo, hi, text_px = self._extent
        self.getPlotItem().setXRange(*padded_range(lo, hi, text_px, self.getPlotItem().vb.width()), padding=0)

    def _view_resized(self, *_args) -> None:
        if getattr(self, "values", None):
            self._fit_x()

    def _hover(self, scene_pos) -> None:
        view = self.getPlotItem().vb
        if not self.values or not view.sceneBoundingRect().contains(scene_pos):
            self.setToolTip("")
            return
        row = int(round(view.mapSceneToView(scene_pos).y()))
        self.setToolTip(self._tips[row] if 0 <= row < len(self._tips) else "")
