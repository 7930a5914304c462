"""k-core, minimum-value filters and the data profile on the generated ratings, each against its own
pandas computation (the published ml-100k figures are checked in test_data_real.py with ../shared)."""

from datetime import datetime, timezone

import numpy as np
import pytest

from engine.data.filters import k_core, min_value
from engine.data.profile import profile


def _pandas_k_core(df, min_user: int, min_item: int):
    """Drop users and items below their thresholds until nothing changes (pandas, its own loop)."""
    while True:
        users = df.groupby("user")["item"].transform("size")
        items = df.groupby("item")["user"].transform("size")
        keep = (users >= min_user) & (items >= min_item)
        if keep.all():
            return df
        df = df[keep]


def test_k_core_matches_pandas_and_needs_several_rounds(ratings_dataset):
    inter = ratings_dataset.interactions
    frame = inter.to_frame()
    core = k_core(inter, min_user=25, min_item=25)
    ref = _pandas_k_core(frame, 25, 25)
    one_round = frame.groupby("item")["user"].transform("size").ge(25) & \
        frame.groupby("user")["item"].transform("size").ge(25)
    assert len(ref) < one_round.sum() < len(frame)                   # the second round removes more
    got = core.to_frame()
    assert core.n_events == len(ref) and set(got["user"]) == set(ref["user"]) and set(got["item"]) == set(ref["item"])
    assert np.bincount(core.user_idx).min() >= 25 and np.bincount(core.item_idx).min() >= 25
    with pytest.raises(Exception, match="at least 1"):
        k_core(inter, min_user=0)


def test_min_value_keeps_liked_ratings(ratings_dataset, movielens_like):
    liked = min_value(ratings_dataset.interactions, 4)
    ratings = movielens_like.ratings["rating"]
    assert liked.n_events == int((ratings >= 4).sum()) and liked.values.min() == 4


def test_profile_matches_pandas(ratings_dataset, movielens_like):
    df = movielens_like.ratings
    inter = ratings_dataset.interactions
    p = profile(inter)
    n_items = df["item"].nunique()
    assert (p.n_events, p.n_pairs, p.n_users, p.n_items) == (len(df), len(df), df["user"].nunique(), n_items)
    assert p.density == pytest.approx(len(df) / (df["user"].nunique() * n_items))
    iso = lambda t: datetime.fromtimestamp(int(t), timezone.utc).isoformat()
    assert (p.time_min, p.time_max) == (iso(df["timestamp"].min()), iso(df["timestamp"].max()))
    assert p.values["counts"] == {str(k): int(v) for k, v in df["rating"].value_counts().sort_index().items()}
    per_user = df.groupby("user").size()
    assert (p.events_per_user["min"], p.events_per_user["max"]) == (per_user.min(), per_user.max())
    assert p.events_per_item["max"] == df.groupby("item").size().max()
    assert p.activity_counts.sum() == df["user"].nunique()
    assert p.tail_x[-1] == 1.0 and p.tail_y[-1] == pytest.approx(1.0) and np.all(np.diff(p.tail_y) >= 0)
    top = df.groupby("item").size().sort_values(ascending=False)
    assert p.top20_share == pytest.approx(top.iloc[:int(0.2 * n_items)].sum() / len(df), abs=0.02)
