"""What the Leaderboard shows about runs, computed here so the desktop only draws.

- ``metric_ci``: a run's mean metric with a 95 % percentile-bootstrap interval over its users.
- ``compare_runs`` / ``comparison_sentence``: paired significance of two runs in plain words.
- ``group_metrics``: a metric per user-activity group (light / medium / heavy customers) per run.
- ``item_group_metrics``: per item-popularity group, the share of recommendation slots it gets and
  the recall of its test purchases (popularity bias, fairness to niche items).
- ``run_roc``: ROC / AUC for explicit ratings, with a plain refusal when the data has none.
- ``split_key``: a short fingerprint of a split, so runs tested on different splits are not compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from engine.errors import EngineError
from engine.evaluate.significance import Comparison, metric_label, paired_comparison
from engine.progress import CancelToken, ProgressCallback, check, emit
from engine.i18n import _

#: Item popularity groups: (label, share of items), most popular first.
ITEM_GROUPS = (("top 20 % of items", 0.2), ("next 30 %", 0.3), ("bottom 50 %", 0.5))


@dataclass(frozen=True)
class MetricCI:
    """mean of ``metric`` over ``n_users`` evaluated users and its [low, high] interval
    (NaN bounds for global metrics such as coverage, which have no per-user values)."""

    metric: str
    mean: float
    low: float
    high: float
    n_users: int


def metric_ci(evaluation, metric: str, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> MetricCI:
    """Bootstrap interval of the mean of ``evaluation.per_user[metric]`` (users resampled)."""
    if metric not in evaluation.metrics:
        raise EngineError(f"the run has no metric '{metric}'; available: {', '.join(sorted(evaluation.metrics))}")
    mean = float(evaluation.metrics[metric])
    values = evaluation.per_user.get(metric)
    if values is None:
        return MetricCI(metric, mean, math.nan, math.nan, int(evaluation.n_users_evaluated))
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if len(x) < 2 or np.all(x == x[0]):
        return MetricCI(metric, mean, mean, mean, len(x))
    boot = stats.bootstrap((x,), np.mean, n_resamples=int(n_boot), method="percentile", confidence_level=level,
                           rng=np.random.default_rng(seed), batch=max(1, 2_000_000 // len(x)))
    ci = boot.confidence_interval
    return MetricCI(metric, mean, float(ci.low), float(ci.high), len(x))


def split_key(split) -> str:
    """"temporal/seed 0/14128+2015+4040": method, seed and the event counts of train, valid, test."""
    valid = 0 if split.valid is None else split.valid.n_events
    return f"{split.method}/seed {split.seed}/{split.train.n_events}+{valid}+{split.test.n_events}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def comparison_sentence(c: Comparison) -> str:
    """E.g. "ease beats bpr on NDCG@10 for 71 % of customers (812 of 1,155 differ; ties excluded);
    the mean difference +0.031 [+0.022, +0.040] is significant (Wilcoxon p < 0.001)"."""
    label = metric_label(c.metric)
    if c.n_differ == 0:
        return _("{a} and {b} score the same {label} for all {n:,} customers").format(
            a=c.name_a, b=c.name_b, label=label, n=c.n_users)
    a_wins = c.win_share >= 0.5
    winner, loser = (c.name_a, c.name_b) if a_wins else (c.name_b, c.name_a)
    share = c.win_share if a_wins else 1.0 - c.win_share
    sign = 1.0 if a_wins else -1.0
    lo, hi = sorted((sign * c.ci_low, sign * c.ci_high))
    text = (_("{winner} beats {loser} on {label} for {share:.0f} % of customers ({differ:,} of {n:,} differ; ties "
              "excluded); the mean difference {diff:+.3f} [{lo:+.3f}, {hi:+.3f}] is significant (Wilcoxon {p})")
            if c.wilcoxon_p < c.alpha else
            _("{winner} beats {loser} on {label} for {share:.0f} % of customers ({differ:,} of {n:,} differ; ties "
              "excluded); the mean difference {diff:+.3f} [{lo:+.3f}, {hi:+.3f}] is not significant (Wilcoxon {p})"))
    return text.format(winner=winner, loser=loser, label=label, share=100 * share, differ=c.n_differ, n=c.n_users,
                       diff=sign * c.diff, lo=lo, hi=hi, p=_p_text(c.wilcoxon_p))


def compare_runs(run_a, run_b, metric: str = "ndcg@10", *, n_boot: int = 2000,
                 seed: int = 0) -> tuple[Comparison, str]:
    """Paired comparison of two ``Run``s on ``metric`` and its sentence; EngineError when they were
    tested on different splits or one has no evaluation."""
    for run in (run_a, run_b):
        if run.evaluation is None:
            raise EngineError(f"run {run.name} has no test results to compare")
    ka, kb = run_a.info.get("split_key"), run_b.info.get("split_key")
    if ka and kb and ka != kb:
        raise EngineError(f"{run_a.name} and {run_b.name} were tested on different splits ({ka} vs {kb}); "
                          "train both on the current split to compare them")
    c = paired_comparison(run_a.evaluation, run_b.evaluation, metric, n_boot=n_boot, seed=seed,
                          name_a=run_a.name, name_b=run_b.name)
    return c, comparison_sentence(c)


def group_metrics(runs, metric: str, *, n_buckets: int = 3) -> pd.DataFrame:
    """``metric`` per user-activity group (quantile buckets of training history length) per run.

    Returns columns run (name), group (e.g. "5–12 items"), n_users, value; groups light → heavy.
    """
    from engine.evaluate.groups import metrics_by_group
    frames = []
    for run in runs:
        if run.evaluation is None or metric not in run.evaluation.per_user:
            continue
        table = metrics_by_group(run.evaluation, "activity", n_buckets=n_buckets)
        frames.append(pd.DataFrame({"run": run.name, "group": table["group"], "n_users": table["n_users"],
                                    "value": table[metric].astype(np.float64)}))
    if not frames:
        return pd.DataFrame(columns=["run", "group", "n_users", "value"])
    return pd.concat(frames, ignore_index=True)


def item_groups(train) -> np.ndarray:
    """(n_items,) group index into ``ITEM_GROUPS`` by training interactions (most popular first;
    ties to the lower item index)."""
    counts = np.bincount(train.item_idx, minlength=train.n_items)
    order = np.lexsort((np.arange(train.n_items), -counts))
    bounds = np.cumsum([share for _, share in ITEM_GROUPS])[:-1]
    rank = np.empty(train.n_items, dtype=np.int64)
    rank[order] = np.arange(train.n_items)
    return np.searchsorted(np.round(bounds * train.n_items), rank, side="right")


def item_group_metrics(run, split, k: int = 10, *, batch_size: int = 1024,
                       progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> pd.DataFrame:
    """Per item-popularity group: items, share of the top-``k`` slots of evaluated users,
    share of the test purchases, and recall@k of those purchases (hit when the item is in the list).

    Returns columns group, n_items, rec_share, test_share, recall (one row per ``ITEM_GROUPS``).
    """
    from engine.evaluate.protocol import align
    if run.evaluation is None:
        raise EngineError(f"run {run.name} has no test results")
    model, train = run.model, split.train
    if model.n_items != train.n_items or model.n_users != train.n_users:
        raise EngineError(f"run {run.name} was trained on another split; train it again on the current one")
    groups = item_groups(train)
    ev = align(train, split.test)
    ok = (ev.user >= 0) & (ev.item >= 0)
    pairs = np.unique(ev.user[ok] * train.n_items + ev.item[ok])
    users = np.asarray(run.evaluation.users, dtype=np.int64)
    rec_slots = np.zeros(len(ITEM_GROUPS))
    parts: list[np.ndarray] = []
    for start in range(0, len(users), batch_size):
        check(cancel)
        rows = users[start:start + batch_size]
        rec, _ = model.recommend(rows, k, batch_size=len(rows))
        valid = rec >= 0
        rec_slots += np.bincount(groups[rec[valid]], minlength=len(ITEM_GROUPS))
        parts.append((np.broadcast_to(rows[:, None], rec.shape) * train.n_items + rec)[valid])
        emit(progress, (start + len(rows)) / max(len(users), 1), "recommending", "groups")
    hit_keys = np.concatenate(parts) if parts else np.empty(0, np.int64)
    pair_group = groups[pairs % train.n_items]
    hit = np.isin(pairs, hit_keys)
    n_pairs = np.bincount(pair_group, minlength=len(ITEM_GROUPS)).astype(np.float64)
    n_hit = np.bincount(pair_group, weights=hit, minlength=len(ITEM_GROUPS))
    return pd.DataFrame({
        "group": [label for label, _ in ITEM_GROUPS],
        "n_items": np.bincount(groups, minlength=len(ITEM_GROUPS)),
        "rec_share": rec_slots / max(rec_slots.sum(), 1.0),
        "test_share": n_pairs / max(n_pairs.sum(), 1.0),
        "recall": np.divide(n_hit, n_pairs, out=np.full(len(ITEM_GROUPS), np.nan), where=n_pairs > 0)})


def rating_threshold(values: np.ndarray) -> float:
    """The "liked" cut of a rating scale: 3/4 of the way from the lowest to the highest rating,
    rounded up to a whole star (1–5 stars -> 4; 0.5–5 -> 4)."""
    v = np.asarray(values, dtype=np.float64)
    lo, hi = float(v.min()), float(v.max())
    return float(math.ceil(lo + 0.75 * (hi - lo)))


def run_roc(run, split, threshold: float | None = None, *, progress: ProgressCallback | None = None,
            cancel: CancelToken | None = None):
    """(``RocResult``, threshold) of ``run`` on the split's test ratings (liked = rating >= ``threshold``, by default
    ``rating_threshold``); EngineError in plain words when the data holds no explicit ratings."""
    from engine.evaluate.roc import roc_auc
    kind = split.train.value_kind
    if kind != "rating":
        what = {"none": "only which items each customer bought", "quantity": "quantities, not ratings",
                "weight": "event weights, not ratings"}.get(kind, kind)
        raise EngineError(f"no ratings in this data (it holds {what}): a ROC curve needs explicit "
                          "ratings such as 1–5 stars")
    if threshold is None:
        threshold = rating_threshold(np.concatenate([split.train.values, split.test.values]))
    return roc_auc(run.model, split.train, split.test, threshold, progress=progress, cancel=cancel), threshold
