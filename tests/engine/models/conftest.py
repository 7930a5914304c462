"""Fixtures for the model tests: MovieLens-100k as a frame and a 300-user slice as Interactions."""

import pandas as pd
import pytest

from engine.data.interactions import Interactions


@pytest.fixture(scope="session")
def ml100k_df(ml100k) -> pd.DataFrame:
    """All ml-100k events: columns user, item, rating, timestamp."""
    return pd.read_csv(ml100k, sep="\t", names=["user", "item", "rating", "timestamp"])


@pytest.fixture(scope="module")
def ml_slice(ml100k_df) -> Interactions:
    """ml-100k users 1..300 with their ratings as values (int ids)."""
    return Interactions.from_frame(ml100k_df[ml100k_df["user"] <= 300], value="rating", timestamp="timestamp")
