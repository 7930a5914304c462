"""Every compression method, on a model it applies to, gives a model that meets the model contract
(the checks of tests/engine/models/test_contract.py, reused) and loads without pickle."""

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.compress import parse_method
from engine.compress.api import apply_method
from engine.errors import ModelError
from engine.models.base import Recommender
from engine.models.capabilities import CAPABILITIES

_spec = importlib.util.spec_from_file_location(
    "_model_contract", Path(__file__).resolve().parents[1] / "models" / "test_contract.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

#: (teacher, method): every kind on every model family it applies to (students train 2 epochs).
CASES = [
    ("ease", "int8"), ("ease", "fp16"), ("ease", "bf16"), ("ease", "topk:50"), ("ease", "topk:50+int8"),
    ("ease", "prune:0.9"), ("ease", "prune:0.9+int8"), ("ease", "lowrank:16"), ("ease", "distill:dim=8,epochs=2"),
    ("itemknn", "int8"), ("itemknn", "topk:20"), ("itemknn", "prune:0.5+int8"),
    ("bpr", "int8"), ("bpr", "fp16"), ("bpr", "bf16"), ("bpr", "prune:0.5"), ("bpr", "prune:0.5,scope=layer"),
    ("bpr", "lowrank:4"), ("ials", "int8"), ("twotower", "int8"), ("bpr", "distill:dim=4,epochs=2"),
    ("sasrec", "int8"), ("sasrec", "fp16"), ("sasrec", "bf16"), ("sasrec", "prune:0.5,finetune=1"),
    ("sasrec", "prune:0.6,scope=layer"), ("sasrec", "lowrank:4"), ("sasrec", "distill:dim=8,layers=1,epochs=2"),
]
IDS = [f"{t}-{m}" for t, m in CASES]


@pytest.fixture(scope="module")
def compressed(teacher, ml_split, tmp_path_factory):
    """(teacher, method) -> (compressed model, its saved folder), built once per module."""
    cache = {}

    def get(case):
        if case not in cache:
            name, method = case
            model = apply_method(teacher(name), parse_method(method), ml_split.train)
            cache[case] = model, model.save(tmp_path_factory.mktemp("c") / "model")
        return cache[case]
    return get


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_scores_recommend_and_attributes(case, compressed, ml_split):
    model, _ = compressed(case)
    train = ml_split.train
    users = np.arange(train.n_users)
    scores = model.score(users)
    assert scores.shape == (train.n_users, train.n_items) and scores.dtype == np.float32
    assert np.isfinite(scores).all()
    assert model.capabilities <= set(CAPABILITIES)
    public = [a for a in vars(model) if not a.startswith("_") and a != "params"]
    assert all(a.endswith("_") for a in public), public
    idx, val = model.recommend(users, k=20)
    np.testing.assert_array_equal(idx, contract.expected_topk(scores, train.seen, 20))
    np.testing.assert_array_equal(val, np.take_along_axis(scores, idx, 1))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_save_load_identical_without_pickle(case, compressed, ml_split):
    model, directory = compressed(case)
    files = {p.name for p in directory.iterdir()}
    assert {"config.json", "weights.safetensors", "ids.json"} <= files
    assert all(f.endswith((".json", ".safetensors")) for f in files), files
    for p in directory.iterdir():
        head = p.read_bytes()[:2]
        assert head[:1] != b"\x80" and head != b"PK", f"{p.name} looks like a pickle / torch.save file"
    loaded = Recommender.load(directory)
    assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
    assert loaded.capabilities == model.capabilities
    users = np.arange(ml_split.train.n_users)
    assert np.array_equal(loaded.score(users), model.score(users))


@pytest.mark.parametrize("tamper", list(contract.TAMPER))
@pytest.mark.parametrize("case", [c for c in CASES if not c[1].startswith("distill")],
                         ids=[i for c, i in zip(CASES, IDS) if not c[1].startswith("distill")])
def test_tampered_compressed_model_raises_model_error(case, tamper, compressed, tmp_path):
    d = tmp_path / "m"
    shutil.copytree(compressed(case)[1], d)
    if tamper == "nan weights" and case[1] == "bf16" and case[0] == "ease":
        _nan_bf16(d)                       # its only weight array holds raw bfloat16 bits
    else:
        contract.TAMPER[tamper](d)
    with pytest.raises(ModelError):
        Recommender.load(d)


def _nan_bf16(d):
    def put_nan(tensors, keys):
        bits = tensors["model.ii.bits"].copy()
        bits.flat[0] = 0x7FC0                   # bfloat16 NaN
        tensors["model.ii.bits"] = bits
    contract._edit_weights(d, put_nan)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in ("ease", "itemknn") and "distill" not in c[1]])
def test_item_item_weights_still_explain_the_score(case, compressed, ml_split):
    model, _ = compressed(case)
    assert {"contributions", "history", "rescoring"} <= model.capabilities
    user = 3
    scores = model.score([user])[0]
    hist = model.history_of(user)
    np.testing.assert_array_equal(hist, ml_split.train.seen[user].indices)
    for item in (0, 7, int(np.argmax(scores))):
        weights, score, _ = model.contribution_values(item, hist)
        assert weights.sum() == pytest.approx(scores[item], rel=1e-4, abs=1e-5)
        assert score == pytest.approx(scores[item], rel=1e-4, abs=1e-5)


def test_int8_ease_weights_are_the_dequantised_matrix(teacher, compressed):
    ease = teacher("ease")
    model, _ = compressed(("ease", "int8"))
    hist = model.history_of(5)
    w = model.contribution_values(11, hist)[0]
    exact = ease.weights_[hist, 11]
    step = np.abs(ease.weights_[:, 11]).max() / 127
    assert np.all(np.abs(w - exact) <= step / 2 + 1e-7)


def test_sasrec_capabilities_follow_the_method(compressed):
    int8, _ = compressed(("sasrec", "int8"))
    half, _ = compressed(("sasrec", "fp16"))
    assert "history_gradients" not in int8.capabilities and "attention" in int8.capabilities
    assert {"attention", "history_gradients", "embeddings"} <= half.capabilities
    assert "objective" not in half.capabilities          # it was not trained with an objective of its own
    att = int8.attention(2)
    assert att.ndim == 4 and np.allclose(att.sum(-1), 1.0, atol=1e-5)
    emb = half.history_embeddings(2).requires_grad_()
    half.score_embeddings(emb)[0, 0].backward()
    assert emb.grad is not None and torch.isfinite(emb.grad).all() and emb.grad.abs().sum() > 0


def test_factor_tables_stay_embeddings(teacher, compressed):
    bpr = teacher("bpr")
    model, _ = compressed(("bpr", "int8"))
    assert model.item_factors_.shape == bpr.item_factors_.shape
    scale = np.abs(bpr.item_factors_).max(1, keepdims=True) / 127
    assert np.all(np.abs(model.item_factors_ - bpr.item_factors_) <= scale / 2 + 1e-7)
    low, _ = compressed(("bpr", "lowrank:4"))
    assert low.item_factors_.shape == (bpr.n_items, 4) and low.user_factors_.shape == (bpr.n_users, 4)


def test_pruning_reaches_the_requested_sparsity(compressed, teacher):
    model, _ = compressed(("bpr", "prune:0.5"))
    nz = np.count_nonzero(model.user_factors_) + np.count_nonzero(model.item_factors_)
    total = model.user_factors_.size + model.item_factors_.size
    assert nz == pytest.approx(0.5 * total, abs=2)
    sas, _ = compressed(("sasrec", "prune:0.6,scope=layer"))
    w = sas.module_.blocks[0].ffn[0].weight
    assert (w == 0).float().mean().item() == pytest.approx(0.6, abs=0.01)
