"""The contract every registered model meets, on generated MovieLens-like ratings and a hand-made case.

Parametrized over ``registry.available()``: a model joins by registering; it is built with
``cls(**cls.fast_params)`` and always fitted with the item catalog (models that need titles get them).
"""

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from safetensors.numpy import load_file, save_file

from engine.data.catalog import ItemCatalog
from engine.data.interactions import Interactions
from engine.errors import Cancelled, ModelError
from engine.models import registry
from engine.models.base import Recommender
from engine.models.capabilities import CAPABILITIES
from engine.progress import CancelToken, Progress

MODELS = registry.available()


def quick(name: str) -> Recommender:
    cls = registry.get(name)
    return cls(**cls.fast_params)


@pytest.fixture(scope="module")
def fitted(ml_slice, ml_catalog):
    """name -> model fitted on ``ml_slice`` (fitted once per module); ``fitted.reports[name]``
    holds the Progress reports of that fit."""
    cache, reports = {}, {}

    def get(name):
        if name not in cache:
            model = quick(name)
            reports[name] = []
            assert model.fit(ml_slice, catalog=ml_catalog, progress=reports[name].append) is model
            cache[name] = model
        return cache[name]
    get.reports = reports
    return get


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    """name -> directory holding the saved fitted model."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = fitted(name).save(tmp_path_factory.mktemp(name) / "model")
        return cache[name]
    return get


def expected_topk(scores: np.ndarray, seen, k: int) -> np.ndarray:
    """Reference top-k: seen items masked, stable sort (ties -> lower index), -1 where no candidate."""
    s = scores.astype(np.float64).copy()
    s[seen.toarray() > 0] = -np.inf
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return np.where(np.isfinite(np.take_along_axis(s, order, 1)), order, -1)


@pytest.mark.parametrize("name", MODELS)
def test_fit_scores_all_items_as_finite_float32(name, fitted, ml_slice):
    model = fitted(name)
    scores = model.score(np.arange(ml_slice.n_users))
    assert scores.shape == (ml_slice.n_users, ml_slice.n_items)
    assert scores.dtype == np.float32
    assert np.isfinite(scores).all()
    assert model.name == name and model.capabilities <= set(CAPABILITIES)
    public = [a for a in vars(model) if not a.startswith("_") and a != "params"]
    assert all(a.endswith("_") for a in public), public


@pytest.mark.parametrize("name", MODELS)
def test_recommend_is_exact_topk_without_seen_items(name, fitted, ml_slice):
    model = fitted(name)
    users = np.arange(ml_slice.n_users)
    idx, val = model.recommend(users, k=20)
    assert idx.shape == val.shape == (ml_slice.n_users, 20) and idx.dtype == np.int64 and val.dtype == np.float32
    scores = model.score(users)
    np.testing.assert_array_equal(idx, expected_topk(scores, ml_slice.seen, 20))
    assert not ml_slice.seen.toarray()[users[:, None], idx].any()
    np.testing.assert_array_equal(val, np.take_along_axis(scores, idx, 1))


@pytest.mark.parametrize("name", MODELS)
def test_ties_and_padding_on_a_hand_made_case(name):
    # user a has seen 5 of 6 items, so k=4 leaves 3 pad positions
    users = ["a", "a", "a", "a", "a", "b", "b", "c", "c", "d"]
    items = [0, 1, 2, 3, 4, 1, 2, 0, 5, 3]
    inter = Interactions.from_arrays(users, items)
    titles = ["Toy Story", "Heat", "Casino", "Sense and Sensibility", "Babe", "Fargo"]
    catalog = ItemCatalog(pd.DataFrame({"title": titles}, index=pd.Index(range(6), name="item")), {"title": "title"})
    model = quick(name).fit(inter, catalog=catalog)
    idx, val = model.recommend(np.arange(4), k=4)
    np.testing.assert_array_equal(idx, expected_topk(model.score(np.arange(4)), inter.seen, 4))
    assert (idx[0, 1:] == -1).all() and np.isneginf(val[0, 1:]).all() and idx[0, 0] == 5
    assert (idx[1:] >= 0).all()
    all_idx, _ = model.recommend([0], k=10, exclude_seen=False)
    assert sorted(all_idx[0].tolist()) == list(range(6))       # k is capped at the number of items


@pytest.mark.parametrize("name", MODELS)
def test_save_load_gives_identical_scores_and_no_pickle(name, fitted, saved, ml_slice):
    model, directory = fitted(name), saved(name)
    files = sorted(p.name for p in directory.iterdir())
    assert {"config.json", "weights.safetensors", "ids.json"} <= set(files)
    assert all(f.endswith((".json", ".safetensors")) for f in files), files
    for p in directory.iterdir():
        head = p.read_bytes()[:2]
        assert head[:1] != b"\x80" and head != b"PK", f"{p.name} looks like a pickle / torch.save file"
    loaded = Recommender.load(directory)
    assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
    assert loaded.item_ids_.dtype == np.int64
    np.testing.assert_array_equal(loaded.item_ids_, model.item_ids_)
    np.testing.assert_array_equal(loaded.user_ids_, model.user_ids_)
    users = np.arange(ml_slice.n_users)
    assert np.array_equal(loaded.score(users), model.score(users))
    for a, b in zip(loaded.recommend(users, k=10), model.recommend(users, k=10)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", MODELS)
def test_string_ids_round_trip(name, ratings_df, ml_catalog, tmp_path):
    df = ratings_df[ratings_df["user"] <= 80]
    inter = Interactions.from_arrays("u" + df["user"].astype(str), "m" + df["item"].astype(str))
    frame = ml_catalog.frame.set_axis(pd.Index("m" + ml_catalog.frame.index.astype(str), name="item"))
    model = quick(name).fit(inter, catalog=ItemCatalog(frame, ml_catalog.roles))
    loaded = Recommender.load(model.save(tmp_path / "m"))
    assert loaded.user_ids_.dtype == object and loaded.user_ids_.tolist() == model.user_ids_.tolist()
    assert loaded.item_ids_.tolist() == model.item_ids_.tolist()
    u = loaded.user_index("u7")
    assert loaded.user_ids_[u] == "u7"
    assert np.array_equal(loaded.score([u]), model.score([u]))


def _edit_config(d, **changes):
    cfg = json.loads((d / "config.json").read_text())
    cfg.update(changes)
    (d / "config.json").write_text(json.dumps(cfg))


def _edit_weights(d, fn):
    tensors = load_file(str(d / "weights.safetensors"))
    keys = sorted(k for k in tensors if k.startswith("model."))
    assert keys, "a model saves at least one array"
    fn(tensors, keys)
    save_file(tensors, str(d / "weights.safetensors"))
    # a crafted folder with a matching checksum: the checks behind the checksum must hold on their own
    _edit_config(d, weights_sha256=hashlib.sha256((d / "weights.safetensors").read_bytes()).hexdigest())


def _flip_last_byte(d):
    """One flipped bit in the weights' data (not the header): only the checksum can notice."""
    raw = bytearray((d / "weights.safetensors").read_bytes())
    raw[-1] ^= 0x01
    (d / "weights.safetensors").write_bytes(bytes(raw))


def _nan(tensors, keys):
    key = next(k for k in keys if tensors[k].dtype.kind == "f" and tensors[k].size)
    arr = tensors[key].copy()
    arr.flat[0] = np.nan
    tensors[key] = arr


TAMPER = {
    "wrong n_items": lambda d: _edit_config(d, n_items=json.loads((d / "config.json").read_text())["n_items"] + 1),
    "wrong n_users": lambda d: _edit_config(d, n_users=3),
    "unknown model": lambda d: _edit_config(d, model="no-such-model"),
    "newer format": lambda d: _edit_config(d, format_version=99),
    "not json": lambda d: (d / "config.json").write_text("{not json"),
    "truncated weights": lambda d: (d / "weights.safetensors").write_bytes(
        (d / "weights.safetensors").read_bytes()[: (d / "weights.safetensors").stat().st_size // 2]),
    "nan weights": lambda d: _edit_weights(d, _nan),
    "missing array": lambda d: _edit_weights(d, lambda t, keys: t.pop(keys[0])),
    "missing weights": lambda d: (d / "weights.safetensors").unlink(),
    "flipped bit": _flip_last_byte,
}


@pytest.mark.parametrize("tamper", list(TAMPER))
@pytest.mark.parametrize("name", MODELS)
def test_tampered_model_raises_model_error(name, tamper, saved, tmp_path):
    d = tmp_path / "m"
    shutil.copytree(saved(name), d)
    TAMPER[tamper](d)
    with pytest.raises(ModelError):
        Recommender.load(d)


@pytest.mark.parametrize("name", MODELS)
def test_params_unknown_rejected_and_strings_coerced(name):
    cls = registry.get(name)
    with pytest.raises(ModelError, match="no_such_param"):
        cls(no_such_param=1)
    scalars = {k: v for k, v in cls.defaults.items() if isinstance(v, (bool, int, float, str))}
    model = cls(**{k: str(v) for k, v in scalars.items()})
    for k, v in scalars.items():
        assert model.params[k] == v and type(model.params[k]) is type(v)
    numeric = [k for k, v in scalars.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if numeric:
        with pytest.raises(ModelError, match=numeric[0]):
            cls(**{numeric[0]: "abc"})


@pytest.mark.parametrize("name", MODELS)
def test_fit_reports_progress_and_honours_cancel(name, fitted, ml_slice, ml_catalog):
    fitted(name)
    reports = fitted.reports[name]
    assert reports and all(isinstance(p, Progress) for p in reports)
    assert all(p.fraction is None or 0.0 <= p.fraction <= 1.0 for p in reports)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        quick(name).fit(ml_slice, catalog=ml_catalog, cancel=token)
