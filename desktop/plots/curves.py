"""Labelled curve and histogram plots. They draw arrays the engine computed; no math here."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from pyqtgraph import exporters
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsItem, QMessageBox

ACCENT = QColor("#2563eb")
FILL = QColor(37, 99, 235, 70)
REFERENCE = QColor("#9ca3af")


def configure() -> None:
    """Global pyqtgraph look: white background, dark axes, antialiasing."""
    pg.setConfigOptions(antialias=True, background="w", foreground="#374151")


class LabelledPlot(pg.PlotWidget):
    """A PlotWidget with a title, labelled axes, a light grid and mouse zoom/pan on both axes.
    Right-click › "Save image as PNG or SVG…" writes the whole plot (``save_image``).

    Axes are drawn from a pixmap cache: pyqtgraph replays each axis' QPicture of tick text on
    every repaint (~3 ms an axis), which made a live training curve's repaint ~10 ms; cached, a
    repaint that leaves the axes alone costs ~1.5 ms."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None, *, axis_items: dict | None = None):
        super().__init__(parent, axisItems=axis_items)
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
        self.save_action = item.getViewBox().menu.addAction(self.tr("Save image as PNG or SVG…"))
        self.save_action.triggered.connect(self._ask_save)
        self.scene().contextMenu = []  # pyqtgraph's "Export..." dialog: its SVG writer fails on Qt 6 paths

    def _axes(self) -> list[pg.AxisItem]:
        return [it for it in self.scene().items() if isinstance(it, pg.AxisItem)]

    def showEvent(self, event) -> None:
        for axis in self._axes():
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        super().showEvent(event)

    def save_image(self, path) -> Path:
        """Write the plot (title, axes, colour bar and all) to ``path``: ``.png`` at twice the
        on-screen resolution, or ``.svg``."""
        path = Path(path)
        kind = path.suffix.lower()
        if kind not in (".png", ".svg"):
            raise ValueError(self.tr("{name}: choose a .png or .svg file name").format(name=path.name))
        if kind == ".svg":  # Qt's own SVG writer (pyqtgraph's SVGExporter breaks on Qt 6 path data)
            svg = QSvgGenerator()
            svg.setFileName(str(path))
            svg.setSize(self.size())
            svg.setViewBox(QRect(0, 0, self.width(), self.height()))
            svg.setResolution(self.logicalDpiX())  # same scale as on screen, or items drift apart
            svg.setTitle(self.getPlotItem().titleLabel.text or self.tr("RecScope plot"))
            painter = QPainter(svg)
            try:
                self.render(painter)
            finally:
                painter.end()
            if not path.is_file():
                raise OSError(self.tr("{path} could not be written").format(path=path))
        else:
            exporter = exporters.ImageExporter(self.scene())
            exporter.parameters()["width"] = 2 * max(self.width(), 1)
            exporter.export(str(path))
        return path

    def _ask_save(self) -> None:
        title = self.getPlotItem().titleLabel.text or "plot"
        stem = "".join(c if c.isalnum() else "-" for c in title.split(":")[0].strip().lower()).strip("-") or "plot"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save plot image"), f"{stem}.png",
                                              self.tr("PNG image (*.png);;SVG drawing (*.svg)"))
        if not path:
            return
        if not Path(path).suffix:
            path += ".png"
        try:
            self.save_image(path)
        except (OSError, ValueError) as e:
            QMessageBox.warning(self, self.tr("Save plot image"),
                                self.tr("Could not save {name}: {error}").format(name=Path(path).name, error=e))

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
