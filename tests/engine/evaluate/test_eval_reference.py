"""engine.evaluate agrees with the plain-loop reference protocol on a per-user split of the generated
MovieLens-like ratings (cold users, test items unknown to train, ties in popularity)."""

import pytest

from reference_protocol import reference_evaluate
from engine.evaluate import evaluate
from engine.models.ease import EASE
from engine.models.popularity import MostPopular

KS = (10, 20)


@pytest.fixture(scope="module")
def split_has_edge_cases(ratings_frames, ratings_split):
    train, test = ratings_split
    tr, te = ratings_frames
    assert len(set(te["item"]) - set(tr["item"])) > 0, "the split should hold test items unknown to train"
    return train, test


@pytest.mark.parametrize("cls, params, tol", [(MostPopular, {}, 1e-6), (EASE, {"l2": 500.0}, 2e-3)])
def test_engine_matches_reference(cls, params, tol, ratings_frames, split_has_edge_cases):
    train, test = split_has_edge_cases
    tr, te = ratings_frames
    model = cls(**params).fit(train)
    assert model.name in ("pop", "ease")
    got = evaluate(model, train, test, ks=KS, batch_size=300)
    ref = reference_evaluate(tr, te, model.name, ks=KS, l2=params.get("l2", 500.0))
    assert got.n_users_evaluated == ref["n_users_evaluated"] == tr["user"].nunique() == 397
    assert got.n_cold_users == ref["n_cold_users"] == 3                  # conftest's COLD_USERS
    expected = {k: v for k, v in ref.items() if "@" in k}
    assert set(got.metrics) == set(expected)
    for key, value in expected.items():
        assert got.metrics[key] == pytest.approx(value, rel=tol, abs=tol), key
