"""The count-gated hybrid of a collaborative model and the text model, on a slice of the Online Retail demo."""

import numpy as np
import pytest

from engine.data.interactions import Interactions, index_of, normalize_ids
from engine.errors import ModelError
from engine.models.base import Recommender
from engine.models.hybrid import Hybrid, holdout, standardize
from _coldstart_data import private_cache, retail_slice  # noqa: F401 (autouse fixture)

FAST = {"collaborative": "bpr", "cf_factors": 16, "cf_epochs": 3, "refit": False, "device": "cpu"}


@pytest.fixture(scope="module")
def data():
    events, catalog = retail_slice()
    items = np.sort(events["item"].unique())
    cold = np.random.default_rng(1).choice(items, len(items) * 15 // 100, replace=False)
    keep = ~events["item"].isin(cold).to_numpy()
    train = Interactions.from_arrays(events["user"][keep], events["item"][keep], events["quantity"][keep],
                                     events["timestamp"][keep], value_kind="quantity",
                                     extra_items=catalog.item_ids)
    return train, catalog, cold


@pytest.fixture(scope="module")
def fitted(data):
    train, catalog, _ = data
    return Hybrid(**FAST).fit(train, catalog=catalog)


def test_holdout_takes_whole_items_and_per_user_pairs(data):
    train, _, _ = data
    rest, held = holdout(train, 0.2, 0.1, seed=0)
    assert rest.n_events + held.n_events == train.n_events
    gone = np.setdiff1d(np.unique(train.item_idx), np.unique(rest.item_idx))
    assert len(gone) >= 0.1 * len(np.unique(train.item_idx)) - 1          # whole items held out
    pairs = lambda x: set((x.user_idx.astype(np.int64) * x.n_items + x.item_idx).tolist())
    assert not pairs(rest) & pairs(held)                                 # a pair never straddles the split
    assert np.isin(held.user_idx, rest.user_idx).mean() > 0.9


def test_gate_trusts_text_for_unsold_items_and_ranks_them(fitted, data):
    train, _, cold = data
    model = fitted
    counts = model.item_counts_
    assert model.gate_.shape == (3,) and model.text_scale_ > 0
    assert model.item_gate_[counts == 0].max() < model.item_gate_[counts == counts.max()].min()
    cold_idx = index_of(normalize_ids(cold), train.item_ids)
    top, _ = model.recommend(np.arange(train.n_users), k=10)
    assert np.isin(top, cold_idx).any()
    users = np.arange(5)
    z = model.item_gate_ * standardize(model.cf_model_.score(users)) + \
        (1 - model.item_gate_) * model.text_scale_ * standardize(model.text_model_.score(users))
    np.testing.assert_allclose(model.score(users), z, rtol=1e-5, atol=1e-5)


def test_save_load_round_trip(fitted, data, tmp_path):
    train, _, _ = data
    loaded = Recommender.load(fitted.save(tmp_path / "h"))
    users = np.arange(train.n_users)
    assert np.array_equal(loaded.score(users), fitted.score(users))
    assert loaded.cf_model_.name == "bpr" and np.array_equal(loaded.gate_, fitted.gate_)


def test_needs_catalog_and_valid_params(data):
    train, _, _ = data
    with pytest.raises(ModelError, match="catalog"):
        Hybrid(**FAST).fit(train)
    with pytest.raises(ModelError, match="collaborative"):
        Hybrid(collaborative="nope")
    with pytest.raises(ModelError, match="cold_fraction"):
        Hybrid(cold_fraction=1.5)
    assert Hybrid.needs_catalog
