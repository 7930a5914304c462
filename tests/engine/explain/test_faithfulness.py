"""Deletion tests on generated MovieLens-like data: every method beats random deletion of what it
ranks (history items, input features, latent factors), curves run from 0 to 1 (SHAP's to Σφ/Σ|φ|),
and the batched feature code agrees with the per-recommendation explanations the Explain pane shows."""

import numpy as np
import pytest

from engine.errors import Cancelled, EngineError
from engine.explain import shap_explain
from engine.explain.faithfulness import deletion_methods, deletion_test, deletion_tests
from engine.explain.feature_deletion import (SHAP_BACKGROUND, SHAP_SEED, _shap_part, background_margins,
                                             feature_deletion, feature_gradients, present_masks)
from engine.explain.gradients import integrated_gradients, saliency, tower_inputs
from engine.explain.types import Faithfulness
from engine.progress import CancelToken

TESTS = Faithfulness.TESTS


def _parts(result, test):
    """(pairs, curves, aopc) of one test, read from the fields (empty when it scored nothing)."""
    prefix = "" if test == "history" else f"{test}_"
    return tuple(getattr(result, f"{prefix}{name}") for name in ("pairs", "curves", "aopc"))


@pytest.mark.parametrize("name", ["ease", "itemknn", "ials", "bpr", "sasrec", "twotower"])
def test_every_method_beats_random_deletion(name, ml_models, ml_split):
    model = ml_models[name]
    result = deletion_test(model, ml_split[1], users=55, k=4, steps=10, seed=0)
    tests = deletion_tests(model)
    assert sorted(m for v in tests.values() for m in v) == sorted(deletion_methods(model))
    for test, methods in tests.items():
        pairs, curves, aopc = _parts(result, test)
        if not methods:
            assert pairs == 0 and aopc == {} and test not in result.tests()
            continue
        assert result.tests()[test] == (pairs, curves, aopc)
        assert set(aopc) == set(methods) | {"random"} and pairs >= 200, (test, pairs)
        for method, value in aopc.items():
            assert len(curves[method]) >= 2 and abs(curves[method][0]) < 1e-6
            if method != "random":
                assert value > aopc["random"], (name, test, aopc)
                assert result.score(method)[:3] == (value, aopc["random"], pairs)
    if name == "twotower":
        assert {"saliency", "ig", "shap", "latent"} <= set(deletion_methods(model))
    if name in ("ials", "bpr"):
        assert tests["factor"] == ["latent"]


@pytest.mark.parametrize("name, steps, methods", [("twotower", 64, ["saliency", "ig", "shap", "latent"]),
                                                   ("bpr", 64, ["latent"]), ("ials", 64, ["latent"]),
                                                   ("ease", 2000, None)])
def test_curves_end_at_one_when_every_unit_is_deleted(name, steps, methods, ml_models, ml_split):
    model = ml_models[name]
    result = deletion_test(model, ml_split[1], methods=methods, users=25, k=3, steps=steps, seed=1)
    n_units = {"feature": len(model.feature_names() if hasattr(model, "feature_names") else []), "shap": len(model.feature_names() if hasattr(model, "feature_names") else []),
               "factor": getattr(model, "item_factors_", np.empty((0, 0))).shape[1], "history": steps}
    checked = 0
    for test in TESTS:
        pairs, curves, _ = _parts(result, test)
        for method, curve in curves.items():
            assert curve.shape == (min(steps, n_units[test]) + 1,), (test, method)
            assert curve[0] == pytest.approx(0.0, abs=1e-9), (name, test, method, curve)
            if test != "shap":              # normalised by Σ|SHAP| instead: see the next test
                assert curve[-1] == pytest.approx(1.0, abs=1e-4), (name, test, method, curve)
            checked += 1
    assert checked >= 2


def test_shap_curves_end_at_the_sum_of_its_values_over_their_total(ml_models):
    """SHAP's deletion ends, with every feature from the background, at (target − baseline) / Σ|φ|
    of the explanation the pane shows (= Σφ / Σ|φ|), and both of its curves share that end."""
    model = ml_models["twotower"]
    users, items = np.array([0, 7, 42, 300]), np.array([49, 180, 99, 1])
    found = feature_deletion(model, users, items, ["shap"], k=10, steps=64, seed=0)
    drops, skipped = found["shap"]
    assert set(found) == {"shap"} and skipped == 0
    pane = [shap_explain.explain_shap(model, model.user_ids_[u], model.item_ids_[i], k=10)
            for u, i in zip(users, items)]
    expected = np.array([(a.target - a.baseline) / np.abs(a.values).sum() for a in pane])
    for curve in ("shap", "random"):
        assert drops[curve].shape == (4, len(model.feature_names()) + 1)
        np.testing.assert_allclose(drops[curve][:, 0], 0.0, atol=1e-12)
        np.testing.assert_allclose(drops[curve][:, -1], expected, rtol=1e-6, atol=1e-9)


def test_feature_attributions_match_the_explain_pane(ml_models):
    model = ml_models["twotower"]
    users, items = np.array([0, 7, 42]), np.array([49, 180, 99])
    x, bias = tower_inputs(model, users, items)
    for method, explain in (("saliency", saliency), ("ig", integrated_gradients)):
        batched = feature_gradients(model.towers(), method, x, bias)
        single = np.stack([explain(model, int(u), int(i)).values for u, i in zip(users, items)])
        np.testing.assert_allclose(batched, single, rtol=1e-4, atol=1e-5)
    game = shap_explain.ShapGame(model, SHAP_BACKGROUND, SHAP_SEED)
    refs = shap_explain.threshold_items(model, users, items, 10)
    phi, _ = _shap_part(game, users, items, refs)
    pane = [shap_explain.explain_shap(model, model.user_ids_[u], model.item_ids_[i], k=10).values
            for u, i in zip(users, items)]
    np.testing.assert_allclose(phi, np.stack(pane), atol=1e-9)


def test_shap_deletion_by_enumeration_equals_direct_rescoring(ml_models):
    """The exact path reads deleted coalitions from SHAP's game table; large games re-score them
    through ``feature_forward``: both must give the same margins."""
    model = ml_models["twotower"]
    rng = np.random.default_rng(3)
    users, items = rng.choice(model.n_users, 6), rng.choice(model.n_items, 6)
    game = shap_explain.ShapGame(model, SHAP_BACKGROUND, SHAP_SEED)
    refs = shap_explain.threshold_items(model, users, items, 10)
    f = game.n_features
    orders = rng.permuted(np.tile(np.arange(f), (6, 2, 1)), axis=2)
    present = present_masks(orders, f + 1).reshape(6, -1, f)
    _, table = _shap_part(game, users, items, refs)
    direct = background_margins(game, users, items, refs, present)
    np.testing.assert_allclose(table(present), direct, rtol=1e-5, atol=1e-4)
    assert np.ptp(direct) > 0.1


def test_games_too_large_to_enumerate_take_the_sampled_path(ml_models, monkeypatch):
    monkeypatch.setattr(shap_explain, "EXACT_MAX", 1)
    model = ml_models["twotower"]
    users, items = np.array([3, 5, 8]), np.array([10, 20, 30])
    drops, skipped = feature_deletion(model, users, items, ["shap"], k=10, steps=64, seed=0)["shap"]
    game = shap_explain.ShapGame(model, SHAP_BACKGROUND, SHAP_SEED)
    assert not game.exact and skipped == 0
    phi, target, baseline = game.explain(users, items, shap_explain.threshold_items(model, users, items, 10))
    for curve in ("shap", "random"):
        np.testing.assert_allclose(drops[curve][:, 0], 0.0, atol=1e-12)
        np.testing.assert_allclose(drops[curve][:, -1], (target - baseline) / np.abs(phi).sum(1), rtol=1e-4, atol=1e-5)


def test_seeded_and_validated(ml_models, ml_split):
    model = ml_models["ease"]
    a = deletion_test(model, ml_split[1], users=20, k=3, seed=5)
    b = deletion_test(model, ml_split[1], users=20, k=3, seed=5)
    assert a.aopc == b.aopc and a.pairs == 60
    with pytest.raises(EngineError, match="cannot deletion-test 'ig'.*contributions"):
        deletion_test(model, ml_split[1], methods=["ig"])
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        deletion_test(model, ml_split[1], users=5, cancel=token)
    seen = []
    deletion_test(model, ml_split[1], users=3, k=2, progress=seen.append)
    assert seen and seen[-1].fraction == 1.0 and np.isfinite(a.curves["random"]).all()


def test_feature_and_factor_tests_are_seeded(ml_models, ml_split):
    model = ml_models["twotower"]
    kw = dict(users=30, k=5, methods=["saliency", "ig", "shap", "latent"])
    a, b = deletion_test(model, ml_split[1], seed=2, **kw), deletion_test(model, ml_split[1], seed=2, **kw)
    c = deletion_test(model, ml_split[1], seed=3, **kw)
    assert a.to_dict() == b.to_dict()
    assert a.pairs == 0 and a.aopc == {} and a.feature_pairs > 0 and a.factor_pairs > 0
    assert (a.feature_aopc["random"], a.factor_aopc["random"]) != (c.feature_aopc["random"], c.factor_aopc["random"])
    only = deletion_test(model, ml_split[1], seed=2, users=30, k=5, methods=["latent"])
    assert only.factor_aopc == a.factor_aopc and only.feature_aopc == {} and only.shap_pairs == 0
    assert only.score("shap") is None and only.score("latent")[3] == "latent factors zeroed"


def test_feature_test_honours_cancel_and_reports_progress(ml_models, ml_split):
    model = ml_models["twotower"]
    token, seen = CancelToken(), []

    def progress(p):
        seen.append(p.fraction)
        token.cancel()

    with pytest.raises(Cancelled):
        deletion_test(model, ml_split[1], users=60, k=10, methods=["saliency"], progress=progress, cancel=token)
    assert len(seen) == 1 and 0 < seen[0] < 1
    seen.clear()
    deletion_test(model, ml_split[1], users=60, k=10, methods=["ig", "latent"],
                  progress=lambda p: seen.append(p.fraction))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and len(seen) >= 3
