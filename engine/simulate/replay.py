"""Offline evaluation of a bandit policy on logged events.

Rejection replay (Li et al. 2011): walk the log in order; the policy picks an arm; when it
equals the logged arm the event counts (reward taken, policy updated), else it is skipped. This
is unbiased when the logging policy chose arms uniformly at random. IPS / self-normalised IPS
are added for fixed policies when logging propensities are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.errors import ValidationError
from engine.progress import check, emit
from engine.simulate.policies import FixedPolicy, Policy, Thompson
from engine.i18n import _

#: Longest curve returned (points), for plotting.
MAX_POINTS = 500
#: Fewer matched events than this adds a caveat to the result.
MIN_MATCHED = 500
_CHUNK = 5000


@dataclass
class ReplayResult:
    """Replay outcome. Curves are indexed by matched step ``steps`` (shape (P,), P <= 500)."""

    policy: str
    matched: int
    events: int
    mean_reward: float
    ci: tuple[float, float]
    steps: np.ndarray                 # (P,) matched-step number (1-based)
    cumulative_reward: np.ndarray     # (P,) total reward after that many matched steps
    mean_reward_curve: np.ndarray     # (P,) running mean reward per matched step
    regret: np.ndarray                # (P,) best-arm mean * steps - cumulative reward
    best_arm: int
    best_arm_mean: float
    exploration_share: float          # matched steps where the choice was not the greedy arm
    arm_counts: np.ndarray            # (K,) matched plays per arm
    ips: float | None = None
    snips: float | None = None
    caveat: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready dict (curves as lists)."""
        return {"policy": self.policy, "matched": self.matched, "events": self.events,
                "mean_reward": self.mean_reward, "ci": list(self.ci), "ips": self.ips, "snips": self.snips,
                "best_arm": self.best_arm, "best_arm_mean": self.best_arm_mean,
                "exploration_share": self.exploration_share, "arm_counts": self.arm_counts.tolist(),
                "caveat": self.caveat, "steps": self.steps.tolist(),
                "cumulative_reward": self.cumulative_reward.tolist(),
                "mean_reward_curve": self.mean_reward_curve.tolist(), "regret": self.regret.tolist(), **self.extra}


def ips_estimates(chosen_prob: np.ndarray, propensity: np.ndarray, rewards: np.ndarray) -> tuple[float, float]:
    """IPS and self-normalised IPS of a policy: ``chosen_prob`` (n,) is its probability of the
    logged arm, ``propensity`` (n,) the logging policy's; returns (ips, snips)."""
    p = np.asarray(propensity, np.float64)
    if np.any(~(p > 0)) or np.any(p > 1):
        raise ValidationError(_("logging propensities must be in (0, 1]"))
    w = np.asarray(chosen_prob, np.float64) / p
    ips = float(np.mean(w * rewards)) if len(w) else float("nan")
    snips = float(np.sum(w * rewards) / w.sum()) if w.sum() > 0 else float("nan")
    return ips, snips


def _downsample(n: int) -> np.ndarray:
    """Indices (0-based) of at most MAX_POINTS evenly spaced steps, last one included."""
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(np.int64))


def replay(policy: Policy, arms, rewards, n_arms: int, *, propensity=None, seed: int | None = 0,
           progress=None, cancel=None) -> ReplayResult:
    """Replay ``policy`` over logged ``arms`` (n,) int in [0, n_arms) with ``rewards`` (n,) float
    in log order. ``propensity`` (n,) optional logging probability of each logged arm."""
    arms = np.asarray(arms, np.int64)
    rewards = np.asarray(rewards, np.float64)
    n = len(arms)
    if rewards.shape != arms.shape:
        raise ValidationError(_("{n} logged arms but {rewards} rewards").format(n=n, rewards=len(rewards)))
    if n and (arms.min() < 0 or arms.max() >= n_arms):
        raise ValidationError(_("logged arms must be in [0, {n_arms})").format(n_arms=n_arms))
    if not np.all(np.isfinite(rewards)):
        raise ValidationError(_("rewards must be finite numbers"))
    policy.reset(n_arms, seed)
    if isinstance(policy, Thompson):
        policy.binary = bool(np.all((rewards == 0) | (rewards == 1)))

    ips = snips = None
    if isinstance(policy, FixedPolicy):
        choice = policy.choices(n)
        hit = np.flatnonzero(choice == arms)
        greedy_flags = np.ones(len(hit), bool)
        if propensity is not None:
            ips, snips = ips_estimates((choice == arms).astype(np.float64), propensity, rewards)
        emit(progress, 1.0, "replayed", "simulate")
    else:
        hit_list: list[int] = []
        greedy_list: list[bool] = []
        for start in range(0, n, _CHUNK):
            check(cancel)
            for t in range(start, min(start + _CHUNK, n)):
                a = policy.select(t)
                if a == arms[t]:
                    greedy_list.append(a == policy.greedy())
                    policy.update(a, rewards[t])
                    hit_list.append(t)
            emit(progress, min(start + _CHUNK, n) / max(n, 1), "replaying", "simulate", matched=len(hit_list))
        hit = np.asarray(hit_list, np.int64)
        greedy_flags = np.asarray(greedy_list, bool)

    got = rewards[hit]
    m = len(got)
    cum = np.cumsum(got)
    steps = np.arange(1, m + 1)
    counts = np.bincount(arms, minlength=n_arms)
    arm_means = np.bincount(arms, weights=rewards, minlength=n_arms) / np.maximum(counts, 1)
    best = int(np.argmax(arm_means))
    idx = _downsample(m)
    mean = float(got.mean()) if m else float("nan")
    half = 1.96 * float(got.std(ddof=1)) / np.sqrt(m) if m > 1 else float("nan")
    caveat = None
    if m < MIN_MATCHED:
        caveat = (_("Only {m} of {n} logged events matched the policy's choices; the estimate is noisy (wide "
                    "interval). Log more events or use fewer arms.").format(m=m, n=n))
    return ReplayResult(
        policy=policy.name, matched=m, events=n, mean_reward=mean, ci=(float(mean - half), float(mean + half)),
        steps=steps[idx], cumulative_reward=cum[idx], mean_reward_curve=(cum / np.maximum(steps, 1))[idx],
        regret=(arm_means[best] * steps - cum)[idx], best_arm=best, best_arm_mean=float(arm_means[best]),
        exploration_share=float(1.0 - greedy_flags.mean()) if m else 0.0,
        arm_counts=np.bincount(arms[hit], minlength=n_arms), ips=ips, snips=snips, caveat=caveat)
