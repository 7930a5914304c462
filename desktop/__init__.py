"""RecScope desktop app (PySide6 + pyqtgraph). Shows engine results; never computes them."""
