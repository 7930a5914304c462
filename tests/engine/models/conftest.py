"""Fixtures for the model tests: the generated MovieLens-like ratings, its movie catalog, a 300-user slice."""

import pandas as pd
import pytest

from engine.data.catalog import ItemCatalog
from engine.data.interactions import Interactions


@pytest.fixture(scope="session")
def ratings_df(movielens_like) -> pd.DataFrame:
    """All generated ratings: columns user, item, rating, timestamp (int ids)."""
    return movielens_like.ratings


@pytest.fixture(scope="module")
def ml_slice(movielens_like) -> Interactions:
    """Generated users 1..300 with their ratings as values and timestamps (int ids)."""
    return movielens_like.interactions(max_user=300)


@pytest.fixture(scope="session")
def ml_catalog(movielens_like) -> ItemCatalog:
    """Titles, genres and prices of all generated movies, rated or not (int ids)."""
    return movielens_like.catalog
