"""Exact top-K: every path (torch.topk with its tie check, unique int64 keys, partition/lexsort)
gives the protocol's order; the item-item fits' fast paths give the same weights as the general ones."""

import numpy as np
import pytest
import torch

from engine.data.interactions import Interactions
from engine.models import itemknn as itemknn_module
from engine.models.ease import EASE
from engine.models.itemknn import ItemKNN
from engine.models.ranking import _topk_exact, _topk_keys, topk


def tied_scores(seed: int, n: int = 25, m: int = 40) -> np.ndarray:
    """Small integer scores (ties everywhere) with NaN, ±inf and -0.0 mixed in."""
    rng = np.random.default_rng(seed)
    s = rng.integers(-3, 4, (n, m)).astype(np.float32)
    for value, share in ((np.nan, 0.1), (-np.inf, 0.2), (np.inf, 0.05), (-0.0, 0.05)):
        s[rng.random(s.shape) < share] = value
    return s


@pytest.mark.parametrize("seed", range(6))
def test_every_path_follows_the_tie_rule(seed):
    s = tied_scores(seed)
    clean = np.where(np.isnan(s), -np.inf, s)
    for k in (1, 5, 39, 40):
        ref = _topk_exact(clean, k)
        for got in (_topk_keys(clean, k), topk(s, k), topk(s, k, ties=True)):
            np.testing.assert_array_equal(got[0], ref[0])
            np.testing.assert_array_equal(got[1], ref[1])


@pytest.fixture(scope="module")
def inter():
    rng = np.random.default_rng(1)
    return Interactions.from_arrays(rng.integers(0, 200, 3000), rng.integers(0, 80, 3000))


def test_itemknn_dense_and_sparse_paths_agree(inter, monkeypatch):
    dense = ItemKNN(k=15, shrink=5.0).fit(inter).sim_
    monkeypatch.setattr(itemknn_module, "DENSE_CELLS", 0)
    sparse = ItemKNN(k=15, shrink=5.0).fit(inter).sim_
    assert (dense != sparse).nnz == 0


def test_ease_inverse_is_the_same_on_one_thread_and_several(inter):
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = EASE(l2=50.0).fit(inter).weights_
        torch.set_num_threads(2)                     # the triangular-solve branch
        two = EASE(l2=50.0).fit(inter).weights_
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_allclose(one, two, rtol=1e-4, atol=1e-6)
