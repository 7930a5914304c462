"""How many threads engine work uses (torch intra-op, BLAS/OpenMP, numba): one policy per process.

Policy (bench/bench_threads.py, loaded vs idle): every core but one, at least 1. On a machine that
also runs a browser, a spreadsheet or RecScope's own window, a thread per core makes each parallel
step wait for the slowest, pre-empted thread (torch on 2 threads measured 10–30x slower than on 1
on a loaded 2-core box); leaving one core free keeps the slowdown small and the GUI responsive.

``default_threads()``: env ``RECSCOPE_THREADS`` when set (>= 1), else the policy.
``set_thread_env()``: ``setdefault`` of OMP/MKL/OpenBLAS/numba thread variables to it; called on
``import engine`` (before torch/BLAS start their pools; a value the user set wins).
``apply(n)``: force ``n`` threads now in torch, every loaded BLAS/OpenMP pool and numba.
"""

from __future__ import annotations

import os

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")


def default_threads() -> int:
    """Threads for engine work: ``RECSCOPE_THREADS`` if set (>= 1), else cores - 1 (at least 1)."""
    env = os.environ.get("RECSCOPE_THREADS", "").strip()
    if env.isdigit() and int(env) >= 1:
        return int(env)
    return max(1, (os.cpu_count() or 1) - 1)


def set_thread_env() -> None:
    """Thread-count environment variables for libraries not started yet (user values kept)."""
    n = str(default_threads())
    for var in THREAD_VARS:
        os.environ.setdefault(var, n)


def apply(n: int | None = None) -> int:
    """Use ``n`` threads (default ``default_threads()``) in torch, BLAS/OpenMP and numba; returns n."""
    n = default_threads() if n is None else max(1, int(n))
    import torch
    from threadpoolctl import threadpool_limits
    torch.set_num_threads(n)
    threadpool_limits(n)
    try:
        import numba
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    except ImportError:
        pass
    return n
