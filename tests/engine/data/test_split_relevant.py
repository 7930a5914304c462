"""Relevant event types in a split: non-relevant test events leave test (not moved to train),
non-relevant validation events stay training events but are no validation targets; a warning
counts and names them; Dataset.event_types / set_relevant_events."""

import numpy as np
import pytest

from engine.data import open_dataset
from engine.data.interactions import Interactions
from engine.data.splits import split
from engine.errors import SchemaError

#: each user's events in time order; user u's sequence is rotated by u so every type reaches the end.
PATTERN = ["view", "view", "cart", "purchase", "view", "purchase", "cart", "view"]


def _events_table():
    """(users, items, timestamps, event labels) of 6 users x 8 events, all (user, item, time) distinct."""
    rows = [(u, f"I{(u + j) % 5}", 1_000_000 + 3600 * j + u, PATTERN[(j + u) % len(PATTERN)])
            for u in range(1, 7) for j in range(len(PATTERN))]
    users, items, ts, ev = zip(*rows)
    return np.array(users), np.array(items, dtype=object), np.array(ts), np.array(ev, dtype=object)


@pytest.fixture
def data():
    users, items, ts, ev = _events_table()
    return Interactions.from_arrays(users, items, None, ts), ev


def _triples(inter: Interactions) -> set:
    f = inter.to_frame()
    return set(zip(f["user"].tolist(), f["item"].tolist(), f["timestamp"].tolist()))


def _of_type(inter: Interactions, ev: np.ndarray, types) -> set:
    keep = np.isin(ev, list(types))
    return _triples(inter.subset(keep))


@pytest.mark.parametrize("method", ["temporal", "random", "leave-last"])
def test_test_part_holds_only_relevant_events_and_train_is_unchanged(data, method):
    inter, ev = data
    plain = split(inter, method, test_frac=0.3, seed=1)
    kept = split(inter, method, test_frac=0.3, seed=1, relevant=ev == "purchase", events=ev)
    purchases = _of_type(inter, ev, ["purchase"])
    assert _triples(kept.test) == _triples(plain.test) & purchases
    assert kept.test.n_events < plain.test.n_events
    assert _triples(kept.train) == _triples(plain.train)          # left out, not moved to train
    assert np.array_equal(kept.train.item_ids, plain.train.item_ids)
    dropped = plain.test.n_events - kept.test.n_events
    note = [w for w in kept.warnings if "non-relevant" in w]
    assert len(note) == 1 and note[0].startswith(f"{dropped} non-relevant events (")
    assert note[0].endswith("left out of the test part (they are not used for training either)")
    assert not any("non-relevant" in w for w in plain.warnings)


def test_warning_names_the_left_out_types_most_frequent_first(data):
    inter, ev = data
    plain = split(inter, "temporal", test_frac=0.5)
    kept = split(inter, "temporal", test_frac=0.5, relevant=ev == "purchase", events=ev)
    held = plain.test.n_events - kept.test.n_events
    views = len(_triples(plain.test) & _of_type(inter, ev, ["view"]))
    carts = len(_triples(plain.test) & _of_type(inter, ev, ["cart"]))
    assert views > carts > 0 and views + carts == held
    assert f"{held} non-relevant events (view, cart) left out of the test part" in kept.warnings[0]
    # without labels the count alone is given
    bare = split(inter, "temporal", test_frac=0.5, relevant=ev == "purchase")
    assert bare.warnings[0].startswith(f"{held} non-relevant events left out of the test part")


def test_validation_part_is_filtered_too(data):
    inter, ev = data
    plain = split(inter, "temporal", test_frac=0.25, valid_frac=0.25)
    kept = split(inter, "temporal", test_frac=0.25, valid_frac=0.25, relevant=ev != "view", events=ev)
    relevant = _of_type(inter, ev, ["cart", "purchase"])
    assert _triples(kept.valid) == _triples(plain.valid) & relevant and kept.valid.n_events < plain.valid.n_events
    assert _triples(kept.test) == _triples(plain.test) & relevant
    assert _triples(kept.train) == _triples(plain.train) and _triples(plain.valid) <= _triples(kept.train)
    assert any("(view) left out of the test part" in w for w in kept.warnings)
    assert any("(view) kept for training but not used as validation targets" in w for w in kept.warnings)


def test_none_or_all_relevant_changes_nothing(data):
    inter, ev = data
    for method in ("temporal", "random", "leave-last"):
        plain = split(inter, method, test_frac=0.3, valid_frac=0.2, seed=4)
        every = split(inter, method, test_frac=0.3, valid_frac=0.2, seed=4,
                      relevant=np.ones(inter.n_events, dtype=bool), events=ev)
        for part in ("train", "test", "valid"):
            assert _triples(getattr(every, part)) == _triples(getattr(plain, part))
        assert every.warnings == plain.warnings
        assert _of_type(inter, ev, ["view"]) & _triples(plain.test)    # None keeps views in test


def test_bad_masks_are_schema_errors(data):
    inter, ev = data
    with pytest.raises(SchemaError, match=r"shape \(3,\), not \(48,\)"):
        split(inter, "temporal", relevant=np.ones(3, dtype=bool))
    late = inter.timestamps >= np.sort(inter.timestamps)[-2]          # only the two latest are relevant
    with pytest.raises(SchemaError, match="no relevant event falls in the test part"):
        split(inter, "temporal", test_frac=0.5, relevant=np.zeros(inter.n_events, dtype=bool))
    s = split(inter, "temporal", test_frac=0.5, relevant=late)
    assert s.test.n_events == 2


def test_dataset_event_types_and_relevant_choice(tmp_path):
    users, items, ts, ev = _events_table()
    path = tmp_path / "events.csv"
    lines = ["user,item,event,timestamp"] + [f"{u},{i},{e},{t}" for u, i, t, e in zip(users, items, ts, ev)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = open_dataset(path)
    assert ds.event_types() == ["view", "cart", "purchase"]             # lightest weight first
    assert ds.relevant_events == ["purchase"]
    ds.set_relevant_events([" Purchase", "cart"])
    assert ds.relevant_events == ["cart", "purchase"]
    assert ds.relevant_mask().sum() == int(np.isin(ev, ["cart", "purchase"]).sum())
    with pytest.raises(SchemaError, match="no wishlist events"):
        ds.set_relevant_events(["purchase", "wishlist"])
    with pytest.raises(SchemaError, match="must be some of view, cart, purchase"):
        ds.set_relevant_events([])
    assert ds.relevant_events == ["cart", "purchase"]                   # a refused choice changes nothing
    plain = tmp_path / "plain.csv"
    plain.write_text("user,item\n1,a\n2,b\n", encoding="utf-8")
    bare = open_dataset(plain)
    assert bare.event_types() == []
    with pytest.raises(SchemaError, match="no event-type column"):
        bare.set_relevant_events(["purchase"])
