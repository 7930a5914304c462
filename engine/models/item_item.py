"""Item–item models (EASE, ItemKNN and their compressed forms): score(u, ·) = x_u · W.

x_u is the customer's binary history row and W (n_items, n_items) the model's item–item weights
(row = history item, column = scored item). A model provides the two ways of reading W —
``item_item_rows(rows)`` and ``item_item_product(x)`` — and ``ItemItemScoring`` gives it, exactly:
scores for any history (capability "history"), each history item's contribution W[h, i]
("contributions") and fast re-scoring with history items removed ("rescoring").
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from engine.models.base import Recommender
from engine.i18n import _
from engine.progress import CancelToken, ProgressCallback, check, emit

#: History positions re-scored per chunk when deleting growing prefixes.
PREFIX_CHUNK = 500
#: Dense user block size while counting co-occurrences (cells): block x n_items <= this; one
#: cancel check per block (4M cells keep it well under a second).
_BLOCK_CELLS = 1 << 22


def cooccurrence(x: sp.csr_matrix, progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None) -> np.ndarray:
    """XᵀX (n_items, n_items) float32 of the binary CSR ``x`` (n_users, n_items), in user blocks.

    The counts are exact: int8 inputs with int32 accumulation (several times faster than a float32
    GEMM on CPUs with VNNI/AMX), or float32 where the int8 kernel is unavailable. Memory: the
    (n_items, n_items) result plus one dense user block; time grows with n_users x n_items².
    """
    import torch
    n_users, n = x.shape
    gram = torch.zeros((n, n), dtype=torch.int32)
    step = max(1, _BLOCK_CELLS // max(n, 1))
    for start in range(0, n_users, step):
        check(cancel)
        block = torch.from_numpy(x[start:start + step].toarray())
        if gram.dtype == torch.int32:
            try:
                b8 = block.to(torch.int8)
                gram += torch._int_mm(b8.T.contiguous(), b8)
            except (RuntimeError, NotImplementedError):          # no int8 GEMM on this device/build
                gram = gram.to(torch.float32)
        if gram.dtype == torch.float32:
            gram.addmm_(block.T, block)
        emit(progress, min(start + step, n_users) / n_users, "co-occurrences XᵀX", "fit")
    return gram.to(torch.float32).numpy()


def binary_rows(histories, n_items: int) -> sp.csr_matrix:
    """(n, n_items) float32 CSR with 1 where item ∈ history (repeats collapse)."""
    rows = np.repeat(np.arange(len(histories)), [len(h) for h in histories])
    cols = np.concatenate(histories) if len(histories) else np.empty(0, np.int64)
    m = sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(histories), n_items))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


class ItemItemScoring(Recommender):
    """A ``Recommender`` whose score is x_u · W (see the module docstring)."""

    def item_item_rows(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), n_items) float32 rows W[rows] (dense)."""
        raise NotImplementedError

    def item_item_product(self, x: sp.csr_matrix) -> np.ndarray:
        """(n, n_items) float32 x · W for a (n, n_items) CSR x."""
        raise NotImplementedError

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self.item_item_product(self.seen_[users])

    def score_histories(self, histories: list[np.ndarray]) -> np.ndarray:
        return self.item_item_product(binary_rows(histories, self.n_items))

    def contribution_values(self, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
        hist = np.asarray(history, np.int64)
        values = self.item_item_rows(hist)[:, item].astype(np.float64)
        return values, float(self.score_histories([hist])[0, item]), 0.0

    def contribution_note(self, user: int, item: int, score: float) -> str:
        return _("The score is exactly the sum of these item–item weights.")

    def history_rescorer(self, history: np.ndarray) -> "ItemItemRescorer":
        return ItemItemRescorer(self, np.asarray(history, np.int64))


class ItemItemRescorer:
    """Scores of one history with positions deleted: the full score minus the removed rows of W."""

    #: Removing items costs array updates, not a forward pass per history.
    cheap = True

    def __init__(self, model: ItemItemScoring, history: np.ndarray):
        self.model, self.hist = model, history
        self.full = model.score_histories([history])[0].astype(np.float64)

    def removed(self, removals: list[tuple[int, ...]]) -> np.ndarray:
        """(n, n_items) scores with the positions of each tuple in ``removals`` deleted."""
        rows = np.repeat(np.arange(len(removals)), [len(r) for r in removals])
        cols = self.hist[np.fromiter(itertools.chain.from_iterable(removals), np.int64, count=len(rows))]
        x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(removals), self.model.n_items))
        return self.full[None, :] - self.model.item_item_product(x)

    def prefixes(self, order: np.ndarray):
        """Yield (start, scores (n, n_items)) after deleting positions order[:start + 1], ... in chunks."""
        done = np.zeros(self.model.n_items)
        for start in range(0, len(order), PREFIX_CHUNK):
            w = self.model.item_item_rows(self.hist[order[start:start + PREFIX_CHUNK]])
            cum = done[None, :] + np.cumsum(w, axis=0, dtype=np.float64)
            yield start, self.full[None, :] - cum
            done = cum[-1]

    def deletion_scores(self, items: np.ndarray, orders, cuts: np.ndarray) -> np.ndarray:
        """(n, len(cuts)) score of ``items[j]`` after deleting positions ``orders[j][:c]``, c in cuts."""
        w = self.model.item_item_rows(self.hist)[:, items].astype(np.float64)       # (h, n)
        out = np.empty((len(items), len(cuts)))
        for j, order in enumerate(orders):
            removed = np.concatenate([[0.0], np.cumsum(w[order, j])])
            out[j] = w[:, j].sum() - removed[cuts]
        return out
