"""Counterfactual: the smallest set of history items whose removal drops an item out of the top-K.

Search: every single removal; then pairs of the M items whose single removal hurts the item most,
with M(M−1)/2 within the model's pair budget (``PAIR_BUDGET``: every pair for histories of up to
55 items with the cheap additive / fold-in re-scoring, up to 25 for a network); then greedy —
remove items in order of their single-removal effect on the item's margin over the K-th best
other candidate until it drops out, then put back any removed item that is not needed. ``exact``:
no smaller set exists (singles are always all tried, so any set of <= 2 items is minimal; a larger
one only when every pair was tried). The
ranking follows the recommendation protocol: items the customer already had stay excluded (also
the removed ones), ties go to the lower item index.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from engine.explain.history import (FOLD_IN_MODELS, fold_in_params, fold_in_systems, history_of, item_bias,
                                    item_labels, plain_id, score_histories)
from engine.explain.types import Counterfactual

#: Pairs of history items tried: cheap re-scoring (additive, fold-in) / a network forward per pair.
PAIR_BUDGET = 1500
NETWORK_PAIR_BUDGET = 300
_CHUNK = 500
ADDITIVE = ("ease", "itemknn")


def ranks_and_margins(scores: np.ndarray, item: int, candidates: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For score rows (n, n_items): the 1-based rank (n,) of ``item`` among ``candidates``
    ((n_items,) bool, ``item`` included) and its margin (n,) over the k-th best other candidate
    (the item is in the top-k iff margin > 0, or margin == 0 with the lower index)."""
    s_i = scores[:, item][:, None]
    idx = np.arange(scores.shape[1])
    others = candidates.copy()
    others[item] = False
    better = ((scores > s_i) | ((scores == s_i) & (idx < item))) & others
    ranks = 1 + better.sum(axis=1)
    comp = scores[:, others]
    if comp.shape[1] < k:
        return ranks, np.full(len(scores), np.inf)
    kth = -np.partition(-comp, k - 1, axis=1)[:, k - 1]
    return ranks, s_i[:, 0] - kth


class _Rescorer:
    """Scores of one history with some positions deleted: additive models subtract the removed
    rows; fold-in models update the solve of the whole history (Woodbury for a few removed
    items, running downdates of the normal equations for prefixes); others re-score."""

    def __init__(self, model, hist: np.ndarray):
        self.model, self.hist = model, hist
        self.full = score_histories(model, [hist])[0].astype(np.float64)
        if model.name in FOLD_IN_MODELS:
            (self.a,), (self.b,) = fold_in_systems(model, [hist])
            self.alpha = fold_in_params(model)[0]
            self.e = model.item_factors_[hist].astype(np.float64)                # (h, f)
            self.y = model.item_factors_.T.astype(np.float64)                    # (f, n_items)
            self.bias = item_bias(model)[None, :]
            self.step = max(1, min(_CHUNK, (1 << 22) // self.a.size))      # ~32 MiB of stacked systems
            q = np.linalg.solve(self.a, self.e.T).T                              # (h, f) rows A⁻¹e_j
            self.k = self.e @ q.T                                                # (h, h) e_jᵀA⁻¹e_l
            x0 = np.linalg.solve(self.a, self.b)
            self.ex = self.e @ x0                                                # (h,) e_j·x
            self.qy = q @ self.y                                                 # (h, n_items)
            self.s0 = x0 @ self.y + self.bias[0]

    def _solve(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.linalg.solve(a, b[..., None])[..., 0] @ self.y + self.bias

    def removed(self, removals: list[tuple[int, ...]]) -> np.ndarray:
        """(n, n_items) scores with the positions of each tuple in ``removals`` (all of one size) deleted."""
        model, hist = self.model, self.hist
        if model.name in ADDITIVE:
            rows = np.repeat(np.arange(len(removals)), [len(r) for r in removals])
            cols = hist[np.fromiter(itertools.chain.from_iterable(removals), np.int64, count=len(rows))]
            x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(removals), model.n_items))
            sub = x @ (model.weights_ if model.name == "ease" else model.sim_)
            return self.full[None, :] - (sub.toarray() if sp.issparse(sub) else sub)
        if model.name in FOLD_IN_MODELS:
            # A_S = A − alpha·E_SᵀE_S, b_S = b − c·Σ_S e_j. With z = A⁻¹b_S = x − c·Σ_S A⁻¹e_j, Woodbury gives
            # x_S = z + alpha·Q_Sᵀ v, v = (I − alpha·K_SS)⁻¹ E_S z, so s_S = s + Σ_j (alpha·v_j − c)·(A⁻¹e_j)ᵀY.
            idx = np.asarray(removals, dtype=np.int64).reshape(len(removals), -1)    # (n, s)
            c = 1.0 + self.alpha
            kss = self.k[idx[:, :, None], idx[:, None, :]]                          # (n, s, s)
            ez = self.ex[idx] - c * kss.sum(-1)
            v = np.linalg.solve(np.eye(idx.shape[1])[None] - self.alpha * kss, ez[..., None])[..., 0]
            coef = self.alpha * v - c
            out = np.repeat(self.s0[None], len(idx), 0)
            for j in range(idx.shape[1]):
                out += coef[:, j, None] * self.qy[idx[:, j]]
            return out
        keep = np.ones(len(hist), bool)
        histories = []
        for r in removals:
            keep[:] = True
            keep[list(r)] = False
            histories.append(hist[keep])
        return score_histories(model, histories)

    def prefixes(self, order: np.ndarray):
        """Yield (start, scores (n, n_items)) in chunks: scores after deleting positions
        order[:start + 1], order[:start + 2], ... (running sums carried over chunks)."""
        model, hist = self.model, self.hist
        if model.name in ADDITIVE:
            done = np.zeros(model.n_items)
            for start in range(0, len(order), _CHUNK):
                rows = hist[order[start:start + _CHUNK]]
                w = model.weights_[rows] if model.name == "ease" else model.sim_[rows].toarray()
                cum = done[None, :] + np.cumsum(w, axis=0, dtype=np.float64)
                yield start, self.full[None, :] - cum
                done = cum[-1]
        elif model.name in FOLD_IN_MODELS:
            a, b = self.a, self.b
            for start in range(0, len(order), self.step):
                eo = self.e[order[start:start + self.step]]
                aa = a[None] - self.alpha * np.cumsum(eo[:, :, None] * eo[:, None, :], axis=0)
                bb = b[None] - (1 + self.alpha) * np.cumsum(eo, axis=0)
                yield start, self._solve(aa, bb)
                a, b = aa[-1], bb[-1]
        else:
            for start in range(0, len(order), _CHUNK):
                stop = min(start + _CHUNK, len(order))
                yield start, self.removed([tuple(order[:m]) for m in range(start + 1, stop + 1)])


def counterfactual(model, user: int, item: int, *, k: int = 10, catalog=None,
                   max_removed: int | None = None) -> Counterfactual:
    """Smallest set of ``user``'s history items found whose removal puts ``item`` below rank ``k``
    (internal indices). ``max_removed`` caps the greedy search (default: the whole history)."""
    hist = history_of(model, user)
    h = len(hist)
    limit = h if max_removed is None else max(0, min(int(max_removed), h))
    candidates = np.ones(model.n_items, bool)
    candidates[model.seen_[user].indices] = False
    candidates[item] = True
    scorer = _Rescorer(model, hist)
    rank0, _ = ranks_and_margins(scorer.full[None], item, candidates, k)
    rank0 = int(rank0[0])
    title = item_labels(model, [item], catalog)[0]

    def result(removed, rank_after, found, exact, note=""):
        pos = np.asarray(removed, dtype=np.int64)
        if rank0 > k:
            what = f"“{title}” is not in the top {k} (rank {rank0})"
        elif found:
            what = f"Removing {len(pos)} item(s) drops “{title}” from rank {rank0} to {rank_after}"
        else:
            what = f"“{title}” stays in the top {k} even without {len(pos)} of the customer's items"
        return Counterfactual(title=what, removed=tuple(model.item_ids_[hist[pos]].tolist()),
                              labels=item_labels(model, hist[pos], catalog), rank_before=rank0,
                              rank_after=int(rank_after), k=int(k), found=found, exact=exact,
                              user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item),
                              note=note)

    if rank0 > k:
        how = " (scored through the user vector recomputed from the history)" if model.name in FOLD_IN_MODELS else ""
        return result([], rank0, True, True, f"The item ranks {rank0} for this history{how}, outside the top {k}.")
    if limit == 0:
        return result([], rank0, False, False, "Nothing may be removed.")

    def scan(removals):
        """Ranks and margins (n,) of the item after each removal set, scored in chunks."""
        parts = [ranks_and_margins(scorer.removed(removals[s:s + _CHUNK]), item, candidates, k)
                 for s in range(0, len(removals), _CHUNK)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    r1, m1 = scan([(j,) for j in range(h)])
    if r1.max() > k:
        best = int(np.lexsort((m1, -r1))[0])
        return result([best], r1[best], True, True)
    order = np.lexsort((np.arange(h), m1))                   # biggest single-removal effect first
    checked = 1
    if limit >= 2:
        budget = PAIR_BUDGET if model.name in ADDITIVE + FOLD_IN_MODELS else NETWORK_PAIR_BUDGET
        top = h
        while top * (top - 1) // 2 > budget:
            top -= 1
        pairs = list(itertools.combinations(np.sort(order[:top]).tolist(), 2))
        r2, m2 = scan(pairs)
        if r2.max() > k:
            best = int(np.lexsort((m2, -r2))[0])
            return result(list(pairs[best]), r2[best], True, True)
        checked = 2 if top == h else 1
    order = order[:limit]
    size = None
    for start, scores in scorer.prefixes(order):              # stop at the first prefix that works
        rp, _ = ranks_and_margins(scores, item, candidates, k)
        hit = np.flatnonzero(rp > k)
        if len(hit):
            size = start + int(hit[0]) + 1
            break
    if size is None:
        return result(order, rp[-1], False, False,
                      f"No set of up to {limit} history items was found (every set of up to {checked} checked).")
    removed = list(order[:size])
    for j in reversed(list(removed)):                         # put back what is not needed
        trial = tuple(r for r in removed if r != j)
        if not trial:
            continue
        rt, _ = ranks_and_margins(scorer.removed([trial]), item, candidates, k)
        if rt[0] > k:
            removed = list(trial)
    r_final, _ = ranks_and_margins(scorer.removed([tuple(removed)]), item, candidates, k)
    exact = len(removed) <= checked + 1
    note = "" if exact else (f"Found greedily; no set of up to {checked} item(s) works, "
                             "a smaller one than this may exist.")
    return result(removed, r_final[0], True, exact, note)
