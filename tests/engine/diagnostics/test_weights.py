"""Weight and one-batch gradient histograms of fitted models (generated MovieLens-like slice)."""

import numpy as np
import pytest

from engine.errors import ModelError
from engine.models import registry
from engine.diagnostics.weights import gradient_stats, inspect_model, weight_stats


@pytest.fixture(scope="module")
def bpr(ml_split):
    return registry.create("bpr", factors=8, epochs=2, reg=1e-4).fit(ml_split.train, valid=ml_split.valid)


def test_weight_histograms_match_the_saved_arrays(bpr):
    stats = {s.name: s for s in weight_stats(bpr, bins=30)}
    assert set(stats) == {"user_factors", "item_factors", "item_bias"}
    uf = stats["user_factors"]
    assert uf.shape == bpr.user_factors_.shape and uf.n_values == bpr.user_factors_.size
    assert uf.counts.sum() == uf.n_values and len(uf.edges) == 31
    assert uf.mean == pytest.approx(float(bpr.user_factors_.astype(np.float64).mean()))
    assert uf.std == pytest.approx(float(bpr.user_factors_.astype(np.float64).std()))


def test_bpr_gradients_of_one_batch(bpr, ml_split):
    before = bpr.item_factors_.copy()
    grads, loss, n = gradient_stats(bpr, ml_split.train, batch_size=256, seed=1)
    names = [g.name for g in grads]
    assert sorted(names) == ["item_bias", "item_factors", "user_factors"]   # saved names
    assert n == 256 and 0 < loss < 1.0   # BPR loss after training is below log(2)
    uf = next(g for g in grads if g.name == "user_factors")
    rows = uf.n_values // bpr.params["factors"]
    assert 0 < rows <= 256 and "rows used by the batch" in uf.note   # embeddings: touched rows only
    assert all(g.counts.sum() == g.n_values and np.isfinite(g.std) and g.std > 0 for g in grads)
    np.testing.assert_array_equal(bpr.item_factors_, before)   # the model is not changed
    again, loss2, _ = gradient_stats(bpr, ml_split.train, batch_size=256, seed=1)
    assert loss2 == loss and [g.std for g in again] == [g.std for g in grads]


def test_sasrec_gradients_cover_every_layer(ml_split):
    model = registry.create("sasrec", epochs=1, hidden=16, max_len=20, blocks=1).fit(ml_split.train)
    result = inspect_model(model, ml_split.train)
    weight_names = {w.name for w in result.weights}
    grad_names = {g.name for g in result.gradients}
    assert "item.weight" in grad_names and "blocks.0.attn.query.weight" in grad_names
    assert grad_names <= weight_names
    assert result.loss > 0 and "one batch" in result.gradient_note


def test_closed_form_models_say_why_there_are_no_gradients(ml_split):
    ease = registry.create("ease", l2=200.0).fit(ml_split.train)
    result = inspect_model(ease, ml_split.train)
    assert result.gradients is None and "closed form" in result.gradient_note
    (w,) = result.weights
    assert w.shape == (ease.n_items, ease.n_items) and "extreme" in w.note   # clipped tails
    with pytest.raises(ModelError, match="closed form"):
        gradient_stats(ease, ml_split.train)


def test_gradient_reading_in_plain_words():
    """The reading behind the Diagnostics headline: healthy, vanishing, exploding, or none."""
    from engine.diagnostics.weights import Inspection, LayerStats, gradient_reading
    edges, counts = np.linspace(-1, 1, 3), np.array([1, 1])

    def layer(name, std):
        return LayerStats(name, (2,), 2, 0.0, std, -1.0, 1.0, edges, counts)
    weights = [layer("a", 0.5), layer("b", 0.5)]
    assert gradient_reading(Inspection(weights, [layer("a", 1e-3), layer("b", 1e-2)], "")) [0] == "healthy"
    status, text = gradient_reading(Inspection(weights, [layer("a", 0.0), layer("b", 1e-2)], ""))
    assert status == "vanishing" and "1 of 2 layers" in text and "(a)" in text
    status, text = gradient_reading(Inspection(weights, [layer("a", float("nan")), layer("b", 1e-2)], ""))
    assert status == "exploding" and "lower the learning rate" in text
    assert gradient_reading(Inspection(weights, None, "no gradients"))[0] == "none"
