"""Data profile: sizes, density, long tail, user activity, time span and value statistics."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.data.interactions import Interactions, sorted_ids
from engine.progress import check, emit

_TAIL_POINTS = 256


@dataclass
class Profile:
    """Summary of an Interactions.

    n_pairs: distinct user–item pairs; density = n_pairs / (n_users * n_items).
    tail_x, tail_y: (m,) long-tail curve: fraction of items (most popular first) vs cumulative
      share of events, at most 256 points from (1/n_items, ...) to (1, 1).
    activity_edges: (b+1,) log-spaced bin edges of events per user; activity_counts: (b,) users.
    time_min, time_max: ISO-8601 UTC strings, or None without timestamps.
    values: min/max/mean/std of the values, and counts per distinct value when there are <= 20.
    """

    n_events: int
    n_pairs: int
    n_users: int
    n_items: int
    density: float
    tail_x: np.ndarray
    tail_y: np.ndarray
    top20_share: float
    activity_edges: np.ndarray
    activity_counts: np.ndarray
    events_per_user: dict[str, float]
    events_per_item: dict[str, float]
    time_min: str | None
    time_max: str | None
    value_kind: str
    values: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {}
        for k, v in self.__dict__.items():
            out[k] = v.tolist() if isinstance(v, np.ndarray) else v
        return out


def _stats(x: np.ndarray) -> dict[str, float]:
    if len(x) == 0:
        return {"min": 0.0, "median": 0.0, "mean": 0.0, "max": 0.0}
    return {"min": float(x.min()), "median": float(np.median(x)), "mean": float(x.mean()), "max": float(x.max())}


def profile(inter: Interactions, *, progress=None, cancel=None) -> Profile:
    """Profile ``inter`` (vectorised; about a second per 10 million events)."""
    n_users, n_items, n = inter.n_users, inter.n_items, inter.n_events
    emit(progress, 0.0, "counting pairs", "profile")
    check(cancel)
    n_pairs = len(sorted_ids(inter.user_idx.astype(np.int64) * max(n_items, 1) + inter.item_idx))
    emit(progress, 0.5, "long tail and activity", "profile")
    check(cancel)
    per_item = np.bincount(inter.item_idx, minlength=n_items)
    per_user = np.bincount(inter.user_idx, minlength=n_users)
    pop = np.sort(per_item)[::-1]
    cum = np.cumsum(pop) / max(n, 1)
    if n_items:
        at = np.unique(np.round(np.linspace(0, n_items - 1, min(n_items, _TAIL_POINTS))).astype(int))
        tail_x, tail_y = (at + 1) / n_items, cum[at]
        top20_share = float(cum[max(int(np.ceil(0.2 * n_items)) - 1, 0)])
    else:
        tail_x = tail_y = np.zeros(0)
        top20_share = 0.0
    active = per_user[per_user > 0]
    hi = max(int(active.max()) if len(active) else 1, 1)
    edges = np.unique(np.round(np.logspace(0, np.log10(hi + 1), 21)).astype(np.int64))
    if len(edges) < 2:
        edges = np.array([1, 2])
    counts, _ = np.histogram(active, bins=edges)
    tmin = tmax = None
    if inter.timestamps is not None and n:
        tmin, tmax = (pd.Timestamp(int(t), unit="s", tz="UTC").isoformat()
                      for t in (inter.timestamps.min(), inter.timestamps.max()))
    emit(progress, 0.8, "values", "profile")
    check(cancel)
    vals = inter.values.astype(np.float64)
    values = {"min": float(vals.min()), "max": float(vals.max()), "mean": float(vals.mean()),
              "std": float(vals.std())} if n else {}
    distinct, freq = np.unique(vals, return_counts=True)
    if 0 < len(distinct) <= 20:
        values["counts"] = {f"{d:g}": int(c) for d, c in zip(distinct, freq)}
    emit(progress, 1.0, f"{n:,} events profiled", "profile")
    return Profile(n_events=n, n_pairs=n_pairs, n_users=n_users, n_items=n_items,
                   density=n_pairs / (n_users * n_items) if n_users and n_items else 0.0,
                   tail_x=tail_x, tail_y=tail_y, top20_share=top20_share,
                   activity_edges=edges, activity_counts=counts,
                   events_per_user=_stats(per_user), events_per_item=_stats(per_item),
                   time_min=tmin, time_max=tmax, value_kind=inter.value_kind, values=values)
