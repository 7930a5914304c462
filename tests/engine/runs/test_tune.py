"""tune: seeded optuna search on the validation split, budget, cancel, search-space checks."""

from typing import ClassVar

import pytest

from engine.errors import ModelError
from engine.models.bpr import BPR
from engine.models.ials import IALS
from engine.progress import CancelToken
from engine.runs.tune import search_space, tune

FIXED = {"epochs": 3, "device": "cpu", "patience": 0}
SPACE = {"factors": ("int", 4, 32), "reg": ("log", 1e-3, 10.0), "alpha": ("cat", [1.0, 10.0])}


def test_three_trials_find_the_best_and_repeat_with_the_seed(ml_split):
    reports = []
    res = tune("ials", ml_split.train, ml_split.valid, n_trials=3, fixed=FIXED, space=SPACE, seed=3,
               progress=reports.append)
    assert res.model == "ials" and res.metric == "ndcg@10" and res.stopped == "budget"
    assert [t.state for t in res.trials] == ["complete"] * 3
    assert res.best_value == max(t.value for t in res.trials) > 0
    for t in res.trials:
        assert 4 <= t.params["factors"] <= 32 and 1e-3 <= t.params["reg"] <= 10 and t.params["alpha"] in (1.0, 10.0)
    assert any(p.stage == "tune" and p.metrics["trial"] == 3 for p in reports)
    again = tune(IALS, ml_split.train, ml_split.valid, n_trials=3, fixed=FIXED, space=SPACE, seed=3,
                 sampler="random")
    assert len(again.trials) == 3
    same = tune("ials", ml_split.train, ml_split.valid, n_trials=3, fixed=FIXED, space=SPACE, seed=3)
    assert [t.params for t in same.trials] == [t.params for t in res.trials]
    assert [t.value for t in same.trials] == [t.value for t in res.trials]


def test_cancel_stops_after_the_running_trial(ml_split):
    token = CancelToken()

    def progress(p):
        if p.stage == "tune":
            token.cancel()
    res = tune("ials", ml_split.train, ml_split.valid, n_trials=5, fixed=FIXED, space=SPACE,
               progress=progress, cancel=token)
    assert res.stopped == "cancelled" and sum(t.state == "complete" for t in res.trials) == 1


def test_failed_trials_are_recorded_not_fatal(ml_split):
    res = tune("ials", ml_split.train, ml_split.valid, n_trials=4, fixed=FIXED,
               space={"cg_steps": ("cat", [-1, 2])}, sampler="random", seed=1)
    states = {t.params["cg_steps"]: t.state for t in res.trials}
    assert states == {-1: "failed", 2: "complete"}
    assert all("cg_steps must be at least 1" in t.error for t in res.trials if t.state == "failed")
    assert res.best_params == {"cg_steps": 2}
    with pytest.raises(ModelError, match="every tuning trial failed; first error: model ials: cg_steps"):
        tune("ials", ml_split.train, ml_split.valid, n_trials=2, fixed=FIXED, space={"cg_steps": ("int", -3, -1)})


def test_search_spaces_of_the_factorisation_models_are_valid():
    assert set(search_space(BPR)) == {"factors", "lr", "reg", "batch_size"}
    assert set(search_space("ials")) == {"factors", "reg", "alpha", "epochs"}


class Bad(BPR):
    search_space: ClassVar[dict] = {"lr": ("log", 0.0, 1.0)}


class Unknown(BPR):
    search_space: ClassVar[dict] = {"nope": ("int", 1, 2)}


class NoSpace(BPR):
    search_space: ClassVar[dict] = {}


@pytest.mark.parametrize("cls, match", [(Bad, "low > 0"), (Unknown, "unknown parameter 'nope'"),
                                        (NoSpace, "no search space")])
def test_bad_search_spaces_are_model_errors(cls, match):
    with pytest.raises(ModelError, match=match):
        search_space(cls)


def test_budget_and_validation_are_required(ml_split):
    with pytest.raises(ModelError, match="needs a budget"):
        tune("ials", ml_split.train, ml_split.valid, n_trials=None)
    with pytest.raises(ModelError, match="non-empty validation"):
        tune("ials", ml_split.train, None, n_trials=1)
    with pytest.raises(ModelError, match="unknown sampler"):
        tune("ials", ml_split.train, ml_split.valid, n_trials=1, sampler="grid")
