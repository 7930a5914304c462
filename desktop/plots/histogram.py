"""A histogram over a real value axis (parameter or gradient values), from engine-made bins."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from desktop.plots.curves import ACCENT, FILL, LabelledPlot


class ValueHistogramPlot(LabelledPlot):
    """Counts (n,) over bin edges (n+1,) drawn as a filled step curve at the edges' real values;
    the x axis scales tiny values with an SI factor (e.g. "×1e-05")."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None):
        super().__init__(title, x_label, y_label, parent)
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)

    def set_histogram(self, edges, counts) -> None:
        self.clear_data()
        self._add(pg.PlotDataItem(np.asarray(edges, dtype=float), np.asarray(counts, dtype=float),
                                  stepMode="center", fillLevel=0, fillBrush=FILL, pen=pg.mkPen(ACCENT, width=1.5)))
        self.getPlotItem().enableAutoRange()
