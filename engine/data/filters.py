"""Interaction filters. Each returns new Interactions re-indexed over the ids that remain."""

from __future__ import annotations

import numpy as np

from engine.data.interactions import Interactions
from engine.errors import SchemaError


def _reindex(inter: Interactions, mask: np.ndarray) -> Interactions:
    """Events where ``mask`` (n_events,) holds, over the users/items that still have events."""
    ts = None if inter.timestamps is None else inter.timestamps[mask]
    return Interactions.from_arrays(inter.user_ids[inter.user_idx[mask]], inter.item_ids[inter.item_idx[mask]],
                                    inter.values[mask], ts, value_kind=inter.value_kind)


def k_core(inter: Interactions, min_user: int = 5, min_item: int = 5) -> Interactions:
    """Repeatedly drop users with < min_user events and items with < min_item events until stable."""
    if min_user < 1 or min_item < 1:
        raise SchemaError("k-core thresholds must be at least 1")
    mask = np.ones(inter.n_events, dtype=bool)
    while True:
        u = np.bincount(inter.user_idx[mask], minlength=inter.n_users)
        i = np.bincount(inter.item_idx[mask], minlength=inter.n_items)
        new = mask & (u[inter.user_idx] >= min_user) & (i[inter.item_idx] >= min_item)
        if new.sum() == mask.sum():
            break
        mask = new
    return _reindex(inter, mask)


def min_value(inter: Interactions, threshold: float) -> Interactions:
    """Keep events whose value >= threshold (e.g. ratings >= 4 as positives)."""
    return _reindex(inter, inter.values >= threshold)
