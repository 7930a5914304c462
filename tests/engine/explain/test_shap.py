"""Ranking-aware SHAP for the two-tower model on the Online Retail demo and generated MovieLens-like data.

Tolerances: the Shapley values are computed in float64 from one table of coalition values, so
their sum telescopes to v(all) − v(none) = target − baseline up to float64 rounding (1e-9
relative is ample). The target is also checked against the model's own float32 scores, which
round at ~1e-7 relative: 1e-5 absolute on margins of order 0.01–1.
"""

import numpy as np
import pytest

import engine.explain.shap_explain as se
from engine.data.catalog import read_catalog
from engine.data.dataset import open_dataset
from engine.errors import Cancelled, ModelError
from engine.explain.shap_explain import ShapSummary, explain_shap, shap_summary
from engine.models.features import read_movielens_users
from engine.models.popularity import MostPopular
from engine.models.twotower import TwoTower
from engine.progress import CancelToken

FAST = {"factors": 16, "epochs": 2, "negatives": 256, "text": False, "device": "cpu"}


@pytest.fixture(scope="module")
def demo(repo):
    ds = open_dataset(repo / "resources" / "demo" / "online_retail_demo.csv")
    return ds, TwoTower(**FAST).fit(ds.interactions, catalog=ds.catalog)


@pytest.fixture(scope="module")
def ml(movielens_like, movielens_like_files):
    """Two-tower on generated users 1..300 with genres, prices and the users' age, gender, occupation."""
    catalog = read_catalog(movielens_like_files["movies"])
    model = TwoTower(**FAST).set_user_features(read_movielens_users(movielens_like_files["users"]))
    return catalog, model.fit(movielens_like.interactions(max_user=300), catalog=catalog)


def _margin(model, u: int, item: int, k: int) -> float:
    """The model's own score(item) − score(item at rank k among the user's other unseen items)."""
    s = model.score([u])[0].astype(np.float64)
    s[model.seen_[u].indices] = -np.inf
    others = s.copy()
    others[item] = -np.inf
    ref = np.lexsort((np.arange(len(s)), -others))[k - 1]
    return s[item] - s[ref]


def _check_additive(a, model, u: int, item: int, k: int) -> None:
    assert a.method == "shap" and a.unit == "margin"
    assert a.values.shape == (len(model.feature_names()),) and a.keys == tuple(model.feature_names())
    scale = max(1.0, abs(a.target) + abs(a.baseline))
    assert abs(a.values.sum() - (a.target - a.baseline)) <= 1e-9 * scale
    assert a.target == pytest.approx(_margin(model, u, item, k), abs=1e-5)


def test_values_sum_to_the_explained_margin_on_demo(demo):
    ds, model = demo
    for u in (0, 7, 400):
        top, _ = model.recommend([u], 12)
        for item in (top[0, 0], top[0, 9], top[0, 11]):
            a = explain_shap(model, model.user_ids_[u], model.item_ids_[item], k=10, catalog=ds.catalog)
            _check_additive(a, model, u, item, 10)
            # ranking-aware: positive margin exactly for the top-10 items
            assert (a.target > 0) == (item in top[0, :10])
    assert "price band = " in a.labels[2] and a.labels[0] == f"user id = {model.user_ids_[400]}"
    assert a.title.startswith("Why ") and ds.catalog.titles([a.item])[0] in a.title


def test_exact_values_match_shap_kernel_explainer(demo):
    """An independent implementation: shap's KernelExplainer over ``feature_forward`` enumerates
    every coalition for these few features, so it must give the same Shapley values."""
    shap = pytest.importorskip("shap")
    _, model = demo
    u, k = 3, 10
    top, _ = model.recommend([u], k + 1)
    item, ref = int(top[0, 4]), int(top[0, k])
    a = explain_shap(model, model.user_ids_[u], model.item_ids_[item], k=k)
    game = se.ShapGame(model, 50, 0)
    bg = model.feature_matrix(game.bg_users, game.bg_items)
    nu = model.module_.user.n_inputs

    def margin(X):
        X = np.rint(X).astype(np.int64)
        thr = X.copy()
        thr[:, nu:] = ref
        return model.feature_forward(X).astype(np.float64) - model.feature_forward(thr)

    x = model.feature_matrix([u], [item])
    kernel = shap.KernelExplainer(margin, bg)
    values = np.asarray(kernel.shap_values(x, nsamples=2 ** x.shape[1], silent=True)).reshape(-1)
    np.testing.assert_allclose(a.values, values, atol=1e-6)
    assert a.baseline == pytest.approx(float(kernel.expected_value), abs=1e-6)


def test_user_features_and_the_sampled_fallback_on_movielens(ml, monkeypatch):
    catalog, model = ml
    assert model.feature_names()[:4] == ["user id", "user age band", "user gender", "user occupation"]
    u = 5
    item = int(model.recommend([u], 10)[0][0, 3])
    exact = explain_shap(model, model.user_ids_[u], model.item_ids_[item], k=10, catalog=catalog)
    _check_additive(exact, model, u, item, 10)
    assert exact.labels[2] in ("user gender = M", "user gender = F")
    assert exact.labels[-2].startswith("item category = ") and exact.labels[-1].startswith("item price band = ")
    # Too many features for the exact sum -> permutation sampling through feature_forward: additive,
    # and exact here because a two-tower without hidden layers only has pairwise interactions.
    monkeypatch.setattr(se, "EXACT_MAX", 8)
    sampled = explain_shap(model, model.user_ids_[u], model.item_ids_[item], k=10, catalog=catalog)
    assert "sampled" in sampled.note
    _check_additive(sampled, model, u, item, 10)
    np.testing.assert_allclose(sampled.values, exact.values, atol=1e-5)


def test_summary_over_500_recommendations(demo):
    ds, model = demo
    seen = []
    s = shap_summary(model, list(model.user_ids_[:60]), k=10, catalog=ds.catalog, progress=seen.append)
    assert isinstance(s, ShapSummary) and s.values.shape == (500, 4) == s.feature_values.shape == s.value_labels.shape
    np.testing.assert_allclose(s.mean_abs, np.abs(s.values).mean(0))
    np.testing.assert_allclose(s.values.sum(1), s.targets - s.baselines, atol=1e-9)
    assert np.all(s.targets >= 0)                      # every pair is a top-10 item: it leads rank 11
    assert list(s.users[:10]) == [model.user_ids_[0]] * 10
    assert list(s.items[:10]) == list(model.item_ids_[model.recommend([0], 10)[0][0]])
    band = s.features.index("item price band")
    assert np.isfinite(s.feature_values[:, band]).all() and np.isnan(s.feature_values[:, 0]).all()
    assert s.order()[0] == int(np.argmax(s.mean_abs))
    assert seen[-1].fraction == 1.0 and all(a.fraction <= b.fraction for a, b in zip(seen, seen[1:]))
    assert s.to_dict()["features"] == list(s.features)


def test_summary_cancel_and_bad_models(demo):
    ds, model = demo
    token = CancelToken()
    with pytest.raises(Cancelled):               # cancelled from the first progress report, between chunks
        shap_summary(model, None, k=10, cancel=token, progress=lambda p: token.cancel())
    assert token.cancelled
    pop = MostPopular().fit(ds.interactions)
    with pytest.raises(ModelError, match="no feature view"):
        explain_shap(pop, pop.user_ids_[0], pop.item_ids_[0])
    with pytest.raises(ModelError, match="not in the training data"):
        explain_shap(model, model.user_ids_[0], "no-such-item")
