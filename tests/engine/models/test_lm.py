"""The fine-tuned language-model recommender (``lm``): training, never-sold items, save/load with the
pinned base model, word-level explanations and its compressed forms — on a slice of the bundled
demo data (no ../shared needed)."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import torch

from engine.data.catalog import ItemCatalog
from engine.data.interactions import Interactions
from engine.errors import Cancelled, EngineError, ModelError
from engine.explain import explain
from engine.explain.faithfulness import deletion_test
from engine.explain.words import has_word_explanations
from engine.text.words import words_of
from engine.models.base import Recommender
from engine.compress.language import LMCompressed
from engine.models.lm import LMRecommender
from engine.progress import CancelToken

FAST = dict(LMRecommender.fast_params, seed=0, device="cpu")


@pytest.fixture(scope="module")
def demo(repo):
    """(train Interactions with 20 never-sold catalog items as candidates, test Interactions, catalog)."""
    df = pd.read_csv(repo / "resources" / "demo" / "online_retail_demo.csv", dtype={"StockCode": str})
    df = df[df["CustomerID"].notna() & (df["Quantity"] > 0)]
    top = df["CustomerID"].value_counts().index[:60]
    df = df[df["CustomerID"].isin(top)]
    items = np.sort(df["StockCode"].unique())[:260]
    df = df[df["StockCode"].isin(items)]
    frame = df.drop_duplicates("StockCode").set_index("StockCode")[["Description"]]
    catalog = ItemCatalog(frame.rename_axis("item"), {"description": "Description"})
    cold = items[::13][:20]
    ts = pd.to_datetime(df["InvoiceDate"]).astype("int64").to_numpy() // 10**9
    sold = ~df["StockCode"].isin(cold).to_numpy()
    rng = np.random.default_rng(0)
    test = sold & (rng.random(len(df)) < 0.2)
    keep = sold & ~test
    train = Interactions.from_arrays(df["CustomerID"].to_numpy()[keep], df["StockCode"].to_numpy()[keep],
                                     timestamps=ts[keep], extra_items=catalog.item_ids)
    test_i = Interactions.from_arrays(df["CustomerID"].to_numpy()[test], df["StockCode"].to_numpy()[test])
    return train, test_i, catalog, cold


@pytest.fixture(scope="module")
def fitted(demo):
    train, _, catalog, _ = demo
    reports = []
    model = LMRecommender(**FAST).fit(train, catalog=catalog, progress=reports.append)
    model.reports = reports
    return model


def test_fit_ranks_never_sold_items_by_their_text_and_learns_sold_ones(fitted, demo):
    train, _, catalog, cold = demo
    model = fitted
    scores = model.score(np.arange(train.n_users))
    assert scores.shape == (train.n_users, train.n_items) and np.isfinite(scores).all()
    sold = np.bincount(train.item_idx, minlength=train.n_items) > 0
    np.testing.assert_array_equal(model.warm_, sold)
    cold_idx = np.flatnonzero(np.isin(train.item_ids, cold))
    assert len(cold_idx) == 20 and not sold[cold_idx].any()
    assert np.abs(scores[:, cold_idx]).max() > 0          # never-sold items are scored by their text
    # two phases: head epochs then adapter epochs, every record kept
    assert model.epochs_run_ == FAST["epochs"] + FAST["tune_epochs"]
    assert model.reports and all(0.0 <= p.fraction <= 1.0 for p in model.reports if p.fraction is not None)
    # the adapters were trained: LoRA B matrices start at zero and moved
    b = [v for k, v in model._state().items() if k.startswith("adapter.") and "lora_B" in k]
    assert b and any(np.abs(v).max() > 0 for v in b)


def test_save_load_keeps_scores_checks_the_base_hash_and_never_pickles(fitted, demo, tmp_path):
    train = demo[0]
    d = fitted.save(tmp_path / "m")
    assert sorted(p.name for p in d.iterdir()) == ["config.json", "ids.json", "weights.safetensors"]
    loaded = Recommender.load(d)
    users = np.arange(train.n_users)
    np.testing.assert_array_equal(loaded.score(users), fitted.score(users))
    # the language model is rebuilt from the verified base + saved adapters: same item vectors
    module = loaded.language_module()
    with torch.no_grad():
        rebuilt = module.all_item_vectors().numpy()
    np.testing.assert_allclose(rebuilt, fitted.item_vectors_, atol=1e-5)
    config = json.loads((d / "config.json").read_text())
    assert config["extra"]["encoder"] == "all-MiniLM-L6-v2" and len(config["extra"]["texts"]) == train.n_items
    bad = tmp_path / "bad"
    shutil.copytree(d, bad)
    config["extra"]["encoder_sha256"] = "0" * 64
    (bad / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="sha256"):
        Recommender.load(bad)


@pytest.mark.parametrize("edit", [{"user": "attention", "blocks": 100_000}, {"user": "attention", "max_len": 300_000_000},
                                  {"user": "attention", "max_len": 4000}, {"user": "attention", "heads": 16}])
def test_a_saved_config_is_checked_before_a_module_is_built(fitted, tmp_path, monkeypatch, edit):
    """Issue 21: a model folder or project file is untrusted; its sizes must not decide an allocation."""
    from engine.models.lm import model as lm_model
    d = fitted.save(tmp_path / "m")
    config = json.loads((d / "config.json").read_text())
    config["params"].update(edit)
    (d / "config.json").write_text(json.dumps(config))
    real = lm_model.CausalEncoder.__init__

    def init(self, *a, **kw):
        assert torch.empty(0).device.type == "meta", "a real module was built from the file's numbers"
        real(self, *a, **kw)
    monkeypatch.setattr(lm_model.CausalEncoder, "__init__", init)
    with pytest.raises(ModelError):
        Recommender.load(d)


def test_cancel_before_training_raises(demo):
    train, _, catalog, _ = demo
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        LMRecommender(**FAST).fit(train, catalog=catalog, cancel=token)


def test_bad_parameters_and_missing_catalog_are_clear_errors(demo):
    with pytest.raises(ModelError, match="tune_layers"):
        LMRecommender(tune_layers=7)
    with pytest.raises(ModelError, match="user must be"):
        LMRecommender(user="max")
    with pytest.raises(ModelError, match="catalog"):
        LMRecommender(**FAST).fit(demo[0])


def test_words_of_groups_tokens_into_whole_words():
    text = "WHITE T-LIGHT  HOLDER"
    offsets = np.array([[0, 0], [0, 5], [6, 7], [7, 8], [8, 13], [15, 21], [0, 0]])
    words, spans, token_word, read = words_of(text, offsets)
    assert words == ("WHITE", "T-LIGHT", "HOLDER")
    assert [text[s:e] for s, e in spans] == list(words)
    np.testing.assert_array_equal(token_word, [-1, 0, 1, 1, 1, 2, -1])
    assert read.all()
    _, _, _, read = words_of(text, offsets[:3])            # cut by the token limit
    np.testing.assert_array_equal(read, [True, True, False])


def test_word_explanation_is_complete_and_names_words_and_purchases(fitted, demo):
    train, _, catalog, cold = demo
    model = fitted
    assert has_word_explanations(model)
    user = train.user_ids[0]
    item = cold[0]                                             # a never-sold product: all text
    ex = explain(model, user, item, "words", catalog=catalog)
    assert ex.method == "words" and len(ex.words) == len(ex.values) == len(ex.spans) > 0
    assert [ex.text[s:e] for s, e in ex.spans] == list(ex.words)
    gap = abs(ex.values.sum() - (ex.target - ex.baseline))
    assert gap <= 0.02 * abs(ex.target - ex.baseline) + 1e-6    # integrated gradients' completeness
    u = model.user_index(user)
    assert ex.target == pytest.approx(float(model.score([u])[0, model.item_ids_.tolist().index(item)]), abs=5e-3)
    h = ex.history
    assert len(h.keys) == len(model.history_items(u)) and np.isfinite(h.values).all()
    assert abs(h.values.sum() - (h.target - h.baseline)) <= 0.02 * abs(h.target - h.baseline) + 1e-6
    assert json.dumps(ex.to_dict())


def test_word_deletion_gives_aopc_against_random(fitted, demo):
    _, test, _, _ = demo
    res = deletion_test(fitted, test, methods=["words"], users=4, k=3, steps=4, seed=0)
    assert res.word_pairs > 0 and set(res.word_aopc) == {"words", "random"}
    assert res.word_curves["words"].shape == (5,) and res.word_curves["words"][0] == 0
    assert res.score("words")[3] == "words of the item's text replaced by padding"


def test_merge_int8_and_fewer_layers(fitted, demo, tmp_path):
    train = demo[0]
    merged = LMCompressed.from_teacher(fitted, _spec("merge"))
    np.testing.assert_allclose(merged.item_vectors_, fitted.item_vectors_, atol=2e-3)
    int8 = LMCompressed.from_teacher(fitted, _spec("int8"))
    full = fitted.runtime_bytes()
    assert full / int8.runtime_bytes() > 3.5                  # int8 linear layers and embedding rows
    cos = (int8.item_vectors_ * fitted.item_vectors_).sum(1) / (
        np.linalg.norm(int8.item_vectors_, axis=1) * np.linalg.norm(fitted.item_vectors_, axis=1) + 1e-12)
    assert np.median(cos) > 0.95 and not has_word_explanations(int8)
    small = LMCompressed.from_teacher(fitted, _spec("layers:2,epochs=2"))
    assert small.runtime_bytes() < full and small._student
    for model in (int8, small):
        loaded = Recommender.load(model.save(tmp_path / model.params["method"].replace(":", "_").replace(",", "_")))
        users = np.arange(train.n_users)
        np.testing.assert_array_equal(loaded.score(users), model.score(users))
        assert loaded.runtime_bytes() == model.runtime_bytes()
    with pytest.raises(ModelError, match="layers"):
        LMCompressed(method="layers:6")


def test_compress_api_offers_the_language_model_methods(fitted, demo):
    from engine.compress import compress, methods_for
    train, test, _, _ = demo
    assert methods_for(fitted) == ["merge", "int8", "layers:3", "layers:3+int8"]
    with pytest.raises(EngineError, match="does not apply"):
        compress(fitted, "topk:10", train=train)
    res = compress(fitted, "int8", train=train, test=test)
    assert res.report.size_ratio > 3.0 and res.model.name == "lm_compressed"


def _spec(text):
    from engine.compress.spec import parse_method
    return parse_method(text)


def test_validation_calibrates_text_match_and_new_product_offset(demo):
    train, test, catalog, cold = demo
    model = LMRecommender(**FAST).fit(train, catalog=catalog, valid=test)
    weights, bias = model.text_weights_, model.item_bias_
    assert len(np.unique(weights[model.warm_])) == 1 and len(np.unique(weights[~model.warm_])) == 1
    assert (bias[model.warm_] == 0).all() and np.isfinite(bias).all()
    users, items, b = model.factor_tables()                      # score = U Vᵀ + b exactly
    np.testing.assert_allclose(users @ items.T + b, model.score(np.arange(train.n_users)), rtol=1e-5, atol=1e-5)
    history = model.history_items(0)
    np.testing.assert_allclose(model.score_histories([history])[0], model.score_histories([history])[0])
    cold_idx = np.flatnonzero(np.isin(train.item_ids, cold))
    assert not model.warm_[cold_idx].any()
