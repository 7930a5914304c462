"""Feature encoding and the two-tower model with item genres and user demographics (generated
MovieLens-like data, read from its files)."""

import numpy as np
import pytest
import torch

from engine.data.catalog import read_catalog
from engine.errors import Cancelled, DataFormatError, ModelError
from engine.models.base import Recommender
from engine.models.features import (MISSING, FeatureSet, band_field, categorical_field,
                                    encode_item_features, encode_user_features, read_movielens_users)
from engine.models.twotower import TwoTower
from engine.progress import CancelToken

FAST = {"factors": 16, "epochs": 2, "text": False, "device": "cpu"}


@pytest.fixture(scope="module")
def ml(movielens_like, movielens_like_files):
    """(Interactions of users 1..200, item catalog read from movies.csv, user table read from u.user)."""
    return (movielens_like.interactions(max_user=200), read_catalog(movielens_like_files["movies"]),
            read_movielens_users(movielens_like_files["users"]))


@pytest.fixture(scope="module")
def fitted(ml):
    inter, catalog, users = ml
    return TwoTower(**FAST).set_user_features(users).fit(inter, catalog=catalog)


def test_field_encoders_reserve_index_zero_for_missing():
    f = categorical_field("category", ["Action|Comedy", None, "Drama", "Comedy", "Rare"], max_levels=3, multi=True)
    assert f.labels[0] == MISSING and f.values(0) == "Action, Comedy"
    assert f.codes[1].tolist()[0] == 0 and f.values(4) == MISSING      # missing and beyond max_levels
    b = band_field("price band", [1.0, 2.0, np.nan, 10.0, "x"], n_bands=2)
    assert b.codes[:, 0].tolist() == [1, 2, 0, 2, 0] and b.labels[0] == MISSING


def test_movielens_features_are_readable(ml, movielens_like):
    inter, catalog, users = ml
    items = encode_item_features(catalog, inter.item_ids, text=False)
    genres = movielens_like.movies["genres"]
    assert items.names == ["category", "price band"]
    for row in (0, 7, inter.n_items - 1):
        assert items.describe(row)["category"] == genres[inter.item_ids[row]].replace("|", ", ")
    ufs = encode_user_features(users, np.array([1, 2, 99999]))
    assert ufs.names == ["age band", "gender", "occupation"]            # zip is identifier-like: dropped
    truth = movielens_like.users.set_index("user")
    for row, user in enumerate([1, 2]):
        assert ufs.describe(row)["gender"] == truth.loc[user, "gender"]
        assert ufs.describe(row)["occupation"] == truth.loc[user, "occupation"]
    assert ufs.describe(2) == {"age band": MISSING, "gender": MISSING, "occupation": MISSING}
    with pytest.raises(Exception, match="no 'uid' column"):
        encode_user_features(users, np.array([1]), id_column="uid")


def test_bad_user_file_is_a_data_format_error(tmp_path):
    p = tmp_path / "u.user"
    p.write_text("1|24|M|technician|85711\nx|53|F|other|94043\n")
    with pytest.raises(DataFormatError, match="row 2"):
        read_movielens_users(p)


def test_score_changes_when_an_items_category_changes(fitted, ml):
    inter, _, _ = ml
    model = fitted
    names = model.feature_names()
    assert names == ["user id", "user age band", "user gender", "user occupation", "item id", "item category",
                     "item price band"]
    users, items = np.array([0, 5, 9]), np.array([0, 1, 49])
    X = model.feature_matrix(users, items)
    np.testing.assert_allclose(model.feature_forward(X), model.score(users)[np.arange(3), items], rtol=1e-5, atol=1e-5)
    cat = names.index("item category")
    codes = model.item_features_.fields[0].codes
    differs = np.all([(codes != codes[i]).any(1) for i in items], axis=0)
    other = int(np.flatnonzero(differs)[0])                            # genres unlike all three items
    X2 = X.copy()
    X2[:, cat] = other
    assert model.feature_value(cat, 0) != model.feature_value(cat, other)
    assert model.feature_value(names.index("item id"), 0) == str(inter.item_ids[0])
    assert np.abs(model.feature_forward(X2) - model.feature_forward(X)).min() > 1e-6
    X3 = X.copy()
    gender = names.index("user gender")                                # columns of X are rows whose value is used
    values = [model.feature_value(gender, r) for r in range(model.n_users)]
    X3[:, gender] = [values.index(next(v for v in values if v != values[u])) for u in users]
    assert [model.feature_value(gender, r) for r in X3[:, gender]] != [values[u] for u in users]
    assert not np.allclose(model.feature_forward(X3), model.feature_forward(X))
    with pytest.raises(ModelError):
        model.feature_forward(X[:, :3])


def test_catalog_change_changes_scores(fitted, ml):
    inter, catalog, users = ml
    frame = catalog.frame.copy()
    first = inter.item_ids[0]                                        # the item at index 0
    genre = "Horror" if "Horror" not in frame.loc[first, catalog.roles["category"]] else "Romance"
    frame.loc[first, catalog.roles["category"]] = genre
    changed = type(catalog)(frame, dict(catalog.roles))
    other = TwoTower(**FAST).set_user_features(users).fit(inter, catalog=changed)
    assert other.item_features_.describe(0)["category"] == genre
    assert not np.allclose(fitted.score([0])[0, 0], other.score([0])[0, 0])


def test_without_catalog_it_is_matrix_factorisation(ml):
    inter, _, _ = ml
    model = TwoTower(**FAST, loss="bpr").fit(inter)
    assert model.feature_names() == ["user id", "item id"]
    assert model.item_features_.empty and model.user_factors_.shape == (inter.n_users, 16)


def test_save_load_keeps_features_and_scores(fitted, ml, tmp_path):
    inter, _, _ = ml
    loaded = Recommender.load(fitted.save(tmp_path / "m"))
    users = np.arange(inter.n_users)
    assert np.array_equal(loaded.score(users), fitted.score(users))
    assert loaded.feature_names() == fitted.feature_names()
    assert loaded.user_features_.describe(3) == fitted.user_features_.describe(3)
    X = fitted.feature_matrix([1, 2], [3, 4])
    assert np.array_equal(loaded.feature_forward(X), fitted.feature_forward(X))


def test_gradients_flow_to_feature_embeddings(fitted):
    m = fitted.module_
    refs_u = torch.zeros((1, m.user.n_inputs), dtype=torch.int64)      # id, age band, gender, occupation
    refs_i = torch.zeros((1, m.item.n_inputs), dtype=torch.int64)      # id, category, price band
    m.zero_grad()
    m.pair_scores(refs_u, refs_i).sum().backward()
    assert m.item.fields[0].weight.grad.abs().sum() > 0 and m.user.fields[1].weight.grad.abs().sum() > 0
    m.zero_grad()


def test_validation_progress_and_cancel(ml):
    inter, catalog, _ = ml
    reports = []
    rng = np.random.default_rng(0)
    mask = rng.random(inter.n_events) < 0.9
    model = TwoTower(**FAST, layers=1).fit(inter.subset(mask), catalog=catalog, valid=inter.subset(~mask),
                                           progress=reports.append)
    assert model.history_.best_epoch is not None and "ndcg@10" in model.history_.records[0].metrics
    assert reports and all(r.fraction is None or 0 <= r.fraction <= 1 for r in reports)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        TwoTower(**FAST).fit(inter, catalog=catalog, cancel=token)
    with pytest.raises(ModelError, match="loss"):
        TwoTower(loss="hinge")


def test_feature_set_round_trip_rejects_bad_codes():
    fs = FeatureSet(3, (categorical_field("g", ["a", "b", None]),))
    state, config = fs.to_state("x"), fs.to_config()
    assert FeatureSet.from_state(state, config, "x", 3).describe(1) == {"g": "b"}
    state["x.field0"] = state["x.field0"] + 5
    with pytest.raises(ModelError, match="outside"):
        FeatureSet.from_state(state, config, "x", 3)
    with pytest.raises(ModelError):
        FeatureSet.from_state(fs.to_state("x"), config, "x", 4)
