"""Fixtures of the explanation tests: the generated MovieLens-like data split 80/20 at random, its
movie catalog and small fast models trained once per test session."""

import numpy as np
import pytest

from engine.data.splits import split
from engine.models import registry

#: Small, quick models (seconds on two CPU cores) that still learn real structure. The iterative
#: ones train exactly these epochs on all of train (valid_frac 0: no carved validation, early stop
#: or refit; the validation protocol has its own tests). SASRec needs 15 here: at 3 it still
#: ignores most of the history it attends to.
ITERATIVE = {"valid_frac": 0.0, "device": "cpu"}
FAST = {
    "ease": {},
    "itemknn": {"k": 50},
    "ials": {"factors": 32, "epochs": 8, **ITERATIVE},
    "bpr": {"factors": 32, "epochs": 20, "lr": 5e-3, **ITERATIVE},
    "sasrec": {"hidden": 32, "epochs": 15, "max_len": 50, **ITERATIVE},
    "twotower": {"factors": 16, "epochs": 3, "negatives": 256, "text": False, **ITERATIVE},
}


@pytest.fixture(scope="session")
def ml_split(movielens_like):
    """(train, test) Interactions: all generated ratings, 20 % of each user's held out (seed 0)."""
    parts = split(movielens_like.interactions(), "random", 0.2, seed=0)
    return parts.train, parts.test


@pytest.fixture(scope="session")
def ml_catalog(movielens_like):
    """The generated movies: title, genres (category), price."""
    return movielens_like.catalog


@pytest.fixture(scope="session")
def ml_models(ml_split, ml_catalog):
    """name -> fitted model; built lazily (``ml_models[name]``) and kept for the session."""
    train, _ = ml_split

    class Models(dict):
        def __missing__(self, name):
            model = registry.create(name, **FAST[name])
            model.fit(train, catalog=ml_catalog if name == "twotower" else None)
            self[name] = model
            return model

    return Models()


@pytest.fixture(scope="session")
def pick_users():
    """pick_users(model, n, seed=0): ``n`` seeded training users (internal indices) with a history."""
    def pick(model, n: int, seed: int = 0) -> np.ndarray:
        active = np.flatnonzero(np.diff(model.seen_.indptr) > 0)
        return np.sort(np.random.default_rng(seed).choice(active, n, replace=False))
    return pick
