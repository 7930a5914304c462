"""How many threads engine work uses (torch intra-op, BLAS, numba), chosen once per process.

``default_threads()``: env ``RECSCOPE_THREADS`` when set, else the policy below; ``apply(n)``
sets torch's intra-op threads, BLAS/OpenMP pools (threadpoolctl) and numba to ``n``.
"""

from __future__ import annotations

import os


def default_threads() -> int:
    """Threads for engine work: ``RECSCOPE_THREADS`` if set (>= 1), else every core."""
    env = os.environ.get("RECSCOPE_THREADS", "").strip()
    if env.isdigit() and int(env) >= 1:
        return int(env)
    return max(1, os.cpu_count() or 1)


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
