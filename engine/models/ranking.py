"""Exact top-K selection with the protocol's tie rule (equal scores: lower item index first)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def mask_seen(scores: np.ndarray, seen: sp.csr_matrix | None, rows: np.ndarray) -> np.ndarray:
    """Set ``scores[r, j] = -inf`` where ``seen[rows[r], j]`` is non-zero; in place, returns scores.

    scores: (n, n_items) float; seen: (n_users, n_items) CSR; rows: (n,) user indices.
    """
    if seen is None:
        return scores
    block = seen[rows]
    r, c = block.nonzero()
    scores[r, c] = -np.inf
    return scores


def topk(scores: np.ndarray, k: int, *, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` columns of each row, best first; ties go to the lower column index.

    scores: (n, m) float; NaN and -inf are never chosen while a finite score remains.
    ``ties``: most rows are expected to hold equal values near the top (similarities of counts):
    go straight to the exact path instead of trying torch.topk first.
    Returns (indices (n, k') int64, values (n, k') float32) with k' = min(k, m); positions
    without any finite candidate hold index -1 and value -inf.
    """
    scores = np.asarray(scores)
    n, m = scores.shape
    k = min(int(k), m)
    if k <= 0 or n == 0:
        return np.empty((n, 0), np.int64), np.empty((n, 0), np.float32)
    s = np.where(np.isnan(scores), -np.inf, scores)
    if ties and s.dtype == np.float32:
        return _topk_keys(s, k)
    if k < m and s.dtype in (np.float32, np.float64):
        return _topk_fast(s, k)
    return _topk_exact(s, k)


def _topk_fast(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """torch.topk of the k + 1 best per row (several times faster than a full partition); rows
    where any two of those values are equal (torch orders ties arbitrarily) are redone exactly."""
    import torch
    vals, idx = torch.topk(torch.from_numpy(s), k + 1, dim=1, largest=True, sorted=True)
    vals, idx = vals.numpy(), idx.numpy().astype(np.int64)
    out_i, out_v = idx[:, :k].copy(), vals[:, :k].astype(np.float32)
    tied = (vals[:, 1:] == vals[:, :-1]).any(axis=1)
    if tied.any():
        exact = _topk_keys if s.dtype == np.float32 else _topk_exact
        out_i[tied], out_v[tied] = exact(s[tied], k)
    return out_i, out_v


def _topk_keys(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The tie rule by torch.topk of unique int64 keys: s (n, m) float32 without NaN.

    key = (the float's bits as an order-preserving int32) · 2³² + (2³² − 1 − column), so a larger
    value wins and, among equal values, the lower column: no two keys are equal. 3–4x faster than
    the partition/lexsort path on rows full of ties (ItemKNN's similarities, bench/RESULTS.md).
    """
    import torch
    bits = (s + np.float32(0.0)).view(np.int32)             # + 0 turns -0.0 into +0.0 (equal values)
    key = np.where(bits < 0, bits ^ np.int32(0x7FFFFFFF), bits).astype(np.int64)
    key <<= 32
    key += np.int64(0xFFFFFFFF) - np.arange(s.shape[1], dtype=np.int64)
    idx = torch.topk(torch.from_numpy(key), k, dim=1, largest=True, sorted=True).indices.numpy()
    out = np.take_along_axis(s, idx, axis=1).astype(np.float32)
    idx = idx.astype(np.int64)
    idx[out == -np.inf] = -1
    return idx, out


def _topk_exact(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The tie rule by a partition and a lexsort: s (n, m) without NaN."""
    n, m = s.shape
    kth = np.partition(s, m - k, axis=1)[:, m - k]           # k-th largest value per row
    rows, cols = np.nonzero(s >= kth[:, None])               # >= k candidates per row, cols ascending
    vals = s[rows, cols]
    order = np.lexsort((cols, -vals, rows))                  # by row, then score desc, then index asc
    rows, cols, vals = rows[order], cols[order], vals[order]
    counts = np.bincount(rows, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    take = starts[:, None] + np.arange(k)[None, :]
    idx = cols[take].astype(np.int64)
    out = vals[take].astype(np.float32)
    idx[~np.isfinite(out) & (out < 0)] = -1
    return idx, out
