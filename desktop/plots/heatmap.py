"""A labelled heat map with a colour bar (rows and columns named, e.g. by item titles)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from desktop.plots.axes import CategoryAxis, SlantedAxis, elide, tick_font
from desktop.plots.curves import LabelledPlot


class HeatmapPlot(LabelledPlot):
    """matrix (rows, cols) drawn cell by cell: row r at the r-th label from the top, column c at the
    c-th label from the left; a colour bar on the right; hovering a cell names it in a tooltip.

    ``slanted``: column labels written at 45° (long titles); otherwise horizontal (short labels)."""

    def __init__(self, title: str, x_label: str, y_label: str, *, colormap: str = "viridis",
                 bar_label: str = "", slanted: bool = True, label_width: int = 24, parent=None):
        super().__init__(title, x_label, y_label, parent)
        if not title:
            self.getPlotItem().setTitle(None)     # no empty title row
        self.left_axis = CategoryAxis("left")
        self.bottom_axis = SlantedAxis() if slanted else CategoryAxis("bottom")
        item = self.getPlotItem()
        item.setAxisItems({"left": self.left_axis, "bottom": self.bottom_axis})
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)
        item.setMouseEnabled(x=False, y=False)
        item.invertY(True)
        item.showGrid(x=False, y=False)
        self.label_width = label_width
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.colormap = pg.colormap.get(colormap) if isinstance(colormap, str) else colormap
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=self.colormap, interactive=False, width=14,
                                   label=bar_label)
        self.bar.axis.setStyle(tickFont=tick_font())
        self.bar.setImageItem(self.image, insert_in=item)
        self.matrix = np.zeros((0, 0))
        self.row_labels: list[str] = []
        self.col_labels: list[str] = []
        self.scene().sigMouseMoved.connect(self._hover)

    def has_data(self) -> bool:
        return self.matrix.size > 0

    def set_matrix(self, matrix, row_labels, col_labels, *, levels=None, decimals: int = 3) -> None:
        """matrix: (rows, cols) float; row_labels (rows,), col_labels (cols,) full texts (elided on the
        axes, whole in the tooltip); levels: (low, high) of the colour scale (default the data range)."""
        m = np.asarray(matrix, dtype=np.float64)
        self.matrix, self.decimals = m, decimals
        self.row_labels, self.col_labels = [str(s) for s in row_labels], [str(s) for s in col_labels]
        rows, cols = m.shape
        if m.size == 0:
            self.image.clear()
            return
        finite = m[np.isfinite(m)]
        lo, hi = levels if levels is not None else ((finite.min(), finite.max()) if finite.size else (0.0, 1.0))
        if hi <= lo:
            hi = lo + 1.0
        self.image.setImage(m, levels=(lo, hi))
        self.image.setRect(0, 0, cols, rows)
        self.bar.setLevels((lo, hi))
        self.left_axis.set_labels(np.arange(rows) + 0.5, [elide(s, self.label_width) for s in self.row_labels])
        self.bottom_axis.set_labels(np.arange(cols) + 0.5, [elide(s, self.label_width) for s in self.col_labels])
        item = self.getPlotItem()
        item.setXRange(0, cols, padding=0)
        item.setYRange(0, rows, padding=0)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, col) of view coordinates (x, y), None outside the matrix."""
        r, c = int(np.floor(y)), int(np.floor(x))
        rows, cols = self.matrix.shape if self.matrix.ndim == 2 else (0, 0)
        return (r, c) if 0 <= r < rows and 0 <= c < cols else None

    def _hover(self, scene_pos) -> None:
        view = self.getPlotItem().vb
        if not view.sceneBoundingRect().contains(scene_pos):
            self.setToolTip("")
            return
        p = view.mapSceneToView(scene_pos)
        cell = self.cell_at(p.x(), p.y())
        if cell is None:
            self.setToolTip("")
            return
        r, c = cell
        self.setToolTip(f"{self.row_labels[r]}\n→ {self.col_labels[c]}\n{self.matrix[r, c]:.{self.decimals}f}")
