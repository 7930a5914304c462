"""A catalog opened as interactions gets a message that says so, not a made-up user column."""

import pytest

from engine.data import open_dataset
from engine.errors import SchemaError


def test_generated_movie_catalog_is_not_read_as_interactions(movielens_like_files):
    with pytest.raises(SchemaError) as err:
        open_dataset(movielens_like_files["movies"])
    msg = str(err.value)
    assert msg.startswith("movies.csv") and "no user column found" in msg and "item catalog" in msg
    assert "\n" not in msg


def test_goodbooks_catalog_is_not_read_as_interactions(shared_data):
    path = shared_data / "goodbooks-10k" / "books.csv"
    if not path.exists():
        pytest.skip("goodbooks-10k/books.csv is not present")
    with pytest.raises(SchemaError) as err:
        open_dataset(path)
    msg = str(err.value)
    assert msg.startswith("books.csv") and "no user column found" in msg and "item catalog" in msg
    assert "\n" not in msg


def test_goodbooks_ratings_sample_still_infers_user(shared_data):
    path = shared_data / "goodbooks-10k" / "samples" / "ratings.csv"
    if not path.exists():
        pytest.skip("goodbooks-10k samples are not present")
    ds = open_dataset(path)
    assert (ds.mapping.user, ds.mapping.item, ds.mapping.value) == ("user_id", "book_id", "rating")
