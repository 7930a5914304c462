"""Fits that would not fit in memory are refused first, with what they need and how to shrink it;
each model's estimate grows with what docs/SCALING.md says it grows with."""

import numpy as np
import pytest

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.machine import memory
from engine.models import registry


def events(n_users: int = 60, n_items: int = 40, n: int = 600, seed: int = 0) -> Interactions:
    rng = np.random.default_rng(seed)
    return Interactions.from_arrays(rng.integers(0, n_users, n), rng.integers(0, n_items, n),
                                    timestamps=np.arange(n))


FAST = {"ials": {"epochs": 1, "factors": 4, "valid_frac": 0.0}, "bpr": {"epochs": 1, "factors": 4, "valid_frac": 0.0},
        "twotower": {"epochs": 1, "factors": 4, "valid_frac": 0.0},
        "sasrec": {"epochs": 1, "hidden": 8, "max_len": 10, "valid_frac": 0.0}}


@pytest.mark.parametrize("name", ["ease", "itemknn", "ials", "bpr", "twotower", "sasrec"])
def test_fit_is_refused_before_it_starts_when_memory_is_short(monkeypatch, name):
    monkeypatch.setattr(memory, "available", lambda device="cpu": 1024)         # 1 KiB free
    model = registry.get(name)(**{**FAST.get(name, {}), **({"device": "cpu"} if name in FAST else {})})
    with pytest.raises(ModelError, match=r"needs about .* \(an estimate\), but only 0 MiB is free; filter rare"):
        model.fit(events())
    assert model.item_ids_ is None                                                 # nothing was fitted
    monkeypatch.setattr(memory, "available", lambda device="cpu": None)           # unknown: no refusal
    model.fit(events())
    assert model.item_ids_ is not None


def test_estimates_grow_as_documented():
    ease, knn = registry.get("ease")(), registry.get("itemknn")(k=50)
    assert ease.memory_bytes(10, 20_000, 0) == 4 * ease.memory_bytes(10, 10_000, 0)          # items²
    bpr = registry.get("bpr")(factors=64)
    big = bpr.memory_bytes(1_000_000, 100_000, 0)
    assert big == 20 * 64 * 1_100_000                        # 5 float32 copies of every factor, no dense table
    assert bpr.memory_bytes(1_000_000, 100_000, 10**8) - big == 96 * 10**8                  # + pairs
    assert knn.memory_bytes(1, 200_000, 0) - knn.memory_bytes(1, 100_000, 0) == 40 * 50 * 100_000
    sasrec = registry.get("sasrec")(batch_size=128, max_len=50)
    assert sasrec.memory_bytes(10, 1_000_000, 0) > 12 * 128 * 50 * 1_000_000                 # logits over all items
    assert registry.get("sasrec")(loss="bce").memory_bytes(10, 1_000_000, 0) < 2**30
