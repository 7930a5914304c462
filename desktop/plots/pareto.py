"""The size-vs-accuracy chart of a compression sweep: one point per model version (the original as
a star), the x axis log-scaled in megabytes on disk, colour = scoring latency (colour bar; the
caller's title names its unit), the
Pareto-optimal versions outlined and joined. It draws the engine's ``pareto_points``; no math
beyond placing points and their labels on the log axis."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics

from desktop.plots.axes import tick_font
from desktop.plots.curves import LabelledPlot

MB = 1e6
#: Tick values of the size axis (MB): 1-2-5 steps, else 1-9 steps when a range is narrow.
SIZE_TICKS = ([m * 10.0 ** e for e in range(-4, 6) for m in (1, 2, 5)],
              [m * 10.0 ** e for e in range(-4, 6) for m in range(1, 10)])
FRONT = "#111827"
PLAIN = "#9ca3af"
#: Label positions tried in turn: the label box's (left, top) offset from its point in pixels, given
#: the label's width w and height h: right, above, below, left of the point.
PLACES = (lambda w, h: (11, -h / 2), lambda w, h: (2, -h - 7), lambda w, h: (2, 7), lambda w, h: (-w - 11, -h / 2))


def size_text(n_bytes: float) -> str:
    """'25.8 MB', '640 kB', '812 B'."""
    n = float(n_bytes)
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            v = n / scale
            return f"{v:.1f} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{n:.0f} B"


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class ParetoPlot(LabelledPlot):
    """Points (size on disk, metric) with hover tips; ``points`` keeps what was drawn (each with
    "row": its index in the input); clicking a point emits ``point_clicked(row)``."""

    point_clicked = Signal(int)

    def __init__(self, title: str = "Size vs accuracy", parent=None):
        super().__init__(title, "Size on disk (MB, log scale)", "NDCG@10", parent)
        item = self.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)
            item.getAxis(side).setStyle(tickFont=tick_font())
        self.colormap = pg.colormap.get("viridis")
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=self.colormap, interactive=False, width=12)
        self.bar.axis.setStyle(tickFont=tick_font())
        item.layout.addItem(self.bar, 2, 5)
        item.layout.setColumnFixedWidth(4, 5)
        self.bar.hide()
        self.points: list[dict] = []
        self.scatter: pg.ScatterPlotItem | None = None
        self.front: pg.PlotDataItem | None = None
        self.labels: list[tuple[pg.TextItem, float, float, bool]] = []   # item, x, y, on the front
        self._range = (0.0, 1.0, 0.0, 1.0)
        item.vb.sigResized.connect(self.place_labels)

    def has_data(self) -> bool:
        return bool(self.points)

    def set_points(self, points: list[dict], latencies: list[float], metric_label: str = "NDCG@10") -> None:
        """points: the engine's ``pareto_points`` (original first; each with "method", "size_bytes",
        "value", "pareto"); latencies (n,): ms per 1,000 users of each point."""
        self.clear_data()
        self.scatter = self.front = None
        self.labels = []
        item = self.getPlotItem()
        item.setLabel("left", metric_label)
        self.points = [dict(p, latency=float(lat), row=i) for i, (p, lat) in enumerate(zip(points, latencies))
                       if p["size_bytes"] > 0 and math.isfinite(float(p["value"]))]
        if not self.points:
            self.bar.hide()
            item.getAxis("bottom").setTicks(None)
            return
        lats = [p["latency"] for p in self.points]
        lo, hi = min(lats), max(lats)
        if hi <= lo:
            hi = lo + 1.0
        self.bar.setLevels((lo, hi))
        self.bar.show()
        xs = [math.log10(p["size_bytes"] / MB) for p in self.points]
        ys = [float(p["value"]) for p in self.points]
        front = sorted((x, y) for x, y, p in zip(xs, ys, self.points) if p["pareto"])
        if len(front) > 1:
            self.front = self._add(pg.PlotDataItem([f[0] for f in front], [f[1] for f in front],
                                                   pen=pg.mkPen(FRONT, width=1.3, style=Qt.PenStyle.DashLine)))
        spots = []
        for x, y, p in zip(xs, ys, self.points):
            original = p["method"] == "original"
            colour = self.colormap.map((p["latency"] - lo) / (hi - lo), mode="qcolor")
            tip = (f"{p['method']}\n{size_text(p['size_bytes'])} on disk · {metric_label} {p['value']:.4f}\n"
                   f"{p['latency']:.0f} ms per 1,000 customers"
                   + ("\nbest trade-off: nothing is both smaller and more accurate" if p["pareto"] else ""))
            spots.append({"pos": (x, y), "brush": pg.mkBrush(colour), "symbol": "star" if original else "o",
                          "size": 20 if original else 13, "data": (p["row"], tip),
                          "pen": pg.mkPen(FRONT, width=2.2) if p["pareto"] or original else pg.mkPen(PLAIN, width=1)})
        self.scatter = self._add(pg.ScatterPlotItem(spots=spots, hoverable=True, tip=lambda x, y, data: data[1],
                                                    hoverPen=pg.mkPen("#dc2626", width=2)))
        self.scatter.sigClicked.connect(self._clicked)
        for x, y, p in zip(xs, ys, self.points):
            strong = p["pareto"] or p["method"] == "original"
            text = pg.TextItem(p["method"], color=FRONT if strong else "#4b5563")
            text.setPos(x, y)
            self._add(text)
            self.labels.append((text, x, y, strong))
        lo_x, hi_x = min(xs), max(xs)
        span_x = max(hi_x - lo_x, 0.3)
        lo_y, hi_y = min(ys), max(ys)
        span_y = (hi_y - lo_y) or abs(hi_y) or 1.0
        self._range = (lo_x - 0.08 * span_x, hi_x + 0.3 * span_x, lo_y - 0.12 * span_y, hi_y + 0.12 * span_y)
        item.setXRange(*self._range[:2], padding=0)
        item.setYRange(*self._range[2:], padding=0)
        for values in SIZE_TICKS:
            ticks = [(math.log10(v), f"{v:g}") for v in values if self._range[0] <= math.log10(v) <= self._range[1]]
            if len(ticks) >= 3:
                break
        item.getAxis("bottom").setTicks([ticks, []])
        self.place_labels()

    def place_labels(self) -> None:
        """Put each label beside its point where it covers no other label or point (front first)."""
        if not self.labels:
            return
        x0, x1, y0, y1 = self._range
        view = self.getPlotItem().vb.size()
        width, height = (view.width(), view.height()) if view.width() > 100 else (600.0, 320.0)

        def pixel(x, y):
            return (x - x0) / (x1 - x0) * width, (y1 - y) / (y1 - y0) * height

        metrics = QFontMetrics(self.labels[0][0].textItem.font())
        dots = [pixel(x, y) for _, x, y, _ in self.labels]
        taken = [(px - 7, py - 7, px + 7, py + 7) for px, py in dots]
        for j in sorted(range(len(self.labels)), key=lambda j: not self.labels[j][3]):
            text, _, _, _ = self.labels[j]
            px, py = dots[j]
            w, h = metrics.horizontalAdvance(text.toPlainText()) + 6, metrics.height() + 2
            boxes = []
            for offset in PLACES:
                dx, dy = offset(w, h)
                box = (px + dx, py + dy, px + dx + w, py + dy + h)
                inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
                boxes.append((dx, dy, box))
                if inside and not any(_overlaps(box, t) for k, t in enumerate(taken) if k != j):
                    break
            else:
                dx, dy, box = boxes[0]
            text.setAnchor((-dx / w, -dy / h))  # the anchor point of the text box sits on the data point
            taken.append(box)

    def _clicked(self, _item, spots, _event=None) -> None:
        if len(spots):
            self.point_clicked.emit(int(spots[0].data()[0]))
