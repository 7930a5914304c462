"""Counterfactuals: removing the returned items really drops the item out of the top-k."""

import numpy as np
import pytest

from engine.explain.api import explain
from engine.explain.counterfactual import counterfactual, ranks_and_margins
from engine.explain.history import score_histories


def _rank_without(model, u, item, removed_ids):
    """Rank of ``item`` after re-scoring the history without ``removed_ids`` (seen items excluded)."""
    hist = model.history_of(u)
    drop = np.isin(model.item_ids_[hist], np.asarray(removed_ids))
    if model.name == "sasrec":                    # positions: drop exactly as many as were removed
        drop = np.zeros(len(hist), bool)
        for rid in removed_ids:
            drop[np.flatnonzero((model.item_ids_[hist] == rid) & ~drop)[0]] = True
    scores = score_histories(model, [hist[~drop]])
    cand = np.ones(model.n_items, bool)
    cand[model.seen_[u].indices] = False
    cand[item] = True
    return int(ranks_and_margins(scores, item, cand, 10)[0][0])


@pytest.mark.parametrize("name", ["ease", "itemknn", "ials", "sasrec"])
def test_removal_drops_the_item_out_of_the_top_k(name, ml_models, ml_catalog, pick_users):
    """Found: re-scoring without the removed items puts the item below rank k. Not found: the item
    stays in the top-k even for an empty history (the search ends by removing everything)."""
    model = ml_models[name]
    found = 0
    for u in pick_users(model, 6, seed=4):
        recs, _ = model.recommend([u], k=10)
        for item in (int(recs[0, 0]), int(recs[0, 9])):
            cf = explain(model, model.user_ids_[u], model.item_ids_[item], "counterfactual", k=10, catalog=ml_catalog)
            assert cf.k == 10 and len(cf.removed) == len(cf.labels)
            if cf.rank_before > 10:          # iALS re-scores the history (recomputed user factor)
                assert model.name == "ials" and cf.found and cf.removed == ()
            elif cf.found:
                found += 1
                assert cf.rank_after > 10
                assert _rank_without(model, u, item, list(cf.removed)) > 10
            else:
                assert _rank_without(model, u, item, list(model.item_ids_[model.history_of(u)])) <= 10
    assert found >= 3


def test_small_histories_get_exact_minimal_sets(ml_models, ml_catalog):
    """With <= 55 history items every single item and pair is tried: a set of size <= 2 is exact,
    and a larger one comes with the proof that no 1- or 2-item set works."""
    model = ml_models["ease"]
    sizes = np.diff(model.seen_.indptr)
    users = np.flatnonzero((sizes >= 15) & (sizes <= 40))[:8]
    for u in users:
        item = int(model.recommend([u], k=10)[0][0, 9])          # the 10th item: easiest to dislodge
        cf = counterfactual(model, int(u), item, k=10, catalog=ml_catalog)
        assert cf.found
        if len(cf.removed) <= 2:
            assert cf.exact
        assert _rank_without(model, u, item, list(cf.removed)) > 10
        for j in range(len(cf.removed)):                         # minimal along the way: none is spare
            if len(cf.removed) > 1:
                rest = [r for k, r in enumerate(cf.removed) if k != j]
                assert _rank_without(model, u, item, rest) <= 10


def test_item_outside_the_top_k(ml_models):
    model = ml_models["ease"]
    recs, _ = model.recommend([0], k=50)
    cf = counterfactual(model, 0, int(recs[0, 40]), k=10)
    assert cf.found and cf.removed == () and cf.rank_before > 10
