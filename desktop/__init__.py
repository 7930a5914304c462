"""RecScope desktop app (PySide6 + pyqtgraph). Shows engine results; never computes them."""


def leave_a_core_for_the_gui() -> None:
    """Engine work (torch, OpenMP, BLAS) uses every core by default, and the GUI thread then waits
    for a core: live-curve repaints took 10-25 ms instead of 2 while training on 2 cores. The
    engine's thread policy (``engine.machine.threads``: cores - 1 unless the user set the counts)
    leaves one; it must act before torch and numpy load, so this runs on ``import desktop``."""
    from engine.machine.threads import set_thread_env
    set_thread_env()


leave_a_core_for_the_gui()
