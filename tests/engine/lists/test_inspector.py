"""engine.lists.inspector on the demo data with a real EASE model: history and lists joined with the
catalog, two models side by side, rules before/after with reasons, search."""

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data.interactions import Interactions
from engine.lists import inspector as I
from engine.errors import ModelError, ValidationError

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"


@pytest.fixture(scope="module")
def demo():
    from engine.data import open_dataset
    from engine.data.catalog import ItemCatalog
    from engine.data.splits import split
    from engine.models import registry
    from engine.models.ease import EASE
    ds = open_dataset(DEMO)
    frame = ds.catalog.frame.copy()
    frame["category"] = frame["Description"].astype(str).str.strip().str.split().str[-1]
    catalog = ItemCatalog(frame, {**ds.catalog.roles, "category": "category"})
    parts = split(ds.interactions, "random", 0.2, seed=0)
    return {"ds": ds, "catalog": catalog, "split": parts, "ease": EASE().fit(parts.train),
            "pop": registry.create("pop").fit(parts.train)}


def test_history_joins_catalog_and_marks_held_out(demo):
    inter, cat, test = demo["ds"].interactions, demo["catalog"], demo["split"].test
    user = int(test.user_ids[4])
    hist = I.customer_history(inter, user, cat, test)
    u = np.searchsorted(inter.user_ids, user)
    assert len(hist) == int((inter.user_idx == u).sum())
    assert list(hist.columns) == ["date", "item", "title", "category", "price", "quantity", "held_out"]
    assert hist["date"].is_monotonic_decreasing
    assert hist["title"].tolist() == cat.titles(hist["item"].tolist())
    assert hist["price"].tolist() == cat.frame.loc[hist["item"], "UnitPrice"].tolist()
    n_test = int((test.user_idx == np.searchsorted(test.user_ids, user)).sum())
    assert int(hist["held_out"].sum()) == n_test > 0


def test_top_n_and_side_by_side(demo):
    ease, pop, cat, test = demo["ease"], demo["pop"], demo["catalog"], demo["split"].test
    user = int(ease.user_ids_[10])
    top = I.top_n(ease, user, 10, cat, test)
    items, scores = ease.recommend([ease.user_index(user)], 10)
    assert top["rank"].tolist() == list(range(1, 11))
    assert [str(i) for i in top["item"]] == [str(i) for i in ease.item_ids_[items[0]]]
    assert np.allclose(top["score"], scores[0])
    assert top["title"].tolist() == cat.titles(top["item"].tolist())
    a, b = I.side_by_side(ease, pop, user, 10, cat)
    common = set(a["item"]) & set(b["item"])
    assert set(a.loc[a["in_both"], "item"]) == common == set(b.loc[b["in_both"], "item"])
    with pytest.raises(ModelError, match="not in the training data"):
        I.top_n(ease, 99999999, 10, cat)


def test_customer_view_gives_a_new_customer_the_labelled_fallback(demo):
    """A customer whose events are all outside the model's training data gets the most bought
    training items, labelled, with a note (issue 15 item 8), not an empty list."""
    from engine.models.ease import EASE
    inter, cat, test = demo["ds"].interactions, demo["catalog"], demo["split"].test
    train = demo["split"].train
    new = train.user_ids[0]
    keep = train.user_ids[train.user_idx] != new
    model = EASE().fit(Interactions.from_arrays(train.user_ids[train.user_idx[keep]],
                                                train.item_ids[train.item_idx[keep]], train.values[keep]))
    assert new not in set(model.user_ids_.tolist())
    view = I.customer_view(new, inter, cat, test, model_a=model, names=("ease",))
    top = view.top_a
    assert top is not None and len(top) == 10 and set(top["list"]) == {I.FALLBACK_LIST}
    counts = np.asarray(model.seen_.sum(axis=0)).ravel()
    assert top["score"].tolist() == sorted(top["score"].tolist(), reverse=True)
    assert top["score"].iloc[0] == counts.max() and top["score"].iloc[-1] >= np.sort(counts)[-10]
    assert "ease was trained without customer" in view.notes[0] and "popular" in view.notes[0]
    with pytest.raises(ValidationError, match="no customer with id"):
        I.customer_view(-5, inter, cat, model_a=model)


def test_rules_before_after_hold_and_explain(demo):
    ease, cat = demo["ease"], demo["catalog"]
    top1, _ = ease.recommend(np.arange(ease.n_users), 1)
    banned = [I._external(ease.item_ids_[i]) for i, _ in Counter(top1[:, 0].tolist()).most_common(2)]
    rules = {"rules": [{"type": "max_per", "column": "category", "n": 2},
                       {"type": "exclude_items", "items": banned}]}
    seen_reasons = []
    for u in ease.user_ids_[::60]:
        view = I.rules_before_after(ease, int(u), 10, rules, cat)
        assert len(view.after) == 10 and max(Counter(view.after["category"]).values()) <= 2
        assert not set(view.after["item"]) & set(banned)
        assert (view.after.loc[view.after["move"] != "=", "reasons"] != "").all()
        assert set(view.removed["item"]) == set(view.before["item"]) - set(view.after["item"])
        seen_reasons += view.removed["reasons"].tolist()
    assert "excluded: listed item" in seen_reasons
    assert any(r.startswith("demoted: 3rd in category") for r in seen_reasons)
    with pytest.raises(ValidationError, match=r"rule 1 \(max_per\): column 'brand' is not in the catalog"):
        I.validate_rules({"rules": [{"type": "max_per", "column": "brand", "n": 2}]}, ease, cat)


def test_search(demo):
    ids = demo["ds"].interactions.user_ids
    found = I.search_users(ids, "1235", 5)
    assert found and all(str(u).startswith("1235") for u in found)
    assert I.search_users(ids, str(ids[3]), 3)[0] == int(ids[3])
    items = I.search_items(demo["catalog"], demo["ease"].item_ids_, "cakestand", 20)
    assert len(items) > 0 and items["title"].str.upper().str.contains("CAKESTAND").all()


def test_cold_start_list(demo):
    ease, cat = demo["ease"], demo["catalog"]
    chosen = [I._external(v) for v in ease.item_ids_[[5, 50, 500]]]
    top = I.cold_start_top_n(ease, chosen, 10, cat)
    assert len(top) == 10 and not set(map(str, top["item"])) & set(map(str, chosen))
    assert top["score"].is_monotonic_decreasing and top["title"].tolist() == cat.titles(top["item"].tolist())
    with pytest.raises(ValidationError, match="at least one item"):
        I.cold_start_top_n(ease, [], 10, cat)


def test_strength_is_comparable_between_models(demo):
    """Raw scores of EASE and most-popular live on unrelated scales; strength is the same measure for both:
    standard deviations above the customer's average item, in rank order."""
    user = int(demo["split"].train.user_ids[3])
    for model in (demo["ease"], demo["pop"]):
        top = I.top_n(model, user, 10, demo["catalog"])
        all_scores = model.score([model.user_index(user)])[0]
        finite = all_scores[np.isfinite(all_scores)]
        expected = (top["score"] - finite.mean()) / finite.std()
        assert np.allclose(top["strength"], expected) and (np.diff(top["strength"]) <= 1e-12).all()
    assert np.allclose(I.strength(np.ones(5), np.ones(2)), 0.0)       # no spread: nothing stands out


def test_find_customers_by_id_and_by_what_they_bought(demo):
    inter, cat = demo["ds"].interactions, demo["catalog"]
    some = str(inter.user_ids[10])
    by_id = I.find_customers(inter, cat, some, 5)
    assert str(by_id["user"].iloc[0]) == some and by_id["why"].iloc[0] == "id"
    found = I.find_customers(inter, cat, "regency", 20)
    assert len(found) == 20 and all("match 'regency'" in w for w in found["why"])
    titles = pd.Series(cat.titles(list(cat.frame.index)), index=cat.frame.index).str.upper()
    regency = set(cat.frame.index[titles.str.contains("REGENCY")].astype(str))
    counts = []
    for user in found["user"]:
        ev = inter.user_idx == np.searchsorted(inter.user_ids, user)
        items = set(inter.item_ids[inter.item_idx[ev]].astype(str)) & regency
        counts.append(len(items))
        assert int(found.loc[found["user"] == user, "why"].iloc[0].split()[0]) == len(items) > 0
    assert counts == sorted(counts, reverse=True)                    # most matching items first
    from engine.data.catalog import ItemCatalog                   # any catalog column counts, not only titles
    frame = cat.frame.assign(supplier=np.where(cat.frame.index.astype(str).isin(regency), "Acme Ltd", "Other"))
    by_supplier = I.find_customers(inter, ItemCatalog(frame, cat.roles), "acme", 20)
    assert list(by_supplier["user"]) == list(found["user"])
    assert I.find_customers(inter, cat, "no such thing anywhere", 5).empty
