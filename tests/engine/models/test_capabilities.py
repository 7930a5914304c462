"""The capability contract: every capability a registered model declares really works, checked on
the bundled demo data (no ../shared needed). A new model is checked here by registering it.

Also: explanations, compression and diagnostics decide by capabilities, never by a model's name —
a model class that is not registered and has a name no code knows gets exactly what its protocols
promise.
"""

import numpy as np
import pytest
import torch

from engine.compress.api import kinds_for
from engine.data import open_dataset
from engine.data.interactions import Interactions
from engine.diagnostics.weights import gradient_stats, training_batch
from engine.explain.api import explain, methods_for
from engine.explain.gradients import tower_inputs, tower_scores
from engine.models import registry
from engine.models.base import Recommender
from engine.models.capabilities import CAPABILITIES, capabilities_of, supports
from engine.models.item_item import ItemItemScoring

MODELS = registry.available()
USERS = (0, 7, 42)


@pytest.fixture(scope="module")
def demo(repo):
    """(Interactions of the demo's 250 most active customers with timestamps, its catalog)."""
    ds = open_dataset(repo / "resources" / "demo" / "online_retail_demo.csv")
    inter = ds.interactions
    counts = np.bincount(inter.user_idx, minlength=inter.n_users)
    keep = np.isin(inter.user_idx, np.argsort(-counts, kind="stable")[:250])
    sub = Interactions.from_arrays(inter.user_ids[inter.user_idx[keep]], inter.item_ids[inter.item_idx[keep]],
                                   inter.values[keep], inter.timestamps[keep], value_kind=inter.value_kind)
    return sub, ds.catalog


@pytest.fixture(scope="module")
def fitted(demo):
    """name -> the registry model fitted on the demo slice with its fast params (once per module)."""
    train, catalog = demo
    cache = {}

    def get(name):
        if name not in cache:
            cls = registry.get(name)
            cache[name] = cls(**cls.fast_params).fit(train, catalog=catalog)
        return cache[name]
    return get


def having(capability: str) -> list[str]:
    return [n for n in MODELS if capability in registry.get(n).capabilities]


def _model(fitted, name, capability):
    model = fitted(name)
    if not supports(model, capability):
        pytest.skip(f"this fitted {name} switched {capability} off ({sorted(model.unavailable)})")
    return model


def test_every_registered_model_declares_known_capabilities_only():
    for name in MODELS:
        cls = registry.get(name)
        assert cls.capabilities <= set(CAPABILITIES) and cls.title and cls.description, name


@pytest.mark.parametrize("name", having("history"))
def test_history_scores(name, fitted):
    model = _model(fitted, name, "history")
    hists = [model.history_of(u) for u in USERS] + [np.empty(0, np.int64)]
    s = model.score_histories(hists)
    assert s.shape == (len(hists), model.n_items) and np.isfinite(s).all()
    if model.personalised:
        assert not np.allclose(s[0], s[1]), "two different histories get the same scores"


@pytest.mark.parametrize("name", having("contributions"))
def test_contributions_sum_to_the_score(name, fitted):
    model = _model(fitted, name, "contributions")
    for u in USERS:
        hist = model.history_of(u)
        item = int(np.argmax(model.score_histories([hist])[0]))
        values, score, base = model.contribution_values(item, hist)
        assert values.shape == (len(hist),)
        assert score == pytest.approx(float(model.score_histories([hist])[0, item]), rel=1e-5, abs=1e-6)
        assert values.sum() == pytest.approx(score - base, rel=1e-4, abs=1e-5)
        assert isinstance(model.contribution_note(u, item, score), str)


@pytest.mark.parametrize("name", having("latent"))
def test_latent_terms_sum_to_the_score_minus_the_offset(name, fitted):
    model = _model(fitted, name, "latent")
    users = np.array(USERS)
    items = np.array([3, 11, 29])
    terms = model.latent_values(users, items)
    scores = model.score(users)[np.arange(3), items]
    np.testing.assert_allclose(terms.sum(1) + model.item_offsets()[items], scores, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", having("embeddings"))
def test_embeddings_have_one_row_per_entity(name, fitted):
    model = _model(fitted, name, "embeddings")
    items = model.embeddings("item")
    users = model.embeddings("user", np.array([0, 5]))
    assert items.shape[0] == model.n_items and users.shape == (2, items.shape[1])
    assert np.isfinite(items).all() and np.isfinite(users).all() and model.embedding_note()


@pytest.mark.parametrize("name", having("attention"))
def test_attention_is_causal_and_rows_sum_to_one(name, fitted):
    model = _model(fitted, name, "attention")
    u = USERS[1]
    w = model.attention(u)
    h = len(model.history_of(u))
    assert w.shape[2:] == (h, h)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    assert np.allclose(np.triu(w, 1), 0.0)


@pytest.mark.parametrize("name", having("history_gradients"))
def test_history_inputs_reproduce_the_score(name, fitted):
    model = _model(fitted, name, "history_gradients")
    hist = model.history_of(USERS[0])
    x, fn = model.history_inputs(5, hist)
    assert x.shape[0] == len(hist)
    with torch.no_grad():
        got = float(fn(x[None])[0])
    assert got == pytest.approx(float(model.score_histories([hist])[0, 5]), rel=1e-4, abs=1e-4)


@pytest.mark.parametrize("name", having("history_ig"))
def test_closed_form_ig_is_complete(name, fitted):
    model = _model(fitted, name, "history_ig")
    hist = model.history_of(USERS[2])
    values, score, base = model.history_ig(9, hist)
    assert values.shape == (len(hist),)
    assert values.sum() == pytest.approx(score - base, rel=0.05, abs=1e-4)


@pytest.mark.parametrize("name", having("features"))
def test_feature_view_scores_like_the_model(name, fitted):
    model = _model(fitted, name, "features")
    users, items = np.array(USERS), np.array([2, 4, 8])
    x = model.feature_matrix(users, items)
    assert x.shape == (3, len(model.feature_names()))
    expected = model.score(users)[np.arange(3), items]
    np.testing.assert_allclose(model.feature_forward(x), expected, rtol=1e-4, atol=1e-5)
    e, bias = tower_inputs(model, users, items)
    with torch.no_grad():
        got = tower_scores(model.towers(), e[:, None], bias)[:, 0].numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", having("rescoring"))
def test_rescoring_equals_scoring_the_shorter_history(name, fitted):
    model = _model(fitted, name, "rescoring")
    hist = model.history_of(USERS[0])
    r = model.history_rescorer(hist)
    np.testing.assert_allclose(r.full, model.score_histories([hist])[0], rtol=1e-4, atol=1e-4)
    without = [tuple(range(2)), (len(hist) - 1, 0)]
    expected = model.score_histories([np.delete(hist, list(w)) for w in without]).astype(np.float64)
    np.testing.assert_allclose(r.removed(without), expected, rtol=1e-3, atol=1e-4)
    order = np.arange(len(hist))[::-1]
    items = np.array([1, 6])
    got = r.deletion_scores(items, [order, order], np.array([0, 2]))
    np.testing.assert_allclose(got[:, 1], model.score_histories([hist[:-2]] * 2)[[0, 1], items],
                               rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("name", having("factor_tables"))
def test_factor_tables_rebuild_the_scores(name, fitted):
    model = _model(fitted, name, "factor_tables")
    u, v, b = model.factor_tables()
    np.testing.assert_allclose(u[list(USERS)] @ v.T + b, model.score(list(USERS)), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", having("objective"))
def test_diagnostics_use_the_training_loss(name, fitted, demo):
    """The loss the Diagnostics pane shows is the model's own training loss on the same batch."""
    model = _model(fitted, name, "objective")
    train, _ = demo
    batch = training_batch(model, train, 64, seed=3)
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(3)                                # the same dropout draws as the diagnostics'
        expected = float(model.batch_loss(model.training_module(), batch))
    _, loss, n = gradient_stats(model, train, batch_size=64, seed=3)
    assert np.isfinite(loss) and loss == pytest.approx(expected, rel=1e-6) and n == len(batch[0])


def test_twotower_diagnostics_use_the_full_softmax_it_trains_with(demo):
    """With more negatives than items the two-tower model trains on the full softmax: so must the
    diagnostics (a separate copy of the loss once always sampled)."""
    train, catalog = demo
    model = registry.create("twotower", factors=8, epochs=1, negatives=10 * train.n_items, text=False,
                            device="cpu").fit(train, catalog=catalog)
    batch = training_batch(model, train, 64, seed=0)
    m = model.training_module()
    u, i, neg = batch
    assert len(neg) == 0
    uv = m.user(u[:, None].expand(-1, m.user.n_inputs))
    full = torch.nn.functional.cross_entropy(uv @ m.item.all().T + m.bias, i)
    reg = model.params["reg"] * uv.pow(2).sum(-1).add(m.item(i[:, None].expand(-1, m.item.n_inputs))
                                                          .pow(2).sum(-1)).mean()
    assert gradient_stats(model, train, batch_size=64, seed=0)[1] == pytest.approx(float((full + reg).detach()),
                                                                             rel=1e-5)


class _Cooccurrence(ItemItemScoring, Recommender):
    """A model the app has never heard of: W = co-occurrence counts with a zero diagonal."""

    name = "cooccurrence_test_model"
    title = "Co-occurrence"

    def _fit(self, interactions, *, catalog, valid, progress, cancel):
        x = self.seen_.astype(np.float32)
        w = (x.T @ x).toarray()
        np.fill_diagonal(w, 0.0)
        self.weights_ = w

    def item_item_rows(self, rows):
        return self.weights_[np.asarray(rows, np.int64)]

    def item_item_product(self, x):
        return np.asarray(x @ self.weights_, np.float32)

    def _state(self):
        return {"weights": self.weights_}


def test_an_unknown_model_gets_what_its_protocols_promise(demo):
    train, catalog = demo
    model = _Cooccurrence().fit(train)
    assert capabilities_of(model) == {"history", "contributions", "rescoring"}
    assert methods_for(model) == ["contributions", "counterfactual"]
    user, item = model.user_ids_[0], model.item_ids_[int(model.recommend([0], 1)[0][0, 0])]
    a = explain(model, user, item, "contributions", catalog=catalog)
    assert a.values.sum() == pytest.approx(a.target - a.baseline, rel=1e-5)
    assert kinds_for(model) == ()                         # no compressor applies to it: none is offered
