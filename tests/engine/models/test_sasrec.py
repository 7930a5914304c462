"""SASRec: sequence order, causal attention, saliency inputs, cancel, determinism, save/load."""

import hashlib
import json

import numpy as np
import pytest
import torch

from engine.data.interactions import Interactions
from engine.errors import Cancelled, ModelError
from engine.models.base import Recommender
from engine.models.sasrec import SASRec, padded_tokens, training_windows, user_sequences
from engine.progress import CancelToken

SMALL = {"hidden": 16, "max_len": 20, "blocks": 2, "heads": 2, "epochs": 2, "batch_size": 64, "device": "cpu"}


@pytest.fixture(scope="module")
def data(movielens_like) -> Interactions:
    """Generated users 1..150 with ratings and timestamps."""
    return movielens_like.interactions(max_user=150)


@pytest.fixture(scope="module")
def model(data) -> SASRec:
    return SASRec(**SMALL).fit(data)


def test_histories_follow_timestamps_with_stable_ties():
    # file order is not time order; user a has a tie at t=5 (file order 3 before 1 must be kept)
    inter = Interactions.from_arrays(["a", "b", "a", "a", "b", "a"], [3, 0, 1, 2, 4, 0],
                                     timestamps=[5, 2, 5, 9, 1, 1])
    indptr, items = user_sequences(inter)
    assert items[indptr[0]:indptr[1]].tolist() == [0, 3, 1, 2]          # items 0, 3, 1, 2 by index
    assert items[indptr[1]:indptr[2]].tolist() == [4, 0]
    untimed = Interactions.from_arrays(["a", "b", "a"], [2, 0, 1])
    indptr, items = user_sequences(untimed)
    assert items[indptr[0]:indptr[1]].tolist() == [2, 1]                # file order


def test_training_windows_cut_long_histories_from_the_end():
    indptr = np.array([0, 5, 6, 9])
    items = np.array([10, 11, 12, 13, 14, 20, 30, 31, 32], np.int32)
    inputs, targets = training_windows(indptr, items, 3)
    # user 0 has 4 pairs -> windows [11,12,13]->[12,13,14] and [_,_,10]->[_,_,11]; user 1 none
    np.testing.assert_array_equal(inputs, [[12, 13, 14], [0, 0, 11], [0, 31, 32]])
    np.testing.assert_array_equal(targets, [[13, 14, 15], [0, 0, 12], [0, 32, 33]])
    np.testing.assert_array_equal(padded_tokens(indptr, items, np.array([2, 1]), 4),
                                  [[0, 31, 32, 33], [0, 0, 0, 21]])


def test_attention_rows_sum_to_one_and_ignore_the_future(model):
    user = 5
    hist = model.history_of(user)
    att = model.attention(user)
    n = len(hist)
    assert 1 < n <= model.max_len_ and att.shape == (2, 2, n, n) and att.dtype == np.float32
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-5)
    assert np.all(att[..., np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]] == 0.0)
    assert np.all(att >= 0)
    # the history is the user's latest training items in time order
    seen = model.seen_[user].indices
    assert set(hist.tolist()) <= set(seen.tolist())


def test_embedding_forward_matches_score_and_has_gradients(model):
    user = 7
    emb = model.history_embeddings(user).requires_grad_()
    scores = model.score_embeddings(emb)
    np.testing.assert_allclose(scores.detach().numpy()[0], model.score([user])[0], rtol=1e-4, atol=1e-5)
    best = int(model.recommend([user], k=1)[0][0, 0])
    scores[0, best].backward()
    saliency = emb.grad.norm(dim=-1)
    assert saliency.shape == (len(model.history_of(user)),) and torch.all(torch.isfinite(saliency))
    assert saliency.sum() > 0
    with pytest.raises(ModelError):
        model.score_embeddings(torch.zeros(model.max_len_ + 1, 16))


def test_scores_depend_on_history_order(model):
    user = 3
    before = model.score([user])
    start, stop = model.seq_indptr_[user], model.seq_indptr_[user + 1]
    clone = SASRec(**SMALL)
    clone.__dict__.update(model.__dict__)                               # shares the trained network
    clone.seq_items_ = model.seq_items_.copy()
    clone.seq_items_[start:stop] = clone.seq_items_[start:stop][::-1]
    after = clone.score([user])
    assert not np.allclose(before, after)
    assert sorted(clone.history_of(user)) == sorted(model.history_of(user))


def test_learns_a_successor_rule():
    """Users walk a cycle of 30 items; the next item is the successor of the last one."""
    rng = np.random.default_rng(0)
    users, items, times = [], [], []
    for u in range(200):
        start = rng.integers(30)
        walk = (start + np.arange(6)) % 30
        users += [u] * 6
        items += walk.tolist()
        times += list(range(6))
    inter = Interactions.from_arrays(users, items, timestamps=times)
    m = SASRec(hidden=32, max_len=10, blocks=1, epochs=40, lr=5e-3, dropout=0.0, device="cpu").fit(inter)
    last = np.array([items[u * 6 + 5] for u in range(200)])
    top = m.recommend(np.arange(200), k=1)[0][:, 0]
    assert np.mean(top == (last + 1) % 30) > 0.9


def test_cancel_mid_training_returns_a_scoring_model(data):
    token = CancelToken()
    reports = []

    def progress(p):
        reports.append(p)
        if "batch" in p.metrics:
            token.cancel()

    m = SASRec(**{**SMALL, "epochs": 50, "batch_size": 8}).fit(data, progress=progress, cancel=token)
    assert token.cancelled and m.history_.stopped == "cancelled" and m.epochs_run_ < 50
    scores = m.score(np.arange(data.n_users))
    assert np.isfinite(scores).all()
    idx, _ = m.recommend(np.arange(10), k=5)
    assert (idx >= 0).all() and not data.seen.toarray()[np.arange(10)[:, None], idx].any()


def test_cancel_before_start_raises(data):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        SASRec(**SMALL).fit(data, cancel=token)


def test_same_seed_same_scores_on_cpu(data, model):
    again = SASRec(**SMALL).fit(data)
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(again.score(users), model.score(users))
    other = SASRec(**{**SMALL, "seed": 1}).fit(data)
    assert not np.array_equal(other.score(users), model.score(users))


def test_save_load_identical_scores_and_attention(model, data, tmp_path):
    loaded = Recommender.load(model.save(tmp_path / "m"))
    assert isinstance(loaded, SASRec) and loaded.max_len_ == model.max_len_
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score(users), model.score(users))
    np.testing.assert_array_equal(loaded.attention(4), model.attention(4))
    assert loaded.history_.to_dict() == model.history_.to_dict()


def test_load_rejects_inconsistent_sequences(model, tmp_path):
    from safetensors.numpy import load_file, save_file
    d = model.save(tmp_path / "m")
    tensors = load_file(str(d / "weights.safetensors"))
    tensors["model.seq_items"] = np.full_like(tensors["model.seq_items"], model.n_items)
    save_file(tensors, str(d / "weights.safetensors"))
    config = json.loads((d / "config.json").read_text())  # crafted with a matching checksum
    config["weights_sha256"] = hashlib.sha256((d / "weights.safetensors").read_bytes()).hexdigest()
    (d / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="sequences"):
        Recommender.load(d)


def test_bad_parameters_are_refused():
    with pytest.raises(ModelError, match="multiple of heads"):
        SASRec(hidden=10, heads=3)
    with pytest.raises(ModelError, match="loss"):
        SASRec(loss="mse")
    with pytest.raises(ModelError, match="dropout"):
        SASRec(dropout=1.0)


def test_history_is_the_latest_max_len_items_in_time_order(data, model):
    user = int(np.argmax(np.diff(data.seen.indptr)))                   # the most active user
    mine = data.user_idx == user
    order = np.lexsort((np.flatnonzero(mine), data.timestamps[mine]))
    latest = data.item_idx[mine][order][-model.max_len_:]
    assert mine.sum() > model.max_len_
    np.testing.assert_array_equal(model.history_of(user), latest)
