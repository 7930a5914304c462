"""Fixtures shared by the engine tests: a 300-user slice of MovieLens-100k split 70/10/20 (the explain
and compress folders define their own ``ml_split``)."""

import pandas as pd
import pytest

from engine.data.interactions import Interactions
from engine.data.splits import split


@pytest.fixture(scope="session")
def ml_split(ml100k):
    """Split of ml-100k users 1..300: random per user, 20% test, 10% valid, seed 0."""
    df = pd.read_csv(ml100k, sep="\t", names=["user", "item", "rating", "timestamp"])
    inter = Interactions.from_frame(df[df["user"] <= 300], value="rating", timestamp="timestamp")
    return split(inter, "random", test_frac=0.2, valid_frac=0.1, seed=0)


