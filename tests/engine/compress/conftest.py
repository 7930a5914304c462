"""Fixtures for the compression tests: a 200-user MovieLens-100k slice split per user 80/20, and
small fitted teachers (registry fast params) over it."""

import pandas as pd
import pytest

from engine.data.interactions import Interactions
from engine.data.splits import split
from engine.models import registry


@pytest.fixture(scope="session")
def ml_split(ml100k):
    """Split (seed 0, 20 % test per user) of ml-100k users 1..200 with ratings and timestamps."""
    df = pd.read_csv(ml100k, sep="\t", names=["user", "item", "rating", "timestamp"])
    inter = Interactions.from_frame(df[df["user"] <= 200], value="rating", timestamp="timestamp")
    return split(inter, "random", 0.2, seed=0)


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
