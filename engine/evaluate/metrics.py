"""Per-user metric formulas of the evaluation protocol of docs/ARCHITECTURE.md, vectorised over a batch of users.

Conventions: ``rec`` (n, K) int64 holds recommended item indices best first, -1 where the user had
fewer than K candidates; ``hits`` (n, K) bool marks recommended items in the user's relevant set;
``n_relevant`` (n,) counts *all* the user's relevant test items (also those no model can rank).
Every function returns float64 arrays (n,) — one value per user — unless it says otherwise.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: Accuracy metrics computed from the hit matrix, in display order.
ACCURACY = ("precision", "recall", "f1", "hit", "ndcg", "map", "mrr")
#: Beyond-accuracy metrics computed from the lists and training popularity / item vectors.
BEYOND = ("novelty", "diversity", "arp")
#: Users per diversity chunk: about this many list entries (bounds the (b, K, K) block).
_MAX_CHUNK_ITEMS = 2048


def accuracy(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """precision, recall, f1, hit, ndcg, map, mrr at cut-off ``k`` (binary relevance).

    hits: (n, >=k) bool; n_relevant: (n,) int, > 0. Formulas (r = rank, 1-based):
    precision = hits/k; recall = hits/|rel|; f1 = 2PR/(P+R) (0 when both are 0); hit = [hits > 0];
    ndcg = Σ_hit 1/log2(r+1) / Σ_{r<=min(|rel|,k)} 1/log2(r+1);
    map = Σ_hit precision@r / min(|rel|,k); mrr = 1/(first hit rank), 0 without a hit.
    """
    h = np.asarray(hits[:, :k], dtype=np.float64)
    n, width = h.shape
    rel = np.asarray(n_relevant, dtype=np.float64)
    ranks = np.arange(1, width + 1, dtype=np.float64)
    n_hits = h.sum(axis=1)
    precision = n_hits / k
    recall = n_hits / rel
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(n), where=denom > 0)
    disc = 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))        # (k,) 1/log2(r+1)
    ideal = np.concatenate([[0.0], np.cumsum(disc)])                     # ideal[m] = Σ_{r<=m}
    cut = np.minimum(rel, k).astype(np.int64)
    ndcg = (h * disc[:width]).sum(axis=1) / ideal[cut]
    ap = (h * np.cumsum(h, axis=1) / ranks).sum(axis=1) / cut
    first = np.argmax(h > 0, axis=1)
    mrr = np.where(n_hits > 0, 1.0 / (first + 1.0), 0.0)
    return {"precision": precision, "recall": recall, "f1": f1, "hit": (n_hits > 0).astype(np.float64),
            "ndcg": ndcg, "map": ap, "mrr": mrr}


def list_mean(rec: np.ndarray, item_values: np.ndarray) -> np.ndarray:
    """Mean of ``item_values`` (n_items,) over each list's items, ignoring -1 padding (NaN if empty).

    Novelty uses self-information −log2(popularity share), ARP uses training interaction counts.
    """
    valid = rec >= 0
    vals = np.where(valid, np.asarray(item_values, dtype=np.float64)[np.maximum(rec, 0)], 0.0)
    count = valid.sum(axis=1)
    return np.divide(vals.sum(axis=1), count, out=np.full(len(rec), np.nan), where=count > 0)


def self_information(seen: sp.csr_matrix) -> np.ndarray:
    """−log2(share of training users who have the item), (n_items,) float64.

    seen: (n_users, n_items) binary train matrix. An item no training user has (a catalog-only
    candidate) is given the share of a single user, so its novelty is finite: log2(n_users).
    """
    n_users = max(seen.shape[0], 1)
    users_per_item = np.asarray((seen > 0).sum(axis=0)).ravel().astype(np.float64)
    return -np.log2(np.maximum(users_per_item, 1.0) / n_users)


def unit_item_vectors(seen: sp.csr_matrix, item_features=None):
    """Row-normalised item vectors for intra-list diversity.

    From ``item_features`` (n_items, d) when given (dense float64), else the binary columns of the
    train matrix as a CSR (n_items, n_users). All-zero rows stay zero (cosine 0 with anything).
    """
    if item_features is not None:
        f = np.asarray(item_features, dtype=np.float64)
        norm = np.linalg.norm(f, axis=1, keepdims=True)
        return np.divide(f, norm, out=np.zeros_like(f), where=norm > 0)
    cols = sp.csr_matrix((seen > 0).T, dtype=np.float64)
    norm = np.sqrt(np.asarray(cols.sum(axis=1)).ravel())
    scale = np.divide(1.0, norm, out=np.zeros_like(norm), where=norm > 0)
    return sp.csr_matrix(sp.diags(scale) @ cols)


class Cosines:
    """Cosine similarities between item vectors, cached across batches.

    vectors: from ``unit_item_vectors``. Pairs among the first ``cap`` distinct items ever asked
    for are kept in one dense (cap, cap) float32 block, so a list of popular items shared by many
    users is multiplied out once; items beyond the cap are computed per call.
    """

    def __init__(self, vectors, cap: int = 4096):
        self.vectors = vectors
        self.cap = min(cap, vectors.shape[0])
        self.items = np.empty(0, np.int64)                     # cached item ids, insertion order
        self.slot = np.full(vectors.shape[0], -1, np.int64)    # item -> row in ``table``
        self.table = np.zeros((0, 0), np.float32)

    def _product(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = self.vectors[a] @ self.vectors[b].T
        return out.toarray() if sp.issparse(out) else np.asarray(out)

    def block(self, items: np.ndarray) -> np.ndarray:
        """(m, m) cosines of ``items`` (m,) distinct item indices."""
        new = items[self.slot[items] < 0]
        n_old = len(self.items)
        if len(new) and n_old + len(new) <= self.cap:
            if self.table.shape[0] < self.cap:
                grown = np.zeros((self.cap, self.cap), np.float32)
                grown[:n_old, :n_old] = self.table[:n_old, :n_old]
                self.table = grown
            self.items = np.concatenate([self.items, new])
            self.slot[new] = np.arange(n_old, len(self.items))
            cross = self._product(new, self.items)             # (n_new, n_all)
            self.table[n_old:len(self.items), :len(self.items)] = cross
            self.table[:n_old, n_old:len(self.items)] = cross[:, :n_old].T
            new = new[:0]
        if len(new):
            return self._product(items, items)
        pos = self.slot[items]
        return self.table[np.ix_(pos, pos)].astype(np.float64)


def diversity(rec: np.ndarray, cosines: Cosines, ks: tuple[int, ...]) -> dict[int, np.ndarray]:
    """Intra-list diversity: mean over item pairs of each top-k list of 1 − cosine(item vectors).

    rec: (n, K) with K >= max(ks). Returns k -> (n,) float64, NaN for lists with fewer than two
    items. Users are processed in chunks so that a chunk's (b, K, K) distance block stays small.
    """
    n, width = rec.shape
    out = {k: np.full(n, np.nan) for k in ks}
    step = max(1, _MAX_CHUNK_ITEMS // max(width, 1))
    for start in range(0, n, step):
        block = rec[start:start + step]
        valid = block >= 0
        items, pos = np.unique(np.maximum(block, 0), return_inverse=True)
        pos = pos.reshape(block.shape)
        cos = cosines.block(items)
        dist = 1.0 - cos[pos[:, :, None], pos[:, None, :]]                 # (b, K, K)
        pair = valid[:, :, None] & valid[:, None, :]
        for k in ks:
            upper = np.triu(np.ones((k, k), dtype=bool), 1)
            m = pair[:, :k, :k] & upper
            total = np.where(m, dist[:, :k, :k], 0.0).sum(axis=(1, 2))
            n_pairs = m.sum(axis=(1, 2))
            out[k][start:start + len(block)] = np.divide(total, n_pairs, out=np.full(len(block), np.nan),
                                                         where=n_pairs > 0)
    return out


def coverage(recommended: np.ndarray, n_items: int) -> float:
    """Share of candidate items that appear in at least one list; recommended: (n_items,) bool."""
    return float(recommended.sum()) / n_items if n_items else 0.0
