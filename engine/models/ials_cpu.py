"""iALS on the CPU: the conjugate-gradient half-step and the objective as numba kernels.

Same mathematics as the torch path of ``engine.models.ials`` (which serves CUDA): for every row x
of X (n, f) given Y (m, f), ``steps`` CG steps on ``(YᵀY + reg·I + Yᵀ diag(c - 1) Y) x = Yᵀ c``
warm-started from x, over the row's non-zeros only. One row per task over ``numba.prange``: no
sparse tensors, no temporaries, no per-chunk dispatch, which on a CPU makes an epoch several times
faster than torch's sparse kernels (bench/peers.py). Compiled once per machine (``cache=True``, in
RecScope's cache folder, see ``engine.machine.cache``).
"""

from __future__ import annotations

import numba
import numpy as np

_JIT = {"nogil": True, "cache": True, "fastmath": True}


@numba.njit(parallel=True, **_JIT)
def cg_half_step(indptr, indices, weight, target, X, Y, gram, steps):  # pragma: no cover - compiled
    """In place on X (n, f) float32: ``steps`` CG steps per row. indptr (n+1,) int64, indices
    (nnz,) int32 columns into Y (m, f); weight (nnz,) = c - 1, target (nnz,) = c; gram (f, f) =
    YᵀY + reg·I."""
    n, f = X.shape
    for u in numba.prange(n):
        x = X[u].copy()
        r = np.empty(f, np.float32)
        for a in range(f):                       # r = Yᵀc - (gram + Yᵀ diag(w) Y) x
            acc = np.float32(0.0)
            for b in range(f):
                acc += gram[a, b] * x[b]
            r[a] = -acc
        for k in range(indptr[u], indptr[u + 1]):
            y = Y[indices[k]]
            d = np.float32(0.0)
            for a in range(f):
                d += y[a] * x[a]
            coef = target[k] - weight[k] * d
            for a in range(f):
                r[a] += coef * y[a]
        p = r.copy()
        rs = np.float32(0.0)
        for a in range(f):
            rs += r[a] * r[a]
        ap = np.empty(f, np.float32)
        for _ in range(steps):
            if rs < 1e-20:
                break
            for a in range(f):
                acc = np.float32(0.0)
                for b in range(f):
                    acc += gram[a, b] * p[b]
                ap[a] = acc
            for k in range(indptr[u], indptr[u + 1]):
                y = Y[indices[k]]
                d = np.float32(0.0)
                for a in range(f):
                    d += y[a] * p[a]
                d *= weight[k]
                for a in range(f):
                    ap[a] += d * y[a]
            pap = np.float32(0.0)
            for a in range(f):
                pap += p[a] * ap[a]
            step = rs / max(pap, np.float32(1e-30))
            rs_new = np.float32(0.0)
            for a in range(f):
                x[a] += step * p[a]
                r[a] -= step * ap[a]
                rs_new += r[a] * r[a]
            beta = rs_new / rs
            for a in range(f):
                p[a] = r[a] + beta * p[a]
            rs = rs_new
        X[u] = x


@numba.njit(parallel=True, **_JIT)
def nonzero_loss(indptr, indices, target, X, Y):  # pragma: no cover - compiled
    """Σ over non-zeros of c·(1 - d)² - d² with d = x_u·y_i (the observed pairs' share of the
    objective beyond the all-pairs term), float64."""
    n, f = X.shape
    part = np.zeros(n, np.float64)
    for u in numba.prange(n):
        acc = 0.0
        for k in range(indptr[u], indptr[u + 1]):
            y = Y[indices[k]]
            d = 0.0
            for a in range(f):
                d += X[u, a] * y[a]
            acc += target[k] * (1.0 - d) ** 2 - d * d
        part[u] = acc
    return part.sum()


def objective(indptr, indices, target, X: np.ndarray, Y: np.ndarray, reg: float, nnz: int) -> float:
    """The iALS objective over all pairs divided by the number of non-zeros (as the torch path)."""
    total = float(((X.T @ X) * (Y.T @ Y)).sum()) + reg * float((X * X).sum() + (Y * Y).sum())
    return (total + nonzero_loss(indptr, indices, target, X, Y)) / max(1, nnz)


def warm() -> None:
    """Load both kernels now (from numba's cache, or compile them once per machine) with the
    argument types ``engine.models.ials`` passes, so that the first fit does not pay for it."""
    indptr, indices = np.zeros(3, np.int64), np.zeros(0, np.int32)
    values = np.zeros(0, np.float32)
    X, Y = np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float32)
    cg_half_step(indptr, indices, values, values, X, Y, np.eye(2, dtype=np.float32), 1)
    nonzero_loss(indptr, indices, values, X, Y)
