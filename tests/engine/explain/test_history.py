"""score_history: a training user's own history reproduces the model's scores; new customers score."""

import numpy as np
import pytest
from scipy.stats import spearmanr

from engine.errors import ModelError
from engine.explain.history import score_histories, score_history


@pytest.mark.parametrize("name", ["ease", "itemknn", "sasrec"])
def test_own_history_reproduces_the_score_exactly(name, ml_models, pick_users):
    model = ml_models[name]
    users = pick_users(model, 12)
    trained = model.score(users)
    for row, u in enumerate(users):
        ids = model.item_ids_[model.history_of(u)]
        got = score_history(model, ids)
        assert got.shape == (model.n_items,) and got.dtype == np.float32
        np.testing.assert_allclose(got, trained[row], rtol=1e-5, atol=1e-5 * np.abs(trained[row]).max())


def test_ials_recomputed_user_factor_is_close(ml_models, pick_users):
    """Training stops after a few warm-started conjugate-gradient steps and then moves the item
    factors once more, so the exact least-squares solve differs a little from the trained factor:
    scores within 5 % of the score range, rankings nearly identical."""
    model = ml_models["ials"]
    users = pick_users(model, 20)
    trained = model.score(users)
    got = score_histories(model, [model.history_of(u) for u in users])
    spread = np.abs(trained).max(axis=1, keepdims=True)
    assert np.all(np.abs(got - trained) <= 0.05 * spread)
    assert min(spearmanr(a, b).statistic for a, b in zip(got, trained)) > 0.98


def test_bpr_fold_in_ranks_like_the_trained_vector(ml_models, pick_users):
    """Fold-in fits a least-squares user vector, not BPR's ranking loss: the scale differs, the
    order over all items agrees on the whole (rank correlation; ~0.9 measured)."""
    model = ml_models["bpr"]
    users = pick_users(model, 20)
    trained = model.score(users)
    got = score_histories(model, [model.history_of(u) for u in users])
    rho = [spearmanr(a, b).statistic for a, b in zip(got, trained)]
    assert np.mean(rho) > 0.8


def test_new_customer_from_a_few_items(ml_models, ml_catalog):
    """A customer the model never saw, built from three movies: additive models score x @ W."""
    first, second, third = 50, 172, 181
    for name in ("ease", "itemknn", "ials", "bpr", "sasrec", "twotower"):
        model = ml_models[name]
        s = score_history(model, [first, second, third])
        assert s.shape == (model.n_items,) and np.isfinite(s).all(), name
    ease = ml_models["ease"]
    rows = ease.weights_[np.searchsorted(ease.item_ids_, [first, second, third])]
    np.testing.assert_allclose(score_history(ease, ["50", 172, 181]), rows.sum(0), rtol=1e-5, atol=1e-6)
    # SASRec reads the order: the same items in another order score differently
    sas = ml_models["sasrec"]
    assert not np.allclose(score_history(sas, [first, second, third]), score_history(sas, [third, second, first]))


def test_empty_history_and_unknown_items(ml_models):
    ease = ml_models["ease"]
    assert np.all(score_history(ease, []) == 0)
    sas = score_history(ml_models["sasrec"], [])
    assert np.isfinite(sas).all() and sas.std() > 0          # the all-padding sequence
    bpr = ml_models["bpr"]
    np.testing.assert_allclose(score_history(bpr, []), bpr.item_bias_, atol=1e-6)
    with pytest.raises(ModelError, match="99999"):
        score_history(ease, [50, 99999])
