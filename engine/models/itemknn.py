"""ItemKNN: item–item cosine similarity with shrinkage, pruned to the top-k neighbours per item."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from engine.errors import ModelError
from engine.models.base import expect_array
from engine.models.item_item import ItemItemScoring
from engine.models.ranking import topk
from engine.models.registry import register
from engine.progress import check, emit
from engine.i18n import N_

#: Dense similarity block size while fitting (floats): n_items x block <= this. Each block is one
#: cancel check apart: 4M floats keep that well under a second.
_BLOCK_FLOATS = 1 << 22


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

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        k, shrink = self.params["k"], self.params["shrink"]
        if k < 1:
            raise ModelError(f"itemknn: k must be at least 1, got {k}")
        if shrink < 0:
            raise ModelError(f"itemknn: shrink must be >= 0, got {shrink}")
        x = (interactions.csr if self.params["use_values"] else self.seen_).tocsc()
        xt = x.T.tocsr()                                                   # (n_items, n_users)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0), dtype=np.float64).ravel())
        n = self.n_items
        step = max(1, _BLOCK_FLOATS // max(n, 1))
        rows, cols, vals = [], [], []
        for start in range(0, n, step):
            check(cancel)
            block = np.arange(start, min(start + step, n))
            dots = (xt @ x[:, block]).toarray()                            # (n_items, b)
            sim = (dots / (np.outer(norms, norms[block]) + shrink)).astype(np.float32).T  # (b, n_items)
            sim[np.arange(len(block)), block] = 0.0
            sim[~(sim > 0)] = -np.inf                                      # keep positive similarities only
            idx, val = topk(sim, k)                                        # (b, k') neighbours of each target
            keep = idx >= 0
            rows.append(idx[keep])
            cols.append(np.broadcast_to(block[:, None], idx.shape)[keep])
            vals.append(val[keep])
            emit(progress, min(start + step, n) / n, f"similarities {min(start + step, n)}/{n} items", "fit")
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
