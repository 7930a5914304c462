"""The generated MovieLens-like data the core tests run on: deterministic, and with the structure
its docstring promises (the thresholds of the model and explanation tests rely on it)."""

import numpy as np
import pandas as pd

from generated_data import GENRE_NAMES, movielens_like


def test_same_seed_same_data_other_seed_other_data():
    build = movielens_like.__wrapped__                        # past the cache
    a, b, c = build(seed=0), build(seed=0), build(seed=1)
    for part in ("ratings", "movies", "users"):
        pd.testing.assert_frame_equal(getattr(a, part), getattr(b, part))
    assert not a.ratings.equals(c.ratings)


def test_shape_of_the_data(movielens_like):
    r, movies, users = movielens_like.ratings, movielens_like.movies, movielens_like.users
    assert not r.duplicated(["user", "item"]).any() and r["rating"].between(1, 5).all()
    assert r.groupby("user").size().min() >= 20 and set(r["user"]) == set(users["user"])
    assert set(r["item"]) < set(movies.index)                           # some movies nobody rated
    assert (r.groupby("item").size() <= 2).any()                        # and some rated once or twice
    assert all(g in GENRE_NAMES for genres in movies["genres"] for g in genres.split("|"))


def test_tastes_show_in_ratings_and_in_the_order_of_watching(movielens_like):
    r = movielens_like.ratings.sort_values(["user", "timestamp"])
    genre = movielens_like.movies["genres"].str.split("|").str[0].reindex(r["item"]).to_numpy()
    r = r.assign(genre=genre)
    # the genre a user rates most often is rated higher than the user's other genres
    counts = r.groupby(["user", "genre"]).size()
    favourite = counts.groupby("user").idxmax().str[1]
    liked = r["genre"].to_numpy() == favourite.reindex(r["user"]).to_numpy()
    assert r["rating"][liked].mean() > r["rating"][~liked].mean() + 0.5
    # consecutive ratings of a user share a genre far more often than shuffled ones would
    shuffled = r.groupby("user")["genre"].transform(lambda g: np.random.default_rng(0).permutation(g.to_numpy()))
    assert _same_as_previous(r["user"], r["genre"]) > _same_as_previous(r["user"], shuffled) + 0.2


def _same_as_previous(users: pd.Series, genres: pd.Series) -> float:
    """Share of a user's ratings (after the first) whose genre equals the previous rating's."""
    u, g = users.to_numpy(), genres.to_numpy()
    return float((g[1:] == g[:-1])[u[1:] == u[:-1]].mean())
