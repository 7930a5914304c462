"""Fixtures shared by the engine tests: 300 users of the generated MovieLens-like data split
70/10/20 (the explain and compress folders define their own ``ml_split``)."""

import pytest

from engine.data.splits import split


@pytest.fixture(scope="session")
def ml_split(movielens_like):
    """Split of generated users 1..300 with ratings and timestamps: random per user, 20% test, 10% valid, seed 0."""
    return split(movielens_like.interactions(max_user=300), "random", test_frac=0.2, valid_frac=0.1, seed=0)
