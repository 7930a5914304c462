"""compress / sweep / methods_for / pareto_points: report consistency, errors, cancel, progress."""

import json

import numpy as np
import pytest

from engine.compress import (CompressReport, compress, compressed_run, kinds_for, methods_for, pareto_points,
                             parse_method, sweep)
from engine.compress.report import relative_change
from engine.data.interactions import Interactions
from engine.errors import Cancelled, EngineError
from engine.progress import CancelToken


@pytest.fixture(scope="module")
def ease_int8(teacher, ml_split):
    return compress(teacher("ease"), "int8", train=ml_split.train, test=ml_split.test, ks=(5, 10))


def test_report_fields_are_consistent(ease_int8, teacher, ml_split):
    r = ease_int8.report
    assert isinstance(r, CompressReport) and r.method == "int8"
    assert (r.model_before, r.model_after) == ("ease", "ease_compressed")
    assert r.size_bytes_after < r.size_bytes_before and r.size_ratio > 2.5
    n = ml_split.train.n_items
    assert r.params_before == n * n and r.params_after == n * n + n           # int8 values + one scale per column
    assert r.peak_memory_before > 0 and r.peak_memory_after > 0 and r.memory_method in ("rss", "tracemalloc")
    assert r.latency_ms_per_1k_before > 0 and r.latency_ms_per_1k_after > 0
    assert r.users_timed == ml_split.train.n_users
    assert {"ndcg@10", "recall@10", "ndcg@5"} <= set(r.metrics_before) == set(r.metrics_after)
    for key, change in r.relative_change.items():
        if change is not None:
            assert change == pytest.approx(r.metrics_after[key] / r.metrics_before[key] - 1)
    assert abs(r.relative_change["ndcg@10"]) < 0.02
    assert ease_int8.evaluation.metrics["ndcg@10"] == r.metrics_after["ndcg@10"]
    d = json.loads(json.dumps(r.to_dict()))
    for key in ("size_bytes_before", "size_bytes_after", "metrics_before", "metrics_after",
                "latency_ms_per_1k_before", "latency_ms_per_1k_after", "params_before", "peak_memory_after"):
        assert key in d
    assert d["capabilities_after"] == ["contributions", "embeddings", "history", "rescoring"] and d["size_ratio"] == pytest.approx(r.size_ratio)


def test_embedding_tables_shrink_with_int8(teacher, ml_split):
    r = compress(teacher("bpr"), "int8", train=ml_split.train, test=ml_split.test).report
    f = teacher("bpr").params["factors"]
    assert r.embedding_ratio == pytest.approx(4 * f / (f + 4), rel=1e-6)      # float32 -> int8 + a scale per row
    assert r.model_after == "mf_compressed" and r.capabilities_after == ("embeddings", "factor_tables")
    d = compress(teacher("bpr"), "distill:dim=4,epochs=1", train=ml_split.train).report
    assert d.model_after == "bpr" and d.params_ratio < 0.5 and d.metrics_after == {} and d.relative_change == {}


def test_sweep_and_pareto_points(teacher, ml_split):
    reports = sweep(teacher("ease"), ["int8", "topk:30", "lowrank:8"], train=ml_split.train, test=ml_split.test)
    assert [r.method for r in reports] == ["int8", "topk:30", "lowrank:8"]
    assert len({r.size_bytes_before for r in reports}) == 1                  # the original is measured once
    points = pareto_points(reports)
    assert points[0]["method"] == "original" and len(points) == 4
    for p in points:
        beaten = any(q["size_bytes"] <= p["size_bytes"] and q["value"] >= p["value"] and q != p
                     and (q["size_bytes"] < p["size_bytes"] or q["value"] > p["value"]) for q in points)
        assert p["pareto"] == (not beaten)
    smallest = min(points, key=lambda p: p["size_bytes"])
    assert smallest["pareto"]
    with pytest.raises(EngineError, match="ndcg@20"):
        pareto_points(reports, "ndcg@20")


@pytest.mark.parametrize("name", ["ease", "itemknn", "bpr", "ials", "twotower", "sasrec", "pop"])
def test_methods_for_lists_applicable_specs(name, teacher):
    model = teacher(name)
    methods = methods_for(model)
    if name == "pop":
        assert methods == [] and kinds_for(model) == ()
        return
    kinds = {parse_method(m).kind for m in methods}
    assert kinds == set(kinds_for(model))


@pytest.mark.parametrize("name, method, fragment", [
    ("pop", "int8", "cannot be compressed"),
    ("bpr", "topk:10", "does not apply to model bpr"),
    ("itemknn", "lowrank:8", "does not apply to model itemknn"),
    ("bpr", "prune:0.5+int8", "+int8 applies to item"),
    ("bpr", "lowrank:64", "below the model's 16 factors"),
    ("ease", "quantum", "unknown kind"),
    ("ease", "prune:1.5", "in (0, 1)"),
])
def test_bad_or_inapplicable_method_is_an_engine_error(name, method, fragment, teacher, ml_split):
    with pytest.raises(EngineError, match=None) as err:
        compress(teacher(name), method, train=ml_split.train)
    msg = str(err.value)
    assert fragment in msg and "\n" not in msg
    if name != "pop":
        assert "int8" in msg                                                  # lists the valid choices


def test_training_data_must_match_the_model(teacher, ml_split):
    other = Interactions.from_arrays([1, 1, 2], [10, 11, 10])
    with pytest.raises(EngineError, match="not the data"):
        compress(teacher("ease"), "int8", train=other)


@pytest.mark.parametrize("method", ["int8", "distill:dim=4,epochs=1"])
def test_cancel_raises_cancelled(method, teacher, ml_split):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        compress(teacher("bpr"), method, train=ml_split.train, test=ml_split.test, cancel=token)
    with pytest.raises(Cancelled):
        sweep(teacher("ease"), ["int8"], train=ml_split.train, test=ml_split.test, cancel=token)


def test_progress_is_reported_within_bounds(teacher, ml_split):
    seen = []
    compress(teacher("sasrec"), "prune:0.5,finetune=1", train=ml_split.train, test=ml_split.test, progress=seen.append)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions and all(0.0 <= f <= 1.0 for f in fractions) and fractions[-1] == 1.0
    assert {"compress", "measure", "train"} <= {p.stage for p in seen}


def test_compressed_run_keeps_the_report(ease_int8):
    from engine.runs import Run
    parent = Run(id="p1", name="ease #1", model=None)
    run = compressed_run(parent, ease_int8)
    assert run.kind == "compressed" and run.parent == "p1" and run.model is ease_int8.model
    assert run.info["compression"]["method"] == "int8" and run.metrics["ndcg@10"] > 0


def test_relative_change_skips_zero_baselines():
    assert relative_change({"a": 0.0, "b": 0.5, "c": float("nan")}, {"a": 0.1, "b": 0.25, "c": 0.1}) == \
        {"a": None, "b": -0.5, "c": None}
    assert np.isclose(relative_change({"x": 2.0}, {"x": 3.0})["x"], 0.5)
