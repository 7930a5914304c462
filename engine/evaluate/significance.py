"""Paired comparison of two models on the same users: bootstrap CI, Wilcoxon, paired t-test."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from engine.data.interactions import index_of
from engine.errors import EngineError
from engine.evaluate.protocol import EvalResult
from engine.i18n import _

_NAMES = {"ndcg": "NDCG", "map": "MAP", "mrr": "MRR", "hit": "HitRate", "f1": "F1", "arp": "ARP",
          "auc": "AUC", "precision": "Precision", "recall": "Recall", "coverage": "Coverage",
          "novelty": "Novelty", "diversity": "Diversity"}


def metric_label(key: str) -> str:
    """"ndcg@10" -> "NDCG@10", "sampled_hit@10" -> "sampled HitRate@10"."""
    prefix = "sampled " if key.startswith("sampled_") else ""
    name, _rest, k = key.removeprefix("sampled_").partition("@")
    return prefix + _NAMES.get(name, name) + (f"@{k}" if k else "")


@dataclass(frozen=True)
class Comparison:
    """Paired comparison of model A and B on one per-user metric over the users both evaluated.

    diff = mean_a − mean_b; [ci_low, ci_high] its 95 % percentile-bootstrap interval; wilcoxon_p and
    ttest_p two-sided (1.0 when the two agree on every user); win_share = share of users where
    A > B among users where they differ (NaN when none differ).
    """

    metric: str
    name_a: str
    name_b: str
    mean_a: float
    mean_b: float
    diff: float
    ci_low: float
    ci_high: float
    wilcoxon_p: float
    ttest_p: float
    win_share: float
    n_users: int
    n_differ: int
    alpha: float = 0.05

    def sentence(self) -> str:
        """One plain-language line, e.g. "A beats B on NDCG@10 in 71 % of customers (of 812 whose
        scores differ); the difference is significant (p=0.003)"."""
        label = metric_label(self.metric)
        if self.n_differ == 0:
            return _("{a} and {b} score the same {label} for all {n} customers").format(
                a=self.name_a, b=self.name_b, label=label, n=self.n_users)
        a_wins = self.win_share >= 0.5
        winner, loser = (self.name_a, self.name_b) if a_wins else (self.name_b, self.name_a)
        share = self.win_share if a_wins else 1.0 - self.win_share
        p = self.wilcoxon_p
        ptxt = "p<0.001" if p < 0.001 else f"p={p:.3f}"
        text = (_("{winner} beats {loser} on {label} in {share:.0f} % of customers (of {n} whose scores differ); the "
                  "difference is significant ({p})") if p < self.alpha else
                _("{winner} beats {loser} on {label} in {share:.0f} % of customers (of {n} whose scores differ); the "
                  "difference is not significant ({p})"))
        return text.format(winner=winner, loser=loser, label=label, share=100 * share, n=self.n_differ, p=ptxt)

    def to_dict(self) -> dict:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}


def paired_comparison(a: EvalResult, b: EvalResult, metric: str = "ndcg@10", n_boot: int = 2000,
                      seed: int = 0, *, name_a: str = "A", name_b: str = "B", alpha: float = 0.05) -> Comparison:
    """Compare ``a`` and ``b`` on ``metric`` over users present in both (aligned by external id)."""
    for res, name in ((a, name_a), (b, name_b)):
        if metric not in res.per_user:
            raise EngineError(f"{name} has no per-user metric '{metric}'; "
                              f"available: {', '.join(sorted(res.per_user))}")
    perm = np.argsort(b.user_ids, kind="stable")
    pos = index_of(a.user_ids, b.user_ids[perm])
    both = pos >= 0
    pos[both] = perm[pos[both]]
    xa = np.asarray(a.per_user[metric], dtype=np.float64)[both]
    xb = np.asarray(b.per_user[metric], dtype=np.float64)[pos[both]]
    ok = ~(np.isnan(xa) | np.isnan(xb))
    xa, xb = xa[ok], xb[ok]
    n = len(xa)
    if n < 2:
        raise EngineError(f"need at least two users evaluated by both models, found {n}")
    d = xa - xb
    differ = d != 0
    n_differ = int(differ.sum())
    if n_differ == 0:
        ci_low = ci_high = 0.0
        wil_p = tt_p = 1.0
        win = float("nan")
    else:
        boot = stats.bootstrap((d,), np.mean, n_resamples=int(n_boot), method="percentile",
                               confidence_level=0.95, rng=np.random.default_rng(seed),
                               batch=max(1, 2_000_000 // n))
        ci_low, ci_high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
        wil_p = float(stats.wilcoxon(xa, xb).pvalue)
        tt = stats.ttest_rel(xa, xb).pvalue
        tt_p = float(tt) if np.isfinite(tt) else 1.0
        win = float((d > 0).sum() / n_differ)
    return Comparison(metric=metric, name_a=name_a, name_b=name_b, mean_a=float(xa.mean()),
                      mean_b=float(xb.mean()), diff=float(d.mean()), ci_low=ci_low, ci_high=ci_high,
                      wilcoxon_p=wil_p, ttest_p=tt_p, win_share=win, n_users=n, n_differ=n_differ,
                      alpha=alpha)
