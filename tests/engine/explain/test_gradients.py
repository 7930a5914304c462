"""Gradient attributions: integrated gradients are complete (sum = score − baseline within 5 %)."""

import numpy as np
import pytest

from engine.errors import EngineError
from engine.explain.api import explain
from engine.explain.history import score_history


def _pairs(model, users, k=2):
    recs, _ = model.recommend(users, k=k)
    return [(model.user_ids_[u], model.item_ids_[i]) for u, row in zip(users, recs) for i in row]


@pytest.mark.parametrize("name", ["sasrec", "ials", "bpr", "twotower"])
def test_integrated_gradients_are_complete(name, ml_models, ml_catalog, pick_users):
    model = ml_models[name]
    for uid, iid in _pairs(model, pick_users(model, 6, seed=3)):
        a = explain(model, uid, iid, "ig", catalog=ml_catalog)
        gap = abs(a.values.sum() - (a.target - a.baseline))
        assert gap <= 0.05 * abs(a.target - a.baseline), (uid, iid, a.values.sum(), a.target, a.baseline)
        assert len(a.values) == len(a.keys) == len(a.labels) and np.isfinite(a.values).all()


def test_sasrec_gradients_explain_the_real_score(ml_models, pick_users):
    """The score being differentiated is the model's own score of that item, over the history it reads."""
    model = ml_models["sasrec"]
    for uid, iid in _pairs(model, pick_users(model, 4, seed=5)):
        u, i = model.user_index(uid), int(np.searchsorted(model.item_ids_, iid))
        for method in ("saliency", "ig"):
            a = explain(model, uid, iid, method)
            assert a.target == pytest.approx(float(model.score([u])[0, i]), rel=1e-4, abs=1e-4)
            assert list(a.keys) == model.item_ids_[model.history_of(u)].tolist()


def test_fold_in_gradients_explain_the_fold_in_score(ml_models, pick_users):
    """iALS / BPR: IG of the least-squares fold-in (closed form); no saliency (see gradients.py)."""
    model = ml_models["ials"]
    for uid, iid in _pairs(model, pick_users(model, 3, seed=6)):
        u, i = model.user_index(uid), int(np.searchsorted(model.item_ids_, iid))
        a = explain(model, uid, iid, "ig")
        s = float(score_history(model, model.item_ids_[model.history_of(u)])[i])
        assert a.target == pytest.approx(s, rel=1e-6, abs=1e-6) and a.baseline == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(EngineError, match="supports: contributions, latent, ig, counterfactual"):
        explain(model, uid, iid, "saliency")


def test_two_tower_features_rebuild_the_score(ml_models, ml_catalog, pick_users):
    """Per-feature vectors summed through the towers give back the model's score; labels read values."""
    model = ml_models["twotower"]
    for uid, iid in _pairs(model, pick_users(model, 3, seed=7)):
        u, i = model.user_index(uid), int(np.searchsorted(model.item_ids_, iid))
        a = explain(model, uid, iid, "saliency", catalog=ml_catalog)
        assert a.target == pytest.approx(float(model.score([u])[0, i]), rel=1e-4, abs=1e-4)
        assert list(a.keys) == model.feature_names()
        assert a.labels[list(a.keys).index("item id")] == f"item id = {ml_catalog.titles([iid])[0]}"
        assert any(label.startswith("item category = ") for label in a.labels)
