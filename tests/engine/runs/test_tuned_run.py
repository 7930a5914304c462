"""tune_run: search on the validation part, refit the best as a 'tuned' run."""

import pytest

from engine.data.splits import split
from engine.errors import ModelError
from engine.runs.tuned import tune_run


def test_tune_run_keeps_the_best_trial(ml_split):
    reports = []
    run = tune_run("itemknn", {"use_values": False}, ml_split, n_trials=3, progress=reports.append)
    tuning = run.info["tuning"]
    assert run.kind == "tuned" and run.name == "itemknn tuned"
    assert len(tuning["trials"]) == 3 and tuning["stopped"] == "budget"
    best = max(tuning["trials"], key=lambda t: t["value"])
    assert tuning["best_value"] == best["value"]
    assert {k: run.params[k] for k in best["params"]} == best["params"]
    assert run.params["use_values"] is False and run.evaluation is not None
    trials = [p.metrics for p in reports if p.stage == "tune"]
    assert [int(m["trial"]) for m in trials] == [1, 2, 3]
    assert {"param.k", "param.shrink"} <= set(trials[0])


def test_tune_run_needs_a_validation_part(ml_split):
    no_valid = split(ml_split.train, "random", test_frac=0.2, seed=0)
    with pytest.raises(ModelError, match="validation"):
        tune_run("ease", {}, no_valid, n_trials=1)
