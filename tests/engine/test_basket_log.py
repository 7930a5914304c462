"""engine.simulate.basket_log: the bandit log built from baskets (synthetic, checked by hand) and
the policies replayed on it (demo data, a real EASE model's top-1)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data.catalog import ItemCatalog
from engine.data.interactions import Interactions
from engine.errors import ValidationError
from engine.simulate.basket_log import basket_log, model_arms, simulate

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"


def synthetic():
    """Customer 1: baskets at t=10 {a}, t=20 {b, c}, t=30 {a}; customer 2: t=15 {c}, t=25 {b};
    customer 3: one basket. Categories: a, b -> MUG, c -> LAMP."""
    users = [1, 1, 1, 1, 2, 2, 3]
    items = ["a", "b", "c", "a", "c", "b", "a"]
    ts = [10, 20, 20, 30, 15, 25, 40]
    inter = Interactions.from_arrays(users, items, None, ts)
    cat = ItemCatalog(pd.DataFrame({"title": ["MUG RED", "MUG BLUE", "LAMP"]},
                                   index=pd.Index(["a", "b", "c"], dtype=object, name="item")), {"title": "title"})
    return inter, cat


def test_log_from_baskets_by_hand():
    inter, cat = synthetic()
    log = basket_log(inter, cat, "category", 10, seed=4)
    assert log.arm_names == ["MUG", "LAMP"] and log.source == "first word of the item title"
    assert log.baskets == 6 and log.n_events == 3          # 1@10, 2@15, 1@20 have a next basket
    assert log.user_ids[log.users].tolist() == [1, 2, 1]   # in time order
    # next baskets: 1@20 {MUG, LAMP}, 2@25 {MUG}, 1@30 {MUG}
    holds = np.array([[1, 1], [1, 0], [1, 0]], float)
    assert log.rewards.tolist() == holds[np.arange(3), log.arms].tolist()
    assert np.allclose(log.propensity, 0.5)
    items = basket_log(inter, cat, "item", 2, seed=4)
    assert items.kind == "item" and len(items.arm_names) == 2
    with pytest.raises(ValidationError, match="needs timestamps"):
        basket_log(Interactions.from_arrays([1], ["a"]), cat)


@pytest.fixture(scope="module")
def demo():
    from engine.data import open_dataset
    from engine.data.splits import split
    from engine.models.ease import EASE
    ds = open_dataset(DEMO)
    return ds, EASE().fit(split(ds.interactions, "random", 0.2, seed=0).train)


def test_policies_on_demo_are_seeded_and_model_arms_are_its_top_items(demo):
    ds, ease = demo
    log = basket_log(ds.interactions, ds.catalog, "category", 8, seed=1)
    specs = ["egreedy:0.2", "ucb:0.5", "thompson", "model:ease"]
    a = simulate(log, specs, {"ease": ease}, seed=2)
    b = simulate(log, specs, {"ease": ease}, seed=2)
    assert [r.matched for r in a] == [r.matched for r in b]
    assert all(np.array_equal(x.cumulative_reward, y.cumulative_reward) for x, y in zip(a, b))
    assert all(0 < r.matched < log.n_events for r in a)
    assert a[3].ips is not None and a[3].exploration_share == 0.0
    choice, cold = model_arms(ease, log)
    assert cold == int(np.isin(log.user_ids[log.users], ease.user_ids_, invert=True).sum())
    # for one customer: the arm holding the model's best unseen item
    u = int(np.flatnonzero(np.isin(log.user_ids[log.users], ease.user_ids_))[0])
    uid = log.user_ids[log.users[u]]
    items, _ = ease.recommend([ease.user_index(uid)], ease.n_items)
    pos = np.searchsorted(log.item_ids, ease.item_ids_[items[0]])
    arms = log.item_arm[pos]
    assert choice[u] == arms[arms >= 0][0]
