"""SASRec attention maps: every layer and head, causal, rows sum to 1, labelled with titles."""

import numpy as np
import pytest

from engine.errors import EngineError
from engine.explain.api import explain
from engine.explain.attention import attention_values



def test_attention_rows_sum_to_one_and_are_causal(ml_models, ml_catalog, pick_users):
    model = ml_models["sasrec"]
    p = model.params
    for u in pick_users(model, 5, seed=1):
        uid = model.user_ids_[u]
        item = model.item_ids_[model.recommend([u], k=1)[0][0, 0]]
        a = explain(model, uid, item, "attention", catalog=ml_catalog)
        hist = model.history_of(u)
        n = len(hist)
        assert a.weights.shape == (p["blocks"], p["heads"], n, n)
        np.testing.assert_allclose(a.weights.sum(-1), 1.0, atol=1e-5)
        assert np.all(np.triu(a.weights, k=1) == 0)                      # no position sees the future
        assert a.last_row.shape == (p["blocks"], p["heads"], n)
        assert list(a.labels) == ml_catalog.titles(model.item_ids_[hist])
        assert a.item == item and a.user == uid


def test_rollout_ranks_every_position(ml_models, pick_users):
    model = ml_models["sasrec"]
    u = pick_users(model, 1, seed=2)[0]
    r = attention_values(model, u)
    assert r.shape == (len(model.history_of(u)),) and np.all(r >= 0)
    assert r.sum() == pytest.approx(1.0, abs=1e-6)


def test_attention_needs_an_attention_model(ml_models):
    with pytest.raises(EngineError, match="does not support the 'attention'"):
        explain(ml_models["ease"], 1, 50, "attention")
