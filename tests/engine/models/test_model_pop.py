"""MostPopular: distinct-user counts, identical lists for everyone, tie and padding order."""

import numpy as np

from engine.data.interactions import Interactions
from engine.models.popularity import MostPopular


def test_counts_are_distinct_users_per_item(ratings_df, ml_slice):
    model = MostPopular().fit(ml_slice)
    df = ratings_df[ratings_df["user"] <= 300]
    expected = df.groupby("item")["user"].nunique().reindex(ml_slice.item_ids, fill_value=0)
    np.testing.assert_array_equal(model.counts_, expected.to_numpy(np.float32))
    scores = model.score([0, 5, 299])
    assert (scores == scores[0]).all()


def test_duplicate_events_count_once_and_ties_go_to_lower_index():
    # item 0: users a, c (a twice) -> 2; item 1: a, b, d -> 3; items 2, 3: 2 each; items 4, 5: 1
    inter = Interactions.from_arrays(["a", "a", "a", "b", "b", "c", "c", "d", "d", "d", "d", "e"],
                                     [0, 0, 1, 1, 2, 0, 3, 1, 2, 3, 4, 5])
    model = MostPopular().fit(inter)
    np.testing.assert_array_equal(model.counts_, [2, 3, 2, 2, 1, 1])
    idx, val = model.recommend(np.arange(5), k=5)
    np.testing.assert_array_equal(idx, [[2, 3, 4, 5, -1],      # a saw 0, 1
                                        [0, 3, 4, 5, -1],      # b saw 1, 2
                                        [1, 2, 4, 5, -1],      # c saw 0, 3
                                        [0, 5, -1, -1, -1],    # d saw 1, 2, 3, 4
                                        [1, 0, 2, 3, 4]])      # e saw 5
    assert np.isneginf(val[3, 2:]).all()
