"""Fixtures for the model tests: MovieLens-100k events, its movie catalog, a 300-user slice."""

import pandas as pd
import pytest

from engine.data.catalog import ItemCatalog, read_catalog
from engine.data.interactions import Interactions


@pytest.fixture(scope="session")
def ml100k_df(ml100k) -> pd.DataFrame:
    """All ml-100k events: columns user, item, rating, timestamp."""
    return pd.read_csv(ml100k, sep="\t", names=["user", "item", "rating", "timestamp"])


@pytest.fixture(scope="module")
def ml_slice(ml100k_df) -> Interactions:
    """ml-100k users 1..300 with their ratings as values (int ids)."""
    return Interactions.from_frame(ml100k_df[ml100k_df["user"] <= 300], value="rating", timestamp="timestamp")


@pytest.fixture(scope="session")
def ml100k_catalog(ml100k) -> ItemCatalog:
    """ml-100k u.item: titles and genres of all 1,682 movies (int ids)."""
    return read_catalog(ml100k.parent / "u.item")
