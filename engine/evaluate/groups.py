"""Per-group breakdown of an ``EvalResult``: by a user → label mapping or by activity buckets."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from engine.data.interactions import index_of, normalize_ids, sorted_ids
from engine.errors import EngineError
from engine.evaluate.protocol import EvalResult
from engine.i18n import _

#: Label of evaluated users that the mapping does not mention.
UNASSIGNED = "(unassigned)"


def activity_labels(n_train_items: np.ndarray, n_buckets: int = 4) -> pd.Categorical:
    """Quantile buckets of users' training history lengths (n,), labelled "3–17 items" (in the interface
    language).

    Equal-count bins (fewer when many users share a length); ordered from light to heavy users.
    """
    counts = pd.Series(np.asarray(n_train_items, dtype=np.int64))
    codes, edges = pd.qcut(counts, q=n_buckets, labels=False, retbins=True, duplicates="drop")
    bins = []
    for b in range(len(edges) - 1):
        members = counts[codes == b]
        lo, hi = int(members.min()), int(members.max())
        one = _("{n} item") if lo == 1 else _("{n} items")
        bins.append(one.format(n=lo) if lo == hi else _("{lo}–{hi} items").format(lo=lo, hi=hi))
    return pd.Categorical.from_codes(codes.to_numpy(dtype=np.int64), categories=bins, ordered=True)


def metrics_by_group(result: EvalResult, groups="activity", *, n_buckets: int = 4) -> pd.DataFrame:
    """Mean of every per-user metric per group.

    groups: "activity" (quantile buckets of training history length), or a mapping / Series from
    external user id to group label; evaluated users it omits form the group "(unassigned)".
    Returns a DataFrame with columns group, n_users, then one column per metric (NaN-aware means),
    one row per group (activity buckets light → heavy, labels otherwise sorted).
    """
    n = result.n_users_evaluated
    if isinstance(groups, str):
        if groups != "activity":
            raise EngineError(f"unknown grouping '{groups}'; use 'activity' or a user → group mapping")
        labels = activity_labels(result.n_train_items, n_buckets) if n else pd.Categorical([])
    elif isinstance(groups, (Mapping, pd.Series)):
        mapping = pd.Series(groups) if isinstance(groups, Mapping) else groups
        keys = normalize_ids(mapping.index.to_numpy())
        universe = sorted_ids(keys)
        label_of = pd.Series(mapping.to_numpy(), index=index_of(keys, universe)).groupby(level=0).last()
        pos = index_of(result.user_ids, universe)
        found = pos >= 0
        raw = np.full(n, UNASSIGNED, dtype=object)
        raw[found] = label_of.reindex(pos[found]).astype(str).to_numpy()
        cats = sorted(set(raw[found].tolist())) + ([UNASSIGNED] if not found.all() else [])
        labels = pd.Categorical(raw, categories=cats, ordered=True)
    else:
        raise EngineError("groups must be 'activity' or a mapping from user id to group")
    frame = pd.DataFrame({k: v for k, v in result.per_user.items()})
    frame.insert(0, "group", labels)
    out = frame.groupby("group", observed=True, sort=True).agg(["mean"]) if n else frame.iloc[:0]
    if n:
        out.columns = [c[0] for c in out.columns]
        sizes = frame.groupby("group", observed=True, sort=True).size()
        out.insert(0, "n_users", sizes.astype(np.int64))
        out = out.reset_index()
        out["group"] = out["group"].astype(str)
    else:
        out = pd.DataFrame(columns=["group", "n_users", *result.per_user])
    return out
