"""Sparsification: top-k per row and global magnitude pruning of matrices, and magnitude pruning of
torch weights with ``torch.nn.utils.prune`` (global or per layer) that can be fine-tuned before the
masks are made permanent."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from torch import nn
from torch.nn.utils import prune as tprune


def topk_rows(matrix, k: int) -> sp.csr_matrix:
    """Keep the ``k`` entries of largest magnitude in every row of ``matrix`` (n, m) (a dense array
    or scipy sparse); -> float32 CSR (n, m), zeros dropped."""
    if sp.issparse(matrix):
        m = sp.csr_matrix(matrix, dtype=np.float32)
        m.eliminate_zeros()
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        order = np.lexsort((m.indices, -np.abs(m.data), rows))        # by row, |value| desc, column
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order)) - m.indptr[rows[order]]
        keep = rank < k
        out = sp.csr_matrix((m.data[keep], (rows[keep], m.indices[keep])), shape=m.shape, dtype=np.float32)
    else:
        x = np.asarray(matrix, dtype=np.float32)
        k = min(int(k), x.shape[1])
        cols = np.argpartition(-np.abs(x), k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(x.shape[0]), k)
        out = sp.csr_matrix((x[rows, cols.ravel()], (rows, cols.ravel())), shape=x.shape, dtype=np.float32)
    out.eliminate_zeros()
    out.sort_indices()
    return out


def magnitude_prune(matrix, fraction: float) -> sp.csr_matrix:
    """Zero the ``fraction`` of non-zero entries of smallest magnitude over the whole ``matrix``
    (dense or sparse, (n, m)); -> float32 CSR (n, m) with the survivors."""
    m = sp.coo_matrix(matrix, dtype=np.float32)
    nz = m.data != 0
    row, col, data = m.row[nz], m.col[nz], m.data[nz]
    keep_n = int(round((1.0 - fraction) * len(data)))
    if keep_n < len(data):
        keep = np.argpartition(-np.abs(data), max(keep_n - 1, 0))[:keep_n] if keep_n else np.empty(0, np.int64)
        row, col, data = row[keep], col[keep], data[keep]
    out = sp.csr_matrix((data, (row, col)), shape=m.shape, dtype=np.float32)
    out.sort_indices()
    return out


def prunable(module: nn.Module) -> list[tuple[nn.Module, str]]:
    """(module, "weight") of every nn.Linear and nn.Embedding in ``module``."""
    return [(m, "weight") for m in module.modules() if isinstance(m, (nn.Linear, nn.Embedding))]


def prune_weights(targets: list[tuple[nn.Module, str]], fraction: float, scope: str = "global") -> None:
    """Attach L1 magnitude masks to ``targets``: the ``fraction`` smallest weights over all of them
    ("global") or within each ("layer"). Masks stay applied while fine-tuning; see ``make_permanent``."""
    if scope == "global":
        tprune.global_unstructured(targets, pruning_method=tprune.L1Unstructured, amount=float(fraction))
    else:
        for module, name in targets:
            tprune.l1_unstructured(module, name, amount=float(fraction))


def make_permanent(targets: list[tuple[nn.Module, str]]) -> None:
    """Fold the masks of ``prune_weights`` into plain weights (the pruned entries are exact zeros)."""
    for module, name in targets:
        if tprune.is_pruned(module):
            tprune.remove(module, name)

