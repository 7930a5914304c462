"""The fast validator gives ``evaluate``'s accuracy metrics on the same users (generated data only)."""

import numpy as np
import pytest

from engine.data.interactions import Interactions
from engine.data.splits import carve_validation, without
from engine.errors import Cancelled
from engine.evaluate import evaluate
from engine.evaluate.validator import Validator, top_unseen
from engine.models.ranking import mask_seen, topk
from engine.models.registry import create
from engine.progress import CancelToken


@pytest.fixture(scope="module")
def data():
    """(fit part, validation events): 400 users x 150 items with skewed popularity (equal counts,
    so equal popularity scores, are common), 15 % of each user's events carved for validation,
    plus validation events of an item training never saw and of a user training never saw."""
    rng = np.random.default_rng(0)
    weights = 1.0 / np.arange(1, 151) ** 0.8
    users, items = [], []
    for u in range(400):
        chosen = rng.choice(150, int(rng.integers(5, 40)), replace=False, p=weights / weights.sum())
        users += [u] * len(chosen)
        items += chosen.tolist()
    train = Interactions.from_arrays(np.array(users), np.array(items))
    valid = carve_validation(train, 0.15, seed=1)
    extra = Interactions.from_arrays(np.r_[valid.user_ids[valid.user_idx], [3, 999]],
                                     np.r_[valid.item_ids[valid.item_idx], [777, 5]])
    return without(train, valid), extra


@pytest.fixture(scope="module", params=["pop", "ease", "ials"])
def model(request, data):
    fit_part, _ = data
    params = {"ials": {"factors": 8, "epochs": 2, "valid_frac": 0.0, "device": "cpu"}}.get(request.param, {})
    return create(request.param, **params).fit(fit_part)


@pytest.mark.parametrize("max_users", [0, 57])
def test_same_metrics_as_evaluate_on_the_same_users(data, model, max_users):
    fit_part, valid = data
    validator = Validator(fit_part, valid, ks=(1, 5, 10, 200), max_users=max_users, seed=4)
    got = validator(model)
    ref = evaluate(model, fit_part, valid, ks=(1, 5, 10, 200), users=fit_part.user_ids[validator.users],
                   beyond=False)
    assert ref.n_users_evaluated == len(validator) == (max_users or ref.n_users_evaluated)
    assert set(got) == set(ref.metrics)
    for key, value in ref.metrics.items():
        assert got[key] == pytest.approx(value, abs=1e-12), key
    assert validator(model) == got                    # buffers reused: the same answer again


def test_sample_is_fixed_by_the_seed_and_drops_cold_users(data):
    fit_part, valid = data
    a, b = Validator(fit_part, valid, max_users=50, seed=1), Validator(fit_part, valid, max_users=50, seed=1)
    c = Validator(fit_part, valid, max_users=50, seed=2)
    assert np.array_equal(a.users, b.users) and not np.array_equal(a.users, c.users)
    everyone = Validator(fit_part, valid, max_users=0)
    assert 999 not in fit_part.user_ids[everyone.users] and len(everyone) < len(np.unique(valid.user_idx))


def test_kernel_is_topk_after_masking_with_ties_nan_and_inf():
    rng = np.random.default_rng(3)
    scores = rng.integers(-2, 3, (40, 30)).astype(np.float32)
    scores[rng.random(scores.shape) < 0.1] = np.nan
    scores[rng.random(scores.shape) < 0.1] = -np.inf
    scores[rng.random(scores.shape) < 0.05] = np.inf
    seen = (rng.random((40, 30)) < 0.5)
    seen[0] = True                                     # a user with nothing left to rank
    import scipy.sparse as sp
    csr = sp.csr_matrix(seen.astype(np.float32))
    for k in (1, 7, 30):
        out = np.empty((40, k), np.int64)
        top_unseen(scores, csr.indptr.astype(np.int64), csr.indices.astype(np.int32), out)
        expected, _ = topk(mask_seen(scores.copy(), csr, np.arange(40)), k)
        np.testing.assert_array_equal(out, expected)


def test_cancel_between_batches(data, model):
    fit_part, valid = data
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        Validator(fit_part, valid)(model, token)
