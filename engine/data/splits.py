"""Train/test(/validation) splits: per-user random hold-out, global temporal cut, leave-last-out.

``train`` is re-indexed over its own users and items (+ extra_items), because the protocol's
candidates are the training items; ``test``/``valid`` are Interactions over their own ids (the
evaluator maps them by external id).

Validation events are TRAINING events: ``valid`` is a subset of ``train``, held out only while a
model chooses its epoch count (``Recommender.fit`` fits on ``without(train, valid)``, then refits
on all of ``train``). Every user's validation items are therefore excluded from that user's
rankings, as DESIGN.md's protocol requires for the items a user has in training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.data.interactions import Interactions, sorted_ids
from engine.errors import SchemaError
from engine.progress import check, emit

METHODS = ("random", "temporal", "leave-last")


@dataclass
class Split:
    """train / test / valid parts and how they were made (method, seed, fractions, relevant types).

    ``valid`` is a subset of ``train`` (projects saved before 2026-11 stored it apart from train;
    ``without(train, valid)`` serves both).
    """

    train: Interactions
    test: Interactions
    valid: Interactions | None = None
    warnings: list[str] = field(default_factory=list)
    method: str = "random"
    seed: int = 0
    test_frac: float = 0.2
    valid_frac: float = 0.0
    relevant_events: list[str] | None = None   # event types kept in test/valid (None: all events)


def _part(inter: Interactions, mask: np.ndarray, extra_items=None) -> Interactions:
    """The events where ``mask``, re-indexed over their own users and items (+ extra_items)."""
    ts = None if inter.timestamps is None else inter.timestamps[mask]
    if extra_items is not None:
        return Interactions.from_arrays(inter.user_ids[inter.user_idx[mask]], inter.item_ids[inter.item_idx[mask]],
                                        inter.values[mask], ts, value_kind=inter.value_kind, extra_items=extra_items)
    # A subset of sorted ids is sorted: keep the present ones and renumber, in O(n) (re-sorting
    # the external ids of millions of events takes seconds and cannot be cancelled).
    u, i = inter.user_idx[mask], inter.item_idx[mask]
    users = np.flatnonzero(np.bincount(u, minlength=inter.n_users))
    items = np.flatnonzero(np.bincount(i, minlength=inter.n_items))
    new_u = np.zeros(inter.n_users, dtype=np.int32)
    new_u[users] = np.arange(len(users), dtype=np.int32)
    new_i = np.zeros(inter.n_items, dtype=np.int32)
    new_i[items] = np.arange(len(items), dtype=np.int32)
    return Interactions(inter.user_ids[users], inter.item_ids[items], new_u[u], new_i[i], inter.values[mask], ts,
                        inter.value_kind)


def _rank_in_user(user_idx: np.ndarray, *keys: np.ndarray, n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """(rank (n,) of each event within its user by ``keys`` (last key sorts first), counts (n_users,))."""
    n = len(user_idx)
    order = np.lexsort((*keys, user_idx))
    counts = np.bincount(user_idx, minlength=n_users)
    starts = np.cumsum(counts) - counts
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[user_idx[order]]
    return rank, counts


def _rank_by_permutation(user_idx: np.ndarray, key: np.ndarray, n_users: int, cancel=None, report=None,
                         step: int = 1 << 18) -> tuple[np.ndarray, np.ndarray]:
    """``_rank_in_user(user_idx, key)`` for a ``key`` that is a permutation of 0..n-1, in chunks of
    ``step`` events with a cancel check and ``report(fraction)`` between them (one lexsort of
    millions of events cannot be interrupted, and takes seconds)."""
    n = len(user_idx)
    by_key = np.empty(n, dtype=np.int64)
    by_key[key] = np.arange(n)                       # the events in key order
    seen = np.zeros(n_users, dtype=np.int64)         # events of each user ranked so far
    rank = np.empty(n, dtype=np.int64)
    for start in range(0, n, step):
        check(cancel)
        events = by_key[start:start + step]
        u = user_idx[events]
        order = np.argsort(u, kind="stable")
        su = u[order]
        pos = np.arange(len(su))
        group_start = np.maximum.accumulate(np.where(np.r_[True, su[1:] != su[:-1]], pos, 0))
        within = np.empty(len(su), dtype=np.int64)
        within[order] = pos - group_start
        rank[events] = within + seen[u]
        seen += np.bincount(u, minlength=n_users)
        if report is not None:
            report(min(start + step, n) / max(n, 1))
    return rank, seen


def _half_up(x: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5).astype(np.int64)


def split(inter: Interactions, method: str = "random", test_frac: float = 0.2, seed: int = 0,
          valid_frac: float = 0.0, extra_items=None, *, relevant: np.ndarray | None = None,
          events: np.ndarray | None = None, progress=None, cancel=None) -> Split:
    """Split events into train / test (/ valid).

    random: each user's events are shuffled with ``seed``; round(test_frac * n) go to test and
      round(valid_frac * n) to valid, always leaving >= 1 in train (single-event users stay in train).
    temporal: one global cut so that ~test_frac of events are at or after it (ties go to test),
      and a second cut before it for valid.
    leave-last: each user's last event by time goes to test (users with >= 2 events); with
      valid_frac > 0 the second-to-last goes to valid (users with >= 3 events).
    extra_items: ids added to the training item universe (e.g. catalog items).
    relevant: (n_events,) bool over ``inter``'s events, which count as relevant in a test set (e.g.
      purchases, not views). Test events that are not relevant are LEFT OUT of test — not moved to
      train (in a temporal split they lie after the cut) — and a warning counts them; validation
      events that are not relevant stay in train and are no validation targets.
    events: (n_events,) event-type labels, used only to name the left-out types in that warning.
    progress / cancel: reported and checked between steps and between chunks of events.
    """
    if method not in METHODS:
        raise SchemaError(f"unknown split method {method!r} (choose {', '.join(METHODS)})")
    if not (0.0 <= test_frac < 1.0 and 0.0 <= valid_frac < 1.0 and test_frac + valid_frac < 1.0):
        raise SchemaError("test_frac and valid_frac must be in [0, 1) and sum to less than 1")
    n = inter.n_events
    if relevant is not None and np.shape(relevant) != (n,):
        raise SchemaError(f"the relevant-event mask has shape {np.shape(relevant)}, not ({n},)")
    warnings: list[str] = []
    emit(progress, 0.0, f"splitting {n:,} events", "split")
    check(cancel)
    pos = np.arange(n)
    if method == "random":
        rng = np.random.default_rng(seed)
        rank, counts = _rank_by_permutation(inter.user_idx, rng.permutation(n), inter.n_users, cancel,
                                            lambda f: emit(progress, 0.3 * f, "shuffling each user's events", "split"))
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
    if not (~test & ~valid).any():
        raise SchemaError("the split leaves no training events")
    train_mask = ~test                   # validation events are training events (module docstring)
    if relevant is not None:
        test, valid = _keep_relevant(test, valid, np.asarray(relevant, dtype=bool), events, warnings)
    emit(progress, 0.3, "checking leakage", "split")
    check(cancel)
    warnings += _leakage(inter, train_mask, test, method)
    emit(progress, 0.5, "building train", "split")
    check(cancel)
    train = _part(inter, train_mask, extra_items)
    emit(progress, 0.8, "building test", "split")
    check(cancel)
    test_part = _part(inter, test)
    check(cancel)
    valid_part = _part(inter, valid) if valid_frac > 0 else None
    emit(progress, 1.0, f"train {train.n_events:,}, test {test_part.n_events:,} events", "split")
    kept = None if relevant is None or events is None else \
        [str(e) for e in np.unique(np.asarray(events, dtype=object)[np.asarray(relevant, dtype=bool)])]
    return Split(train=train, test=test_part, valid=valid_part, warnings=warnings, method=method, seed=seed,
                 test_frac=float(test_frac), valid_frac=float(valid_frac), relevant_events=kept)


def _keep_relevant(test: np.ndarray, valid: np.ndarray, relevant: np.ndarray, events, warnings: list[str]):
    """(test & relevant, valid & relevant); a warning counts (and names) the events taken out of each."""
    if test.any() and not (test & relevant).any():
        raise SchemaError("no relevant event falls in the test part: choose more event types as relevant")
    for part, tail in ((test, "left out of the test part (they are not used for training either)"),
                       (valid, "kept for training but not used as validation targets")):
        out = part & ~relevant
        if not out.any():
            continue
        types = ""
        if events is not None:
            names, counts = np.unique(np.asarray(events, dtype=object)[out].astype(str), return_counts=True)
            types = f" ({', '.join(names[np.argsort(-counts, kind='stable')].tolist())})"
        warnings.append(f"{int(out.sum()):,} non-relevant events{types} {tail}")
    return test & relevant, valid & relevant


def _leakage(inter: Interactions, train: np.ndarray, test: np.ndarray, method: str) -> list[str]:
    out = []
    key = inter.user_idx.astype(np.int64) * inter.n_items + inter.item_idx
    test_pairs = sorted_ids(key[test])
    train_pairs = np.sort(key[train])   # searchsorted: np.isin is ~50x slower on millions of keys
    at = np.minimum(np.searchsorted(train_pairs, test_pairs), max(len(train_pairs) - 1, 0))
    repeated = int((train_pairs[at] == test_pairs).sum()) if len(train_pairs) else 0
    if repeated:
        out.append(f"{repeated:,} of {len(test_pairs):,} test user–item pairs also occur in training "
                   "(repeat interactions); as seen items they are excluded from the ranking and cannot be hit")
    if method == "temporal":
        n = inter.n_users
        cold = int(((np.bincount(inter.user_idx[test], minlength=n) > 0)
                    & (np.bincount(inter.user_idx[train], minlength=n) == 0)).sum())
        if cold:
            out.append(f"{cold:,} test users have no training events (cold users): the leaderboard's metrics leave "
                       "them out and count them as cold users; the Inspector and its Export all lists give "
                       "them the popular items, labelled as that fallback")
    return out


def without(inter: Interactions, part: Interactions | None) -> Interactions:
    """``inter``'s events minus every event of a user–item pair that occurs in ``part`` (matched by
    external id), in ``inter``'s id universe: what a model fits on while ``part`` validates it."""
    if part is None or part.n_events == 0:
        return inter
    from engine.data.interactions import index_of
    n_items = np.int64(inter.n_items)
    u = index_of(part.user_ids, inter.user_ids)[part.user_idx]
    i = index_of(part.item_ids, inter.item_ids)[part.item_idx]
    held = np.unique(u[(u >= 0) & (i >= 0)] * n_items + i[(u >= 0) & (i >= 0)])
    if not len(held):
        return inter
    keys = inter.user_idx.astype(np.int64) * n_items + inter.item_idx
    at = np.minimum(np.searchsorted(held, keys), len(held) - 1)
    return inter.subset(held[at] != keys)


def carve_validation(inter: Interactions, frac: float, seed: int, method: str = "random") -> Interactions:
    """Validation events held out of ``inter`` by ``split`` (``method``: random share ``frac`` of each
    user's events, or each user's last event for leave-last); fit on ``without(inter, valid)``."""
    return split(inter, method, test_frac=frac, seed=seed, extra_items=inter.item_ids).test


def write_split(parts: Split, out_dir) -> Path:
    """Write train.csv, test.csv (+ valid.csv, a subset of train.csv): columns user, item, rating[, timestamp]."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, inter in (("train", parts.train), ("test", parts.test), ("valid", parts.valid)):
        if inter is not None:
            inter.to_frame().to_csv(out / f"{name}.csv", index=False)
    return out
