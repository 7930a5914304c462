"""Train/test(/validation) splits: per-user random hold-out, global temporal cut, leave-last-out.

``train`` is re-indexed over its own users and items (+ extra_items), because the protocol's
candidates are the training items; ``test``/``valid`` are Interactions over their own ids (the
evaluator maps them by external id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.data.interactions import Interactions
from engine.errors import SchemaError

METHODS = ("random", "temporal", "leave-last")


@dataclass
class Split:
    train: Interactions
    test: Interactions
    valid: Interactions | None = None
    warnings: list[str] = field(default_factory=list)
    method: str = "random"
    seed: int = 0


def _part(inter: Interactions, mask: np.ndarray, extra_items=None) -> Interactions:
    ts = None if inter.timestamps is None else inter.timestamps[mask]
    return Interactions.from_arrays(inter.user_ids[inter.user_idx[mask]], inter.item_ids[inter.item_idx[mask]],
                                    inter.values[mask], ts, value_kind=inter.value_kind, extra_items=extra_items)


def _rank_in_user(user_idx: np.ndarray, *keys: np.ndarray, n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """(rank (n,) of each event within its user by ``keys`` (last key sorts first), counts (n_users,))."""
    n = len(user_idx)
    order = np.lexsort((*keys, user_idx))
    counts = np.bincount(user_idx, minlength=n_users)
    starts = np.cumsum(counts) - counts
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[user_idx[order]]
    return rank, counts


def _half_up(x: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5).astype(np.int64)


def split(inter: Interactions, method: str = "random", test_frac: float = 0.2, seed: int = 0,
          valid_frac: float = 0.0, extra_items=None) -> Split:
    """Split events into train / test (/ valid).

    random: each user's events are shuffled with ``seed``; round(test_frac * n) go to test and
      round(valid_frac * n) to valid, always leaving >= 1 in train (single-event users stay in train).
    temporal: one global cut so that ~test_frac of events are at or after it (ties go to test),
      and a second cut before it for valid.
    leave-last: each user's last event by time goes to test (users with >= 2 events); with
      valid_frac > 0 the second-to-last goes to valid (users with >= 3 events).
    extra_items: ids added to the training item universe (e.g. catalog items).
    """
    if method not in METHODS:
        raise SchemaError(f"unknown split method {method!r} (choose {', '.join(METHODS)})")
    if not (0.0 <= test_frac < 1.0 and 0.0 <= valid_frac < 1.0 and test_frac + valid_frac < 1.0):
        raise SchemaError("test_frac and valid_frac must be in [0, 1) and sum to less than 1")
    n = inter.n_events
    warnings: list[str] = []
    pos = np.arange(n)
    if method == "random":
        rng = np.random.default_rng(seed)
        rank, counts = _rank_in_user(inter.user_idx, rng.permutation(n), n_users=inter.n_users)
        n_test = np.minimum(_half_up(test_frac * counts), counts - 1)
        n_test[counts < 2] = 0
        n_valid = np.clip(_half_up(valid_frac * counts), 0, np.maximum(counts - 1 - n_test, 0))
        u = inter.user_idx
        test = rank < n_test[u]
        valid = ~test & (rank < (n_test + n_valid)[u])
        if inter.timestamps is not None:
            warnings.append("random split of timestamped data: training sees events that happen after "
                            "test events (future leakage); a temporal or leave-last split avoids it")
    elif method == "temporal":
        if inter.timestamps is None:
            raise SchemaError("a temporal split needs timestamps; this data has none (use random)")
        t = inter.timestamps
        st = np.sort(t)
        k_test = int(_half_up(test_frac * n))
        k_valid = int(_half_up(valid_frac * n))
        test = t >= st[n - k_test] if k_test else np.zeros(n, dtype=bool)
        valid = ~test & (t >= st[n - k_test - k_valid]) if k_valid else np.zeros(n, dtype=bool)
        if test.all() or (test | valid).all():
            raise SchemaError("every event falls at or after the temporal cut (all timestamps equal?)")
    else:
        key = inter.timestamps if inter.timestamps is not None else pos
        if inter.timestamps is None:
            warnings.append("no timestamps: leave-last takes each user's last event in file order")
        rank, counts = _rank_in_user(inter.user_idx, pos, key, n_users=inter.n_users)
        from_end = counts[inter.user_idx] - 1 - rank
        test = (from_end == 0) & (counts[inter.user_idx] >= 2)
        valid = (from_end == 1) & (counts[inter.user_idx] >= 3) if valid_frac > 0 else np.zeros(n, dtype=bool)
    train_mask = ~test & ~valid
    if not train_mask.any():
        raise SchemaError("the split leaves no training events")
    warnings += _leakage(inter, train_mask, test, method)
    return Split(train=_part(inter, train_mask, extra_items), test=_part(inter, test),
                 valid=_part(inter, valid) if valid_frac > 0 else None,
                 warnings=warnings, method=method, seed=seed)


def _leakage(inter: Interactions, train: np.ndarray, test: np.ndarray, method: str) -> list[str]:
    out = []
    key = inter.user_idx.astype(np.int64) * inter.n_items + inter.item_idx
    test_pairs = np.unique(key[test])
    repeated = int(np.isin(test_pairs, key[train]).sum())
    if repeated:
        out.append(f"{repeated:,} of {len(test_pairs):,} test user–item pairs also occur in training "
                   "(repeat interactions); as seen items they are excluded from the ranking and cannot be hit")
    if method == "temporal":
        cold = np.setdiff1d(np.unique(inter.user_idx[test]), inter.user_idx[train])
        if len(cold):
            out.append(f"{len(cold):,} test users have no training events (cold users, reported separately)")
    return out


def write_split(parts: Split, out_dir) -> Path:
    """Write train.csv, test.csv (+ valid.csv): columns user, item, rating[, timestamp]."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, inter in (("train", parts.train), ("test", parts.test), ("valid", parts.valid)):
        if inter is not None:
            inter.to_frame().to_csv(out / f"{name}.csv", index=False)
    return out
