"""Split properties: disjoint, fractions, temporal order, reproducible seeds, round-trip CSVs."""

from pathlib import Path

import numpy as np
import pytest

from engine.data import open_dataset
from engine.data.interactions import Interactions
from engine.data.splits import split, without, write_split
from engine.errors import SchemaError

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "online_retail_demo.csv"


def _events(inter: Interactions) -> set:
    f = inter.to_frame()
    return set(zip(f["user"].tolist(), f["item"].tolist(), f["timestamp"].tolist()))


def test_random_split_per_user_fractions(ratings_dataset):
    inter = ratings_dataset.interactions
    s = split(inter, method="random", test_frac=0.2, seed=3)
    assert s.train.n_events + s.test.n_events == inter.n_events
    assert not _events(s.train) & _events(s.test)
    n_user = dict(zip(inter.user_ids.tolist(), np.bincount(inter.user_idx).tolist()))
    n_test = dict(zip(s.test.user_ids.tolist(), np.bincount(s.test.user_idx).tolist()))
    assert all(n_test[u] == int(np.floor(0.2 * n + 0.5)) for u, n in n_user.items())
    assert any("future leakage" in w for w in s.warnings)
    assert s.train.n_items <= inter.n_items and s.valid is None


def test_random_split_seeds(ratings_dataset):
    inter = ratings_dataset.interactions
    a, b, c = (split(inter, seed=seed) for seed in (1, 1, 2))
    assert _events(a.test) == _events(b.test)
    assert _events(a.test) != _events(c.test)


def test_single_event_users_stay_in_train():
    inter = Interactions.from_arrays([1, 2, 2, 2, 2, 2], [10, 10, 11, 12, 13, 14])
    s = split(inter, test_frac=0.5, seed=0)
    assert 1 in s.train.user_ids.tolist() and 1 not in s.test.user_ids.tolist()
    assert s.test.n_events == 3  # round(0.5 * 5) half up


def test_three_way_random_split(ratings_dataset):
    inter = ratings_dataset.interactions
    s = split(inter, test_frac=0.1, valid_frac=0.1, seed=0)
    tr, te, va = _events(s.train), _events(s.test), _events(s.valid)
    assert va <= tr and not (tr & te)          # validation events are training events
    assert len(tr) + len(te) == inter.n_events
    assert abs(len(va) / inter.n_events - 0.1) < 0.01


def test_temporal_split_order_and_fraction(ratings_dataset):
    inter = ratings_dataset.interactions
    s = split(inter, method="temporal", test_frac=0.2, valid_frac=0.1)
    fit_part = without(s.train, s.valid)
    assert fit_part.timestamps.max() < s.valid.timestamps.min() <= s.train.timestamps.max()
    assert s.valid.timestamps.max() < s.test.timestamps.min()
    assert abs(s.test.n_events / inter.n_events - 0.2) < 0.005
    assert fit_part.n_events + s.valid.n_events + s.test.n_events == inter.n_events
    assert s.train.n_events + s.test.n_events == inter.n_events
    assert any("cold users" in w for w in s.warnings)


def test_leave_last_takes_each_users_latest(ratings_dataset):
    inter = ratings_dataset.interactions
    s = split(inter, method="leave-last")
    assert s.test.n_events == inter.n_users == s.test.n_users
    latest = {}
    for u, t in zip(inter.user_ids[inter.user_idx].tolist(), inter.timestamps.tolist()):
        latest[u] = max(latest.get(u, t), t)
    test = s.test.to_frame()
    assert all(latest[u] == t for u, t in zip(test["user"], test["timestamp"]))


def test_extra_items_join_training_candidates(ratings_dataset):
    inter = ratings_dataset.interactions
    s = split(inter, method="leave-last", extra_items=[99_999])
    assert s.train.item_ids[-1] == 99_999 and s.train.n_items >= inter.n_items - 10


def test_temporal_split_needs_timestamps():
    with pytest.raises(SchemaError, match="needs timestamps"):
        split(Interactions.from_arrays([1, 2], [3, 4]), method="temporal")


def test_repeat_pairs_are_warned():
    inter = Interactions.from_arrays([1, 1, 1, 1], [10, 10, 11, 12], timestamps=[1, 2, 3, 4])
    s = split(inter, method="leave-last")
    assert not any("also occur in training" in w for w in s.warnings)
    inter = Interactions.from_arrays([1, 1, 1], [10, 11, 10], timestamps=[1, 2, 3])
    s = split(inter, method="leave-last")
    assert any("1 of 1 test user–item pairs also occur in training" in w for w in s.warnings)


def test_written_split_reads_back_with_identical_ids(tmp_path, ratings_dataset):
    for inter, name in [(ratings_dataset.interactions, "generated"), (open_dataset(DEMO).interactions, "demo")]:
        s = split(inter, method="temporal", test_frac=0.2, valid_frac=0.1)
        out = write_split(s, tmp_path / name)
        assert sorted(p.name for p in out.iterdir()) == ["test.csv", "train.csv", "valid.csv"]
        for part in ("train", "test", "valid"):
            orig = getattr(s, part)
            back = open_dataset(out / f"{part}.csv").interactions
            assert back.user_ids.dtype == orig.user_ids.dtype and back.item_ids.dtype == orig.item_ids.dtype
            assert np.array_equal(back.user_ids, orig.user_ids) and np.array_equal(back.item_ids, orig.item_ids)
            assert _events(back) == _events(orig)
