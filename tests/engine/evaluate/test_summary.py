"""Leaderboard numbers: bootstrap intervals, comparison sentences, group tables, ROC refusal."""

import dataclasses
import math

import numpy as np
import pytest

from engine.data.interactions import Interactions
from engine.data.splits import split
from engine.errors import EngineError
from engine.evaluate.summary import (ITEM_GROUPS, compare_runs, comparison_sentence, group_metrics,
                                     item_group_metrics, metric_ci, rating_threshold, run_roc, split_key)
from engine.runs import train_run


@pytest.fixture(scope="module")
def parts(movielens_like):
    """All 400 generated users' ratings, 20 % per user held out."""
    return split(movielens_like.interactions(), "random", test_frac=0.2, seed=0)


@pytest.fixture(scope="module")
def runs(parts):
    out = [train_run("ease", {"l2": 200.0}, parts, name="EASE"), train_run("pop", {}, parts, name="Popular")]
    for r in out:
        r.info["split_key"] = split_key(parts)
    return out


def test_metric_ci_brackets_the_mean(runs):
    ev = runs[0].evaluation
    ci = metric_ci(ev, "ndcg@10", n_boot=2000)
    x = ev.per_user["ndcg@10"]
    assert ci.low < ci.mean < ci.high and ci.mean == pytest.approx(x.mean())
    normal = 1.96 * x.std() / math.sqrt(len(x))          # the CLT half-width, for scale
    assert (ci.high - ci.low) / 2 == pytest.approx(normal, rel=0.15)
    assert metric_ci(ev, "ndcg@10", n_boot=2000) == ci      # seeded
    cov = metric_ci(ev, "coverage@10")
    assert math.isnan(cov.low) and cov.mean == ev.metrics["coverage@10"]
    with pytest.raises(EngineError, match="no metric"):
        metric_ci(ev, "ndcg@7")


def test_comparison_sentence_names_the_winner_either_way(runs):
    ease, pop = runs
    c, text = compare_runs(ease, pop, "ndcg@10")
    c2, text2 = compare_runs(pop, ease, "ndcg@10")
    assert text.startswith("EASE beats Popular on NDCG@10 for ") and text2.startswith("EASE beats Popular")
    assert f"{100 * c.win_share:.0f} % of customers" in text
    assert f"{c.diff:+.3f} [{c.ci_low:+.3f}, {c.ci_high:+.3f}]" in text
    assert f"{c2.diff:+.3f}" not in text2 and f"{-c2.diff:+.3f}" in text2     # winner minus loser
    assert "significant (Wilcoxon p" in text and text == comparison_sentence(c)


def test_compare_refuses_runs_of_different_splits(runs):
    ease, pop = runs
    other = dataclasses.replace(pop, info={"split_key": "temporal/seed 0/1+0+1"})
    with pytest.raises(EngineError, match="different splits"):
        compare_runs(ease, other)


def test_group_metrics_average_back_to_the_total(runs):
    table = group_metrics(runs, "ndcg@10")
    assert list(table.columns) == ["run", "group", "n_users", "value"]
    for run in runs:
        part = table[table["run"] == run.name]
        assert len(part) == 3 and part["n_users"].sum() == run.evaluation.n_users_evaluated
        weighted = (part["value"] * part["n_users"]).sum() / part["n_users"].sum()
        assert weighted == pytest.approx(run.metrics["ndcg@10"])


def test_item_groups_show_popularity_bias(runs, parts):
    ease, pop = runs
    t_pop = item_group_metrics(pop, parts, 10)
    t_ease = item_group_metrics(ease, parts, 10)
    assert list(t_pop["group"]) == [g for g, _ in ITEM_GROUPS]
    assert t_pop["n_items"].sum() == parts.train.n_items
    for t in (t_pop, t_ease):
        assert t["rec_share"].sum() == pytest.approx(1.0) and t["test_share"].sum() == pytest.approx(1.0)
    assert t_pop["rec_share"].iloc[0] == 1.0            # best sellers only
    assert t_ease["rec_share"].iloc[0] < 1.0 and t_ease["rec_share"].iloc[1:].sum() > 0


def test_rating_threshold_and_roc(runs, parts):
    assert rating_threshold(np.array([1, 2, 5])) == 4.0
    assert rating_threshold(np.array([0.5, 3.5, 5.0])) == 4.0
    roc, thr = run_roc(runs[0], parts)
    assert thr == 4.0 and 0.5 < roc.auc < 1.0 and roc.fpr[0] == 0 and roc.tpr[-1] == 1
    implicit = Interactions.from_arrays(parts.train.user_ids[parts.train.user_idx],
                                        parts.train.item_ids[parts.train.item_idx])
    fake = type(parts)(train=implicit, test=implicit)
    with pytest.raises(EngineError, match="no ratings in this data"):
        run_roc(runs[0], fake)


def test_split_key(parts):
    assert split_key(parts) == f"random/seed 0/{parts.train.n_events}+0+{parts.test.n_events}"
