"""Category axes: elided tick labels that thin out when rows get too narrow, and a bottom axis
whose labels are slanted so long item titles fit under narrow heat-map columns."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics


def elide(text: str, width: int = 24) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def tick_font() -> QFont:
    font = QFont()
    font.setPointSizeF(8.5)
    return font


def label_step(n: int, pixels: float, per_label: float) -> int:
    """Show every step-th of ``n`` labels so that each gets ``per_label`` pixels of ``pixels``."""
    if n <= 0 or pixels <= 0:
        return 1
    return max(1, math.ceil(n * per_label / pixels))


class CategoryAxis(pg.AxisItem):
    """A left (or bottom) axis that writes ``labels`` at ``positions`` and keeps them readable:
    ``refit()`` shows every step-th label when the rows are narrower than a text line."""

    def __init__(self, orientation: str = "left", **kwargs):
        super().__init__(orientation, **kwargs)
        self.setStyle(tickFont=tick_font(), hideOverlappingLabels=False, autoExpandTextSpace=False)
        self.positions: list[float] = []
        self.labels: list[str] = []
        self.shown: list[str] = []

    def set_labels(self, positions, labels, *, max_width: int = 260) -> None:
        self.positions, self.labels = [float(p) for p in positions], [str(s) for s in labels]
        metrics = QFontMetrics(tick_font())
        if self.orientation in ("left", "right"):
            widest = max((metrics.horizontalAdvance(s) for s in self.labels), default=20)
            label = self.label.boundingRect().height() + 2 if self.label.isVisible() and self.labelText else 0
            self.setWidth(int(min(max_width, widest + 14) + label))
        self.refit()

    def refit(self, *_args) -> None:
        view = self.linkedView()
        if view is not None and not getattr(self, "_follows", False):
            view.sigResized.connect(self.refit)     # the view's size is final only after layout
            self._follows = True
        metrics = QFontMetrics(tick_font())
        if self.orientation in ("left", "right"):
            span, per_label = (view.height() if view is not None else 0), metrics.height() + 1
        else:
            span = view.width() if view is not None else 0
            per_label = max((metrics.horizontalAdvance(s) for s in self.labels), default=0) + 8
        n = len(self.positions)
        step = label_step(n, span, per_label) if span else 1
        ticks = [(p, s if i % step == 0 else "") for i, (p, s) in enumerate(zip(self.positions, self.labels))]
        self.shown = [s for _, s in ticks if s]
        self.setTicks([ticks, []])

    def resizeEvent(self, ev=None):
        super().resizeEvent(ev)
        if getattr(self, "positions", None):
            self.refit()


class SlantedAxis(pg.AxisItem):
    """A bottom axis with category labels written at ``angle`` degrees (ending under their tick)."""

    def __init__(self, angle: float = 45.0, **kwargs):
        super().__init__("bottom", **kwargs)
        self.angle = angle
        self.setStyle(tickFont=tick_font(), showValues=False)
        self.positions: list[float] = []
        self.labels: list[str] = []
        self.shown: list[str] = []

    def set_labels(self, positions, labels) -> None:
        self.positions, self.labels = [float(p) for p in positions], [str(s) for s in labels]
        self.setTicks([[(p, "") for p in self.positions], []])
        metrics = QFontMetrics(tick_font())
        widest = max((metrics.horizontalAdvance(s) for s in self.labels), default=0)
        rad = math.radians(self.angle)
        label = self.label.boundingRect().height() if self.label.isVisible() else 0
        self.prepareGeometryChange()
        self.overhang = widest * math.cos(rad) + metrics.height()     # the first labels reach left of the axis
        self.setHeight(int(widest * math.sin(rad) + metrics.height() * math.cos(rad) + 10 + label))
        self.picture = None
        self.update()

    def boundingRect(self):
        """The axis and the slanted labels that reach left of it (drawn, and cached, whole)."""
        return super().boundingRect().adjusted(-getattr(self, "overhang", 0.0), 0, 0, 0)

    def _step(self) -> int:
        view = self.linkedView()
        if view is None or len(self.positions) < 2:
            return 1
        line = QFontMetrics(tick_font()).height() / math.sin(math.radians(self.angle)) + 1
        return label_step(len(self.positions), view.width(), line)

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):
        super().drawPicture(p, axisSpec, tickSpecs, [])
        view = self.linkedView()
        if view is None:
            return
        p.setClipping(False)
        p.setFont(tick_font())
        p.setPen(self.textPen())
        metrics = QFontMetrics(tick_font())
        step = self._step()
        self.shown = []
        for i, (pos, text) in enumerate(zip(self.positions, self.labels)):
            if i % step:
                continue
            x = self.mapFromScene(view.mapViewToScene(QPointF(pos, 0))).x()
            if x < -1 or x > self.boundingRect().width() + 1:
                continue
            self.shown.append(text)
            w, h = metrics.horizontalAdvance(text) + 2, metrics.height()
            p.save()
            p.translate(x, 6)
            p.rotate(-self.angle)
            p.drawText(QRectF(-w, -h / 2, w, h), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
            p.restore()
