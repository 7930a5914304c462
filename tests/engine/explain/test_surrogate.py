"""Surrogate decision trees on the Online Retail demo (and generated movie genres): fidelity is
measured on held-out users only, and the rules account for every held-out pair."""

import numpy as np
import pytest

from engine.data.catalog import read_catalog
from engine.data.dataset import open_dataset
from engine.data.interactions import Interactions
from engine.data.splits import split
from engine.errors import Cancelled, ModelError
from engine.explain.surrogate import SurrogateTree, surrogate_tree
from engine.models.ease import EASE
from engine.models.popularity import MostPopular
from engine.progress import CancelToken


@pytest.fixture(scope="module")
def demo(repo):
    ds = open_dataset(repo / "resources" / "demo" / "online_retail_demo.csv")
    return ds, split(ds.interactions, "random", 0.2, seed=0).train


def _check(tree: SurrogateTree, model, k: int) -> None:
    fit, hold = set(tree.fit_users.tolist()), set(tree.holdout_users.tolist())
    assert fit and hold and not fit & hold                          # fidelity is on unseen users
    assert fit | hold <= set(model.user_ids_.tolist())
    f = tree.fidelity
    for key in ("agreement", "balanced_accuracy", "f1", "precision", "recall", "majority_agreement"):
        assert 0.0 <= f[key] <= 1.0, key
    hold_idx = np.array([model.user_index(u) for u in tree.holdout_users])
    candidates = int(model.n_items * len(hold_idx) - model.seen_[hold_idx].nnz)
    assert f["pairs"] == candidates                                 # every candidate of every held-out user
    assert f["positive_rate"] * f["pairs"] == pytest.approx(k * len(hold_idx))
    assert f["majority_agreement"] == pytest.approx(1 - f["positive_rate"])
    assert sum(r.n for r in tree.rules) == f["pairs"]               # the leaves partition the pairs
    assert sum(r.recall for r in tree.rules) == pytest.approx(1.0)
    assert tree.rules_text and all(line.startswith("IF ") for line in tree.rules_text.splitlines())
    assert tree.importances.shape == (len(tree.features),) and tree.importances.sum() == pytest.approx(1.0)
    assert "|---" in tree.tree_text and tree.to_dict()["k"] == k


def test_popularity_is_mimicked_by_a_popularity_rule(demo):
    ds, train = demo
    model = MostPopular().fit(train)
    tree = surrogate_tree(model, train, catalog=ds.catalog, k=10, holdout=0.3, seed=1)
    _check(tree, model, 10)
    assert len(tree.holdout_users) == round(0.3 * model.n_users)
    # most-popular's top-10 is a popularity threshold (minus seen items): the tree can say exactly that
    assert tree.features[int(np.argmax(tree.importances))] == "item popularity (customers)"
    assert tree.fidelity["balanced_accuracy"] > 0.95
    assert tree.rules[0].recommended and "item popularity (customers) >" in tree.rules[0].conditions[0]


def test_ease_surrogate_reports_held_out_fidelity_and_cancels(demo):
    ds, train = demo
    model = EASE().fit(train)
    seen = []
    tree = surrogate_tree(model, train, catalog=ds.catalog, k=10, max_depth=3, progress=seen.append)
    _check(tree, model, 10)
    assert {"price", "country = United Kingdom", "co-buyers with the user's items (avg.)"} <= set(tree.features)
    assert len(tree.rules) <= 2 ** 3 and seen[-1].fraction == 1.0
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        surrogate_tree(model, train, catalog=ds.catalog, cancel=token)
    with pytest.raises(ModelError, match="fitted on"):
        surrogate_tree(model, Interactions.from_frame(train.to_frame().head(500)), catalog=ds.catalog)


def test_movielens_genres_become_category_rules(movielens_like, movielens_like_files):
    train = movielens_like.interactions(max_user=300)
    catalog = read_catalog(movielens_like_files["movies"])
    model = EASE(l2=200.0).fit(train)
    tree = surrogate_tree(model, train, catalog=catalog, k=10, max_users=300)
    _check(tree, model, 10)
    assert "category = Drama" in tree.features and "user's past share of this category" in tree.features
