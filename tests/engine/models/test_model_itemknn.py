"""ItemKNN: shrunk cosine against a dense float64 computation, top-k pruning, additive weights."""

import numpy as np
import pytest

from engine.errors import ModelError
from engine.models.itemknn import ItemKNN


def dense_similarity(x: np.ndarray, shrink: float) -> np.ndarray:
    """(n_items, n_items) float64 dot / (‖a‖‖b‖ + shrink), zero diagonal."""
    dots = x.T @ x
    norms = np.sqrt(np.diag(dots))
    sim = dots / (np.outer(norms, norms) + shrink)
    np.fill_diagonal(sim, 0.0)
    return sim


@pytest.mark.parametrize("use_values", [False, True])
def test_unpruned_similarity_matches_dense_formula(ml_slice, use_values):
    model = ItemKNN(k=ml_slice.n_items, shrink=10.0, use_values=use_values).fit(ml_slice)
    x = (ml_slice.csr if use_values else ml_slice.seen).toarray().astype(np.float64)
    np.testing.assert_allclose(model.sim_.toarray(), dense_similarity(x, 10.0), rtol=1e-5, atol=1e-7)


def test_pruning_keeps_the_k_largest_per_scored_item(ml_slice):
    full = ItemKNN(k=ml_slice.n_items).fit(ml_slice).sim_.toarray()
    pruned = ItemKNN(k=10).fit(ml_slice).sim_.toarray()
    nnz = (pruned != 0).sum(axis=0)
    assert nnz.max() == 10 and (nnz == np.minimum(10, (full > 0).sum(axis=0))).all()
    for j in range(0, ml_slice.n_items, 37):
        order = np.argsort(-full[:, j], kind="stable")[:nnz[j]]
        assert set(np.flatnonzero(pruned[:, j])) == set(order)
        np.testing.assert_array_equal(pruned[order, j], full[order, j])


def test_scores_are_sums_of_item_weights(ml_slice):
    model = ItemKNN(k=20).fit(ml_slice)
    scores = model.score(np.arange(ml_slice.n_users))
    np.testing.assert_allclose(scores, ml_slice.seen.toarray() @ model.sim_.toarray(), rtol=1e-5, atol=1e-5)
    for user, item in [(0, 0), (17, 50), (299, ml_slice.n_items - 1)]:
        hist = model.history_of(user)
        np.testing.assert_array_equal(hist, ml_slice.seen[user].indices)
        w, score, base = model.contribution_values(item, hist)
        assert base == 0.0 and score == pytest.approx(scores[user, item], rel=1e-5, abs=1e-6)
        assert w.sum() == pytest.approx(scores[user, item], rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("params", [{"k": 0}, {"shrink": -1.0}])
def test_bad_parameters_are_refused(ml_slice, params):
    with pytest.raises(ModelError):
        ItemKNN(**params).fit(ml_slice)
