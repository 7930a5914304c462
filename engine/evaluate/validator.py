"""Validation during training at a small share of an epoch's cost, with ``evaluate``'s numbers.

``Validator(train, valid, ks=(10,), max_users=2000, seed=0, batch_size=1024)`` prepares once what
does not change while a model trains: the fixed sample of validation users (at most
``max_users``, seeded; 0 = all), their relevant sets (``protocol.relevant_sets``: sorted keys and
counts) and their training items as one CSR block with sorted columns. Each call
``validator(model, cancel=None)`` then only scores the sample in batches (``model.score``) and runs
one compiled pass per batch (``top_unseen``) that skips the user's training items, treats NaN as
unrankable and keeps the ``kmax`` best with the protocol's tie rule, writing into a buffer kept
between calls; hits and the accuracy metrics are ``protocol.hit_matrix`` and
``metrics.accuracy``, so on the same users a call returns exactly what ``evaluate(model, train,
valid, ks, beyond=False)`` returns (tests/engine/evaluate/test_validator.py).

Why not ``evaluate`` itself: it re-aligns ids and rebuilds the relevant sets at every call, masks
by a sparse row slice and copies scores for NaN handling and top-K; on ml-100k that was more than
an iALS epoch per call (bench/RESULTS.md, "Validation cost").
"""

from __future__ import annotations

import numba
import numpy as np

from engine.data.interactions import Interactions
from engine.evaluate import metrics as M
from engine.evaluate.protocol import hit_matrix, relevant_sets
from engine.progress import CancelToken, check

#: Validation users scored at each check by default (a fixed sample).
VALID_USERS = 2000


@numba.njit(parallel=True, nogil=True, cache=True)
def top_unseen(scores, seen_ptr, seen_idx, out):  # pragma: no cover - compiled
    """Per row r of ``scores`` (n, m) float32: the ``out.shape[1]`` best columns not in
    ``seen_idx[seen_ptr[r]:seen_ptr[r + 1]]`` (sorted), best first, into ``out`` (n, k) int64.

    Ties go to the lower column; NaN and -inf are never chosen; -1 fills what has no candidate
    (``engine.models.ranking.topk`` after ``mask_seen``, in one pass without copies).
    """
    n, m = scores.shape
    k = out.shape[1]
    for r in numba.prange(n):
        vals = np.full(k, -np.inf, np.float32)
        idx = out[r]
        idx[:] = -1
        row = scores[r]
        s, e = seen_ptr[r], seen_ptr[r + 1]
        skip = seen_idx[s] if s < e else m
        for j in range(m):
            if j == skip:
                s += 1
                skip = seen_idx[s] if s < e else m
                continue
            v = row[j]
            if v > vals[k - 1]:          # strictly: an equal later column loses the tie
                p = k - 1
                while p > 0 and vals[p - 1] < v:
                    vals[p] = vals[p - 1]
                    idx[p] = idx[p - 1]
                    p -= 1
                vals[p] = v
                idx[p] = j


class Validator:
    """Accuracy metrics of a model on a fixed sample of ``valid``'s users; see the module docstring.

    users: (n,) int64 train user indices of the sample, ascending; n_relevant: (n,) their relevant
    counts. ``train`` is the data the model is being fitted on (its items are excluded), ``valid``
    is mapped into its space by external id.
    """

    def __init__(self, train: Interactions, valid: Interactions, *, ks: tuple[int, ...] = (10,),
                 max_users: int = VALID_USERS, seed: int = 0, batch_size: int = 1024):
        self.ks = tuple(sorted({int(k) for k in ks}))
        rel = relevant_sets(train, valid)
        pick = np.arange(len(rel.users))
        if 0 < max_users < len(pick):
            pick = np.sort(np.random.default_rng(seed).choice(len(pick), max_users, replace=False))
        self.users, self.n_relevant, self._keys = rel.users[pick], rel.n_relevant[pick], rel.keys
        seen = train.seen[self.users].tocsr()
        seen.sum_duplicates()                       # also sorts the columns of every row
        self._seen_ptr, self._seen_idx = seen.indptr.astype(np.int64), seen.indices.astype(np.int32)
        self._n_items = train.n_items
        self._batch = max(1, int(batch_size))
        self._top = np.empty((len(self.users), min(self.ks[-1], self._n_items)), np.int64)

    def __len__(self) -> int:
        return len(self.users)

    def __call__(self, model, cancel: CancelToken | None = None) -> dict[str, float]:
        """{"ndcg@10": mean, ...}: ``metrics.ACCURACY`` at every cut-off (NaN without users)."""
        for start in range(0, len(self.users), self._batch):
            check(cancel)
            stop = min(start + self._batch, len(self.users))
            scores = np.ascontiguousarray(model.score(self.users[start:stop]), dtype=np.float32)
            top_unseen(scores, self._seen_ptr[start:stop + 1], self._seen_idx, self._top[start:stop])
        top = self._top
        if top.shape[1] < self.ks[-1]:
            top = np.pad(top, ((0, 0), (0, self.ks[-1] - top.shape[1])), constant_values=-1)
        hits = hit_matrix(top, self.users, self._keys, self._n_items)
        out: dict[str, float] = {}
        for k in self.ks:
            for name, vals in M.accuracy(hits, self.n_relevant, k).items():
                out[f"{name}@{k}"] = float(np.nanmean(vals)) if len(vals) else float("nan")
        return out


def warm() -> None:
    """Load ``top_unseen`` now (numba's cache, or one compile per machine) with the argument types
    ``Validator`` passes."""
    top_unseen(np.zeros((2, 3), np.float32), np.zeros(3, np.int64), np.zeros(0, np.int32), np.empty((2, 2), np.int64))
