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

from engine.explain.history import item_labels, plain_id, rescorer
from engine.explain.types import Counterfactual
from engine.i18n import _

#: Pairs of history items tried: cheap exact re-scoring (capability "rescoring" without a network)
#: / a network forward per pair.
PAIR_BUDGET = 1500
NETWORK_PAIR_BUDGET = 300
_CHUNK = 500


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


def counterfactual(model, user: int, item: int, *, k: int = 10, catalog=None,
                   max_removed: int | None = None) -> Counterfactual:
    """Smallest set of ``user``'s history items found whose removal puts ``item`` below rank ``k``
    (internal indices). ``max_removed`` caps the greedy search (default: the whole history)."""
    hist = model.history_of(user)
    h = len(hist)
    limit = h if max_removed is None else max(0, min(int(max_removed), h))
    candidates = np.ones(model.n_items, bool)
    candidates[model.seen_[user].indices] = False
    candidates[item] = True
    scorer = rescorer(model, hist)
    rank0, _margin = ranks_and_margins(scorer.full[None], item, candidates, k)
    rank0 = int(rank0[0])
    title = item_labels(model, [item], catalog)[0]

    def result(removed, rank_after, found, exact, note=""):
        pos = np.asarray(removed, dtype=np.int64)
        if rank0 > k:
            what = _("“{title}” is not in the top {k} (rank {rank0})").format(title=title, k=k, rank0=rank0)
        elif found:
            what = _("Removing {pos} item(s) drops “{title}” from rank {rank0} to {rank_after}").format(pos=len(pos), title=title, rank0=rank0, rank_after=rank_after)
        else:
            what = _("“{title}” stays in the top {k} even without {pos} of the customer's items").format(title=title, k=k, pos=len(pos))
        return Counterfactual(title=what, removed=tuple(model.item_ids_[hist[pos]].tolist()),
                              labels=item_labels(model, hist[pos], catalog), rank_before=rank0,
                              rank_after=int(rank_after), k=int(k), found=found, exact=exact,
                              user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item),
                              note=note)

    if rank0 > k:
        trained = model.score([user])[0].astype(np.float64)
        recomputed = not np.allclose(scorer.full, trained, rtol=1e-4, atol=1e-6)
        how = _(" (scored through the user vector recomputed from the history)") if recomputed else ""
        return result([], rank0, True, True, _("The item ranks {rank0} for this history{how}, outside the top {k}.").format(rank0=rank0, how=how, k=k))
    if limit == 0:
        return result([], rank0, False, False, _("Nothing may be removed."))

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
        budget = PAIR_BUDGET if scorer.cheap else NETWORK_PAIR_BUDGET
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
        rp, _margin = ranks_and_margins(scores, item, candidates, k)
        hit = np.flatnonzero(rp > k)
        if len(hit):
            size = start + int(hit[0]) + 1
            break
    if size is None:
        return result(order, rp[-1], False, False,
                      _("No set of up to {limit} history items was found (every set of up to {checked} checked).").format(limit=limit, checked=checked))
    removed = list(order[:size])
    for j in reversed(list(removed)):                         # put back what is not needed
        trial = tuple(r for r in removed if r != j)
        if not trial:
            continue
        rt, _margin = ranks_and_margins(scorer.removed([trial]), item, candidates, k)
        if rt[0] > k:
            removed = list(trial)
    r_final, _margin = ranks_and_margins(scorer.removed([tuple(removed)]), item, candidates, k)
    exact = len(removed) <= checked + 1
    note = "" if exact else (_("Found greedily; no set of up to {checked} item(s) works, a smaller one than this may exist.").format(checked=checked))
    return result(removed, r_final[0], True, exact, note)
