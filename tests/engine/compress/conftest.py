"""Fixtures for the compression tests: 200 users of the generated MovieLens-like data split per
user 80/20, and small fitted teachers (registry fast params) over it."""

import pytest

from engine.data.splits import split
from engine.models import registry


@pytest.fixture(scope="session")
def ml_split(movielens_like):
    """Split (seed 0, 20 % test per user) of generated users 1..200 with ratings and timestamps."""
    return split(movielens_like.interactions(max_user=200), "random", 0.2, seed=0)


@pytest.fixture(scope="session")
def teacher(ml_split):
    """name -> a model fitted on ``ml_split.train`` with its fast params (fitted once per session)."""
    cache = {}

    def get(name):
        if name not in cache:
            cls = registry.get(name)
            cache[name] = cls(**cls.fast_params).fit(ml_split.train)
        return cache[name]
    return get
