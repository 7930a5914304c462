"""The size-vs-accuracy chart of a compression sweep: one point per model version (the original as
a star), the x axis log-scaled in megabytes on disk, colour = scoring latency (colour bar; the
caller's title names its unit), the
Pareto-optimal versions outlined and joined. It draws the engine's ``pareto_points``; no math
beyond placing points and their labels on the log axis."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from desktop.plots.axes import tick_font
from desktop.plots.curves import LabelledPlot
from desktop.plots.labels import LabelPlacer
from desktop.translate import translate

MB = 1e6
#: Tick values of the size axis (MB): 1-2-5 steps, else 1-9 steps when a range is narrow.
SIZE_TICKS = ([m * 10.0 ** e for e in range(-4, 6) for m in (1, 2, 5)],
              [m * 10.0 ** e for e in range(-4, 6) for m in range(1, 10)])
FRONT = "#111827"
PLAIN = "#9ca3af"
#: Marker fill opacity: versions that land on the same spot stay visible through each other.
FILL_ALPHA = 190


def size_text(n_bytes: float) -> str:
    """'25.8 MB', '640 kB', '812 B'."""
    n = float(n_bytes)
    for unit, scale in ((translate("Pareto", "GB"), 1e9), (translate("Pareto", "MB"), 1e6), ("kB", 1e3)):
        if n >= scale:
            v = n / scale
            return f"{v:.1f} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{n:.0f} B"


class ParetoPlot(LabelledPlot):
    """Points (size on disk, metric) with hover tips; ``points`` keeps what was drawn (each with
    "row": its index in the input); clicking a point emits ``point_clicked(row)``."""

    point_clicked = Signal(int)

    def __init__(self, title: str | None = None, parent=None):
        super().__init__(title or self.tr("Size vs accuracy"), self.tr("Size on disk (MB, log scale)"), self.tr("NDCG@10"), parent)
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
        self.labels = LabelPlacer(self)

    def has_data(self) -> bool:
        return bool(self.points)

    def set_points(self, points: list[dict], latencies: list[float], metric_label: str | None = None,
                   names=None) -> None:
        """points: the engine's ``pareto_points`` (original first; each with "method", "size_bytes",
        "value", "pareto"); latencies (n,): ms per 1,000 users of each point; names: method spec ->
        the words a point is labelled with (the spec itself without it)."""
        name = names or str
        metric_label = metric_label or "NDCG@10"
        self.clear_data()
        self.scatter = self.front = None
        self.labels.set([], (0, 1), (0, 1))
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
            colour.setAlpha(FILL_ALPHA)
            tip = (self.tr("{method}\n{v1} on disk · {metric_label} {value:.4f}\n{latency:.0f} ms per 1,000 customers").format(method=name(p['method']), v1=size_text(p['size_bytes']), metric_label=metric_label, value=p['value'], latency=p['latency'])
                   + (self.tr("\nbest trade-off: nothing is both smaller and more accurate") if p["pareto"] else ""))
            spots.append({"pos": (x, y), "brush": pg.mkBrush(colour), "symbol": "star" if original else "o",
                          "size": 20 if original else 13, "data": (p["row"], tip),
                          "pen": pg.mkPen(FRONT, width=2.2) if p["pareto"] or original else pg.mkPen(PLAIN, width=1)})
        self.scatter = self._add(pg.ScatterPlotItem(spots=spots, hoverable=True, tip=lambda x, y, data: data[1],
                                                    hoverPen=pg.mkPen("#dc2626", width=2)))
        self.scatter.sigClicked.connect(self._clicked)
        lo_x, hi_x = min(xs), max(xs)
        span_x = max(hi_x - lo_x, 0.3)
        lo_y, hi_y = min(ys), max(ys)
        span_y = (hi_y - lo_y) or abs(hi_y) or 1.0
        x_range = (lo_x - 0.08 * span_x, hi_x + 0.3 * span_x)
        y_range = (lo_y - 0.12 * span_y, hi_y + 0.12 * span_y)
        item.setXRange(*x_range, padding=0)
        item.setYRange(*y_range, padding=0)
        for values in SIZE_TICKS:
            ticks = [(math.log10(v), f"{v:g}") for v in values if x_range[0] <= math.log10(v) <= x_range[1]]
            if len(ticks) >= 3:
                break
        item.getAxis("bottom").setTicks([ticks, []])
        strong = [p["pareto"] or p["method"] == "original" for p in self.points]
        self.labels.set([(name(p["method"]), x, y, FRONT if s else "#4b5563", s)
                         for p, x, y, s in zip(self.points, xs, ys, strong)], x_range, y_range)

    def _clicked(self, _item, spots, _event=None) -> None:
        if len(spots):
            self.point_clicked.emit(int(spots[0].data()[0]))
