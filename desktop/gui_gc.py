"""Python's cyclic garbage collector, run from the GUI thread only.

CPython collects in whichever thread happens to allocate. A worker thread that collects a closed
window's reference cycle destroys Qt objects off the GUI thread and deadlocks Qt (seen: a worker
importing torch collected a closed pane). So automatic collection is off and a GUI-thread timer
collects instead, every 50 ms (young objects pile up between ticks: a collection of ~100k young
objects stalls the GUI ~50 ms), with CPython's own generation thresholds. The first tick makes
one full collection and freezes its survivors (``gc.freeze``: the ~450k modules, functions and
classes of start-up are never scanned again; that tick costs ~0.2 s once, while the app opens).
Later full collections scan every other object (~170 ms once torch is loaded), so they wait
while an engine task runs.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from desktop import tasks


class GuiThreadGC(QObject):
    """Install on the GUI thread (``desktop.startup.create_app`` does): disables automatic GC."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 50):
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
        if not self.frozen:
            gc.collect()
            gc.freeze()
            self.frozen = True
            return 2
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
        return gen
