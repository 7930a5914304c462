"""ItemKNN: item–item cosine similarity with shrinkage, pruned to the top-k neighbours per item."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from engine.errors import ModelError
from engine.models.base import expect_array
from engine.models.item_item import ItemItemScoring, cooccurrence
from engine.models.ranking import topk
from engine.models.registry import register
from engine.progress import check, emit, scaled
from engine.i18n import N_

#: Dense similarity block size while fitting (floats): n_items x block <= this. Each block is one
#: cancel check apart: 4M floats keep that well under a second.
_BLOCK_FLOATS = 1 << 22
#: Binary data with at most this many user x item cells counts co-occurrences as one dense int8
#: GEMM (``item_item.cooccurrence``; ml-100k 25 vs 39 ms, ml-1m 0.67 vs 0.94 s CPU for the
#: sparse product), larger data by sparse products per item block (memory stays bounded).
DENSE_CELLS = 1 << 26


@register
class ItemKNN(ItemItemScoring):
    """score(u, j) = Σ_{i in history(u)} S[i, j].

    S[i, j] = <x_i, x_j> / (‖x_i‖‖x_j‖ + shrink) for the item columns x of the train matrix
    (binary, or the event values with ``use_values``); column j keeps its ``k`` largest positive
    entries (ties: lower item index), the diagonal is zero.
    """

    name = "itemknn"
    title = "ItemKNN"
    description = N_("Item k-NN: customers who bought this also bought that (item-to-item cosine similarity).")
    training_note = N_("Item k-NN counts co-purchases: nothing is trained by gradient descent; its similarity values "
                     "are shown.")
    defaults = {"k": 100, "shrink": 10.0, "use_values": False}
    search_space = {"k": ("int", 10, 500), "shrink": ("float", 0.0, 100.0)}

    def memory_bytes(self, n_users: int, n_items: int, nnz: int) -> int:
        """The data by column and by row, one block of similarities, and k neighbours per item
        (indices, targets and values while collected, then the CSR)."""
        return 16 * nnz + 24 * _BLOCK_FLOATS + 40 * n_items * min(self.params["k"], max(n_items, 1))

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        k, shrink = self.params["k"], self.params["shrink"]
        if k < 1:
            raise ModelError(f"itemknn: k must be at least 1, got {k}")
        if shrink < 0:
            raise ModelError(f"itemknn: shrink must be >= 0, got {shrink}")
        n = self.n_items
        dense = not self.params["use_values"] and self.n_users * n <= DENSE_CELLS
        if dense:
            gram = cooccurrence(self.seen_, scaled(progress, 0.0, 0.3), cancel)   # symmetric (n, n)
            norms = np.sqrt(np.diag(gram))
        else:
            x = (interactions.csr if self.params["use_values"] else self.seen_).tocsc()
            xt = x.T.tocsr()                                               # (n_items, n_users)
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0), dtype=np.float64).ravel()).astype(np.float32)
        report = scaled(progress, 0.3, 1.0) if dense else progress
        step = max(1, _BLOCK_FLOATS // max(n, 1))
        rows, cols, vals = [], [], []
        for start in range(0, n, step):
            check(cancel)
            block = np.arange(start, min(start + step, n))
            dots = gram[block] if dense else (xt @ x[:, block]).toarray().T          # (b, n_items)
            sim = np.asarray(dots, np.float32) / (np.outer(norms[block], norms) + np.float32(shrink))
            sim[np.arange(len(block)), block] = 0.0
            sim[~(sim > 0)] = -np.inf                                      # keep positive similarities only
            idx, val = topk(sim, k, ties=True)                             # (b, k') neighbours of each target
            keep = idx >= 0
            rows.append(idx[keep])
            cols.append(np.broadcast_to(block[:, None], idx.shape)[keep])
            vals.append(val[keep])
            emit(report, min(start + step, n) / n, f"similarities {min(start + step, n)}/{n} items", "fit")
        rows, cols, vals = (np.concatenate(a) for a in (rows, cols, vals))
        #: (n_items, n_items) float32 CSR, row = history item, column = scored item.
        self.sim_ = sp.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=np.float32)
        self.sim_.sort_indices()

    def item_item_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.sim_[np.asarray(rows, np.int64)].toarray()

    def item_item_product(self, x: sp.csr_matrix) -> np.ndarray:
        return (x @ self.sim_).toarray()

    def _state(self) -> dict[str, np.ndarray]:
        return {"sim.indptr": self.sim_.indptr.astype(np.int64), "sim.indices": self.sim_.indices.astype(np.int32),
                "sim.data": self.sim_.data.astype(np.float32)}

    def _set_state(self, state, extra) -> None:
        n = self.n_items
        indptr = expect_array(state, "sim.indptr", (n + 1,), np.int64)
        indices = expect_array(state, "sim.indices", (None,), np.int32)
        data = expect_array(state, "sim.data", (len(indices),), np.float32)
        if (indptr[0] != 0 or indptr[-1] != len(indices) or np.any(np.diff(indptr) < 0)
                or (len(indices) and (indices.min() < 0 or indices.max() >= n))):
            raise ModelError(f"saved similarity matrix does not match {n} items")
        self.sim_ = sp.csr_matrix((data, indices, indptr), shape=(n, n))
