"""Python's cyclic garbage collector, run from the GUI thread only.

CPython collects in whichever thread happens to allocate. A worker thread that collects a closed
window's reference cycle destroys Qt objects off the GUI thread and deadlocks Qt (seen: a worker
importing torch collected a closed pane). So automatic collection is off and a GUI-thread timer
collects instead, with CPython's own generation thresholds. A full (generation 2) collection
scans every object and stalls the GUI for ~170 ms once torch is loaded, so it waits while an
engine task runs; the survivors of the first full collection are frozen (``gc.freeze``: modules,
classes and other start-up objects are never scanned again), which makes later full
collections short.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from desktop import tasks


class GuiThreadGC(QObject):
    """Install on the GUI thread (``desktop.app.create_app`` does): disables automatic GC."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.frozen = False
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations whose thresholds are crossed; returns the generation (-1: none)."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 <= t0:
            return -1
        gen = 0
        if c1 > t1:
            gen = 1
            if c2 > t2 and tasks.active_tasks() == 0:
                gen = 2
        gc.collect(gen)
        if gen == 2 and not self.frozen:
            gc.freeze()
            self.frozen = True
        return gen
