"""The text model's exact contributions and the hybrid's history scoring, on a slice of the demo data."""

import numpy as np
import pytest

from engine.data.dataset import open_dataset
from engine.data.interactions import Interactions
from engine.explain.api import explain, methods_for
from engine.explain.counterfactual import ranks_and_margins
from engine.explain.history import score_histories, score_history
from engine.models import registry


@pytest.fixture(scope="module")
def demo(repo, tmp_path_factory):
    """(train Interactions of 40 demo customers and only their products, catalog, embedding cache)."""
    ds = open_dataset(repo / "resources" / "demo" / "online_retail_demo.csv")
    inter = ds.interactions
    pick = np.random.default_rng(0).choice(inter.n_users, 40, replace=False)
    keep = np.isin(inter.user_idx, pick)
    train = Interactions.from_arrays(inter.user_ids[inter.user_idx[keep]], inter.item_ids[inter.item_idx[keep]],
                                     inter.values[keep], inter.timestamps[keep], value_kind=inter.value_kind)
    return train, ds.catalog


@pytest.fixture(scope="module")
def text(demo, tmp_path_factory):
    train, catalog = demo
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RECSCOPE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "embcache"))
        text = registry.create("text").fit(train, catalog=catalog)
        hybrid = registry.create("hybrid", **registry.get("hybrid").fast_params, device="cpu").fit(train, catalog=catalog)
    return text, hybrid


def test_text_history_and_contributions_are_exact(text, demo):
    model, _ = text
    train, catalog = demo
    assert methods_for(model) == ["contributions", "counterfactual"]
    for u in range(0, 40, 8):
        events = train.item_ids[train.item_idx[train.user_idx == u]]       # repeats weigh log1p(count)
        np.testing.assert_allclose(score_history(model, events), model.score([u])[0], atol=1e-5)
        item = model.item_ids_[model.recommend([u], k=1)[0][0, 0]]
        a = explain(model, model.user_ids_[u], item, "contributions", catalog=catalog)
        assert abs(a.values.sum() - a.target) <= 1e-5 and a.baseline == 0.0
        assert a.labels[0] == catalog.titles([a.keys[0]])[0]


def test_hybrid_scores_histories_and_finds_counterfactuals(text, demo):
    _, model = text
    train, catalog = demo
    assert methods_for(model) == ["counterfactual"]
    found = 0
    for u in range(0, 40, 5):
        hist = model.history_of(u)
        s = score_histories(model, [hist])[0]
        assert np.isfinite(s).all()
        cand = np.ones(model.n_items, bool)
        cand[hist] = False
        top = np.argsort(-np.where(cand, s, -np.inf), kind="stable")[0]
        cf = explain(model, model.user_ids_[u], model.item_ids_[top], "counterfactual", k=5, catalog=catalog)
        if cf.found and cf.removed:
            found += 1
            rest = hist[~np.isin(model.item_ids_[hist], np.asarray(cf.removed, dtype=object))]
            cand[top] = True
            assert ranks_and_margins(score_histories(model, [rest]), top, cand, 5)[0][0] > 5
    assert found >= 2
