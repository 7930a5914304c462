"""Fixtures for the data-layer tests: data sets opened from files once per session."""

import pytest


@pytest.fixture(scope="session")
def ratings_dataset(movielens_like_files):
    """The generated MovieLens-like ratings.csv opened like a user's file (its movies.csv beside it)."""
    from engine.data import open_dataset
    return open_dataset(movielens_like_files["ratings"])


@pytest.fixture(scope="session")
def ml100k_dataset(ml100k):
    from engine.data import open_dataset
    return open_dataset(ml100k)
