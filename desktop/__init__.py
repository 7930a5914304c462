"""RecScope desktop app (PySide6 + pyqtgraph). Shows engine results; never computes them."""

import os


def leave_a_core_for_the_gui() -> None:
    """Engine work (torch, OpenMP, BLAS) uses every core by default, and the GUI thread then waits
    for a core: live-curve repaints took 10-25 ms instead of 2 while training on 2 cores. Use one
    core less unless the user set the thread counts (read when torch and numpy load, so this runs on
    ``import desktop``)."""
    cores = os.cpu_count() or 1
    if cores > 1:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(var, str(cores - 1))


leave_a_core_for_the_gui()
