"""Fixtures for the data-layer tests: real data sets loaded once per session."""

import pytest


@pytest.fixture(scope="session")
def ml100k_dataset(ml100k):
    from engine.data import open_dataset
    return open_dataset(ml100k)
