"""EASE (Steck 2019): a closed-form item–item linear model with a zero diagonal."""

from __future__ import annotations

import weakref

import numpy as np
import scipy.sparse as sp
import torch

from engine.errors import ModelError
from engine.models.base import expect_array
from engine.models.item_item import ItemItemScoring, cooccurrence
from engine.models.registry import register
from engine.progress import check, emit, scaled
from engine.i18n import N_, _

#: Rank of the truncated SVD that gives EASE its item/user vectors (latent maps).
EMBEDDING_RANK = 64
_svd_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _inverse(chol: torch.Tensor) -> torch.Tensor:
    """G⁻¹ (n, n) from the lower Cholesky factor of G.

    One torch thread: ``cholesky_inverse`` (LAPACK potri), 3.0–3.4x faster than solving against
    the identity (ml-100k 56 vs 171 ms, ml-1m 0.62 vs 2.1 s CPU). Several threads: the triangular
    solves, which parallelise where potri did not (ml-1m, 2 threads on the shared 2-core machine:
    7–8 s against 24–32 s for potri). bench/RESULTS.md, "Peers".
    """
    if torch.get_num_threads() == 1:
        return torch.cholesky_inverse(chol)
    return torch.cholesky_solve(torch.eye(chol.shape[0]), chol)


@register
class EASE(ItemItemScoring):
    """score(u, ·) = x_u · B with x_u the user's binary train row and B (n_items, n_items):

    G = XᵀX + l2·I, P = G⁻¹, B_ij = −P_ij / P_jj, B_jj = 0. Fitting needs about four dense
    n_items² float32 matrices (``memory_bytes``), so more than ``max_items`` items are refused.
    """

    name = "ease"
    title = "EASE"
    description = N_("EASE: a closed-form item-to-item model; strong and fast on up to ~40,000 items.")
    training_note = N_("EASE is solved in closed form (one matrix inverse): there is no training loop, so it has no "
                     "learning curves and no gradients; its item-to-item weights are shown.")
    defaults = {"l2": 500.0, "max_items": 40000}
    search_space = {"l2": ("log", 1.0, 20000.0)}

    def memory_bytes(self, n_users: int, n_items: int, nnz: int) -> int:
        """Four dense (n_items, n_items) float32 matrices at the peak (Gram, its Cholesky factor and
        inverse, B) and the data (bench/bench_memory.py measures it)."""
        return 16 * n_items * n_items + 16 * nnz

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        n, l2 = self.n_items, self.params["l2"]
        if n > self.params["max_items"]:
            gib = self.memory_bytes(self.n_users, n, self.seen_.nnz) / 1024**3
            raise ModelError(f"ease: {n} items need about {gib:.1f} GiB; keep at most {self.params['max_items']} "
                             "items (filter rare items, e.g. a k-core) or raise max_items")
        if not l2 > 0:
            raise ModelError(f"ease: l2 must be positive, got {l2}")
        gram = torch.from_numpy(cooccurrence(self.seen_, scaled(progress, 0.0, 0.5), cancel))
        check(cancel)
        gram.diagonal().add_(l2)
        try:
            chol = torch.linalg.cholesky(gram)
        except torch.linalg.LinAlgError:
            raise ModelError(f"ease: XᵀX + l2·I is not positive definite in float32; raise l2 (now {l2})") from None
        del gram
        emit(progress, 0.7, "inverting", "fit")
        check(cancel)
        p = _inverse(chol)
        del chol
        b = p.div_(-p.diagonal().clone())
        b.fill_diagonal_(0.0)
        #: (n_items, n_items) float32 item–item weights, row = history item, column = scored item.
        self.weights_ = b.contiguous().numpy()    # row-major like a loaded copy, see item_item_product
        emit(progress, 1.0, "done", "fit")

    def item_item_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.weights_[np.asarray(rows, np.int64)]

    def item_item_product(self, x: sp.csr_matrix) -> np.ndarray:
        # Both operands are row-major in torch's 64-byte-aligned allocations: MKL's float32 GEMM
        # may sum in another order for another layout or alignment, and a loaded model must
        # score bit-identically to the one that was saved.
        xd = torch.from_numpy(x.toarray()).clone()
        return (xd @ torch.from_numpy(self.weights_)).numpy()

    def embeddings(self, kind: str, rows: np.ndarray | None = None) -> np.ndarray:
        """EASE has no factors: W is factorised by a truncated SVD W ≈ U S Vᵀ (rank
        ``EMBEDDING_RANK``); items are V S^½ (the scored side), users x_u U S^½, so user · item
        approximates the EASE score."""
        items, users = self._svd_vectors()
        table = items if kind == "item" else users
        return table if rows is None else table[np.asarray(rows, np.int64)]

    def embedding_note(self) -> str:
        return _("rank-{rank} SVD of the EASE item–item weights").format(rank=min(EMBEDDING_RANK, self.n_items))

    def _svd_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.utils.extmath import randomized_svd
        cached = _svd_cache.get(self)
        if cached is None or cached[0] is not self.seen_:           # a refit gives a new seen-item matrix
            rank = max(2, min(EMBEDDING_RANK, self.n_items))
            u, s, vt = randomized_svd(self.item_item_rows(np.arange(self.n_items)), rank, random_state=0)
            root = np.sqrt(s)
            items = (vt.T * root).astype(np.float32)
            users = np.asarray(self.seen_ @ (u * root), dtype=np.float32)
            _svd_cache[self] = cached = (self.seen_, items, users)
        return cached[1], cached[2]

    def _state(self) -> dict[str, np.ndarray]:
        return {"weights": self.weights_}

    def _set_state(self, state, extra) -> None:
        weights = expect_array(state, "weights", (self.n_items, self.n_items), np.float32)
        self.weights_ = torch.from_numpy(weights).clone().numpy()   # aligned copy, see item_item_product
