"""EASE: the closed form against numpy float64, additive weights, the memory guard, the Gram paths."""

import numpy as np
import pytest
import torch

from engine.errors import ModelError
from engine.models.ease import EASE


def reference_b(x: np.ndarray, l2: float) -> np.ndarray:
    """Steck 2019 in float64: P = (XᵀX + l2·I)⁻¹, B = −P / diag(P), zero diagonal."""
    p = np.linalg.inv(x.T @ x + l2 * np.eye(x.shape[1]))
    b = p / -np.diag(p)
    np.fill_diagonal(b, 0.0)
    return b


@pytest.mark.parametrize("l2", [500.0, 50.0])
def test_weights_and_scores_match_float64_closed_form(ml_slice, l2):
    model = EASE(l2=l2).fit(ml_slice)
    x = ml_slice.seen.toarray().astype(np.float64)
    b = reference_b(x, l2)
    assert model.weights_.dtype == np.float32 and not model.weights_.diagonal().any()
    np.testing.assert_allclose(model.weights_, b, atol=2e-5 * np.abs(b).max())
    scores = model.score(np.arange(ml_slice.n_users))
    np.testing.assert_allclose(scores, x @ b, atol=1e-4 * np.abs(x @ b).max())


def test_scores_are_sums_of_item_weights(ml_slice):
    model = EASE().fit(ml_slice)
    scores = model.score(np.arange(ml_slice.n_users))
    for user, item in [(0, 0), (42, 7), (299, ml_slice.n_items - 1)]:
        hist = model.history_of(user)
        np.testing.assert_array_equal(hist, ml_slice.seen[user].indices)
        w, score, base = model.contribution_values(item, hist)
        assert base == 0.0 and score == pytest.approx(scores[user, item], rel=1e-4, abs=1e-5)
        assert w.sum() == pytest.approx(scores[user, item], rel=1e-4, abs=1e-5)


def test_too_many_items_is_refused_with_advice(ml_slice):
    with pytest.raises(ModelError, match="k-core"):
        EASE(max_items=100).fit(ml_slice)


def test_non_positive_l2_is_refused(ml_slice):
    with pytest.raises(ModelError, match="l2"):
        EASE(l2=0.0).fit(ml_slice)


def test_float32_gram_fallback_gives_the_same_model(ml_slice, monkeypatch):
    int8 = EASE().fit(ml_slice).weights_

    def unavailable(*args):
        raise RuntimeError("no int8 GEMM")
    monkeypatch.setattr(torch, "_int_mm", unavailable)
    np.testing.assert_array_equal(EASE().fit(ml_slice).weights_, int8)   # XᵀX counts are exact either way
