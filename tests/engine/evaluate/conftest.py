"""Fixtures for the evaluation tests: an ml-100k per-user random split read with pandas directly."""

import numpy as np
import pandas as pd
import pytest

from engine.data.interactions import Interactions


@pytest.fixture(scope="session")
def ml100k_frames(ml100k):
    """(train_df, test_df) of ml-100k: 20 % of each user's ratings held out (seed 0), and every
    rating of three users moved to test so that cold users exist. Columns user, item, rating, timestamp."""
    df = pd.read_csv(ml100k, sep="\t", names=["user", "item", "rating", "timestamp"])
    rng = np.random.default_rng(0)
    key = rng.random(len(df))
    rank = pd.Series(key).groupby(df["user"].to_numpy()).rank(method="first").to_numpy()
    size = df.groupby("user")["user"].transform("size").to_numpy()
    test = rank <= np.ceil(0.2 * size)
    test |= df["user"].isin([5, 50, 500]).to_numpy()
    return df[~test].reset_index(drop=True), df[test].reset_index(drop=True)


@pytest.fixture(scope="session")
def ml100k_split(ml100k_frames):
    """(train, test) Interactions with their own id maps."""
    tr, te = ml100k_frames
    return Interactions.from_frame(tr), Interactions.from_frame(te)
