"""Exact contributions: the parts add up to the explained score (EASE, ItemKNN, MF fold-in, latent)."""

import numpy as np
import pytest

from engine.explain.api import explain
from engine.explain.history import score_history


def _pairs(model, users):
    """(user id, item id) for each user's top-3 recommendations."""
    recs, _ = model.recommend(users, k=3)
    return [(model.user_ids_[u], model.item_ids_[i]) for u, row in zip(users, recs) for i in row]


@pytest.mark.parametrize("name", ["ease", "itemknn"])
def test_additive_contributions_sum_to_the_score(name, ml_models, ml_catalog, pick_users):
    model = ml_models[name]
    users = pick_users(model, 8)
    for uid, iid in _pairs(model, users):
        a = explain(model, uid, iid, "contributions", catalog=ml_catalog)
        u, i = model.user_index(uid), int(np.searchsorted(model.item_ids_, iid))
        score = float(model.score([u])[0, i])
        assert a.method == "contributions" and a.baseline == 0.0
        assert abs(a.values.sum() - score) <= 1e-5 * max(1.0, abs(score))
        assert abs(a.target - score) <= 1e-5 * max(1.0, abs(score))
        hist = model.history_of(u)
        assert list(a.keys) == model.item_ids_[hist].tolist()
        assert list(a.labels) == ml_catalog.titles(model.item_ids_[hist])


@pytest.mark.parametrize("name", ["ials", "bpr", "twotower"])
def test_fold_in_contributions_sum_to_the_history_score(name, ml_models, pick_users):
    """implicit-style: the per-history-item terms add up to the score of the recomputed user vector."""
    model = ml_models[name]
    for uid, iid in _pairs(model, pick_users(model, 6)):
        a = explain(model, uid, iid, "contributions")
        u, i = model.user_index(uid), int(np.searchsorted(model.item_ids_, iid))
        s = float(score_history(model, model.item_ids_[model.history_of(u)])[i])
        assert abs(a.target - s) <= 1e-5 * max(1.0, abs(s))
        assert abs(a.values.sum() - (a.target - a.baseline)) <= 1e-6 * max(1.0, abs(a.target))
        assert a.baseline == pytest.approx(float(getattr(model, "item_bias_", np.zeros(model.n_items))[i]))
        assert "score" in a.note


@pytest.mark.parametrize("name", ["ials", "bpr", "twotower"])
def test_latent_terms_sum_to_the_trained_score(name, ml_models, pick_users):
    model = ml_models[name]
    for uid, iid in _pairs(model, pick_users(model, 4)):
        a = explain(model, uid, iid, "latent")
        u, i = model.user_index(uid), int(np.searchsorted(model.item_ids_, iid))
        score = float(model.score([u])[0, i])
        assert len(a.values) == model.item_factors_.shape[1] and a.labels[0] == "factor 1"
        assert abs(a.values.sum() + a.baseline - score) <= 1e-5 * max(1.0, abs(score))


def test_to_dict_is_json_ready(ml_models, ml_catalog):
    import json
    model = ml_models["ease"]
    a = explain(model, 1, 50, "contributions", catalog=ml_catalog)
    d = json.loads(json.dumps(a.to_dict()))
    assert d["user"] == 1 and d["item"] == 50 and len(d["values"]) == len(d["keys"]) == len(d["labels"])
