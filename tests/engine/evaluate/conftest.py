"""Fixtures for the evaluation tests: a per-user random split of the generated MovieLens-like
ratings, made with pandas directly (not engine.data.splits)."""

import numpy as np
import pandas as pd
import pytest

from engine.data.interactions import Interactions

#: Users whose every rating goes to test, so that cold users exist.
COLD_USERS = (5, 50, 350)


@pytest.fixture(scope="session")
def ratings_frames(movielens_like):
    """(train_df, test_df) of all generated ratings: 20 % of each user's ratings held out (seed 0),
    and every rating of the users in COLD_USERS moved to test. Columns user, item, rating, timestamp."""
    df = movielens_like.ratings
    rng = np.random.default_rng(0)
    key = rng.random(len(df))
    rank = pd.Series(key).groupby(df["user"].to_numpy()).rank(method="first").to_numpy()
    size = df.groupby("user")["user"].transform("size").to_numpy()
    test = rank <= np.ceil(0.2 * size)
    test |= df["user"].isin(COLD_USERS).to_numpy()
    return df[~test].reset_index(drop=True), df[test].reset_index(drop=True)


@pytest.fixture(scope="session")
def ratings_split(ratings_frames):
    """(train, test) Interactions with their own id maps."""
    tr, te = ratings_frames
    return Interactions.from_frame(tr), Interactions.from_frame(te)
