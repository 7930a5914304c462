"""``Interactions``: user–item events mapped to internal indices, with a CSR view.

Internal ids follow docs/ARCHITECTURE.md: users and items are indexed in the sorted order of their external
ids (numeric order when every id is an integer, else string order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from engine.errors import SchemaError

#: value_kind: what ``values`` hold.
VALUE_KINDS = ("none", "rating", "quantity", "weight")


def normalize_ids(values) -> np.ndarray:
    """External ids as an int64 array when every id is an integer, else as a str object array.

    values: (n,) anything array-like. Strings such as "0042" stay strings (leading zeros matter).
    """
    arr = pd.Series(values)
    if pd.api.types.is_integer_dtype(arr.dtype) and not arr.isna().any():
        if not (arr.dtype.kind == "u" and len(arr) and arr.max() >= 2**63):  # else int64 would wrap
            return arr.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(arr.dtype):
        vals = arr.to_numpy()
        if (len(vals) and np.all(np.isfinite(vals)) and np.all(vals == np.round(vals))
                and np.all(np.abs(vals) < 2.0**63)):
            return vals.astype(np.int64)
    as_str = arr.astype(str).str.strip()
    ints = pd.to_numeric(as_str, errors="coerce")
    canonical = len(as_str) and ints.dtype.kind == "i" and (as_str == ints.astype(str)).all()
    if canonical:
        return ints.to_numpy(dtype=np.int64)
    return as_str.to_numpy(dtype=object)


def sorted_ids(ids: np.ndarray) -> np.ndarray:
    """Unique ids in protocol order. ids: (n,) int64 or str object array -> (k,) same kind.

    Numbers are sorted, then deduplicated: numpy 2.4's hash-based ``np.unique`` takes ~100x longer
    on millions of distinct values.
    """
    if ids.dtype == object:
        return np.array(sorted(set(ids.tolist())), dtype=object)
    s = np.sort(ids)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s


def concat_ids(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Concatenate two id arrays; the result is str-typed if either is."""
    if a.dtype == object or b.dtype == object:
        return np.concatenate([a.astype(str).astype(object), b.astype(str).astype(object)])
    return np.concatenate([a, b])


def index_of(ids: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """Position of each id in the sorted ``universe``, -1 when absent. (n,) -> (n,) int64."""
    if len(universe) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    if universe.dtype == object or ids.dtype == object:
        if universe.dtype != object:  # str ids can never match an all-integer universe
            return np.full(len(ids), -1, dtype=np.int64)
        lookup = {v: i for i, v in enumerate(universe.tolist())}
        keys = ids.tolist() if ids.dtype == object else [str(v) for v in ids.tolist()]
        return np.fromiter((lookup.get(v, -1) for v in keys), dtype=np.int64, count=len(ids))
    pos = np.searchsorted(universe, ids)
    pos = np.clip(pos, 0, len(universe) - 1)
    return np.where(universe[pos] == ids, pos, -1).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Interactions:
    """Events in internal index space.

    user_ids: (n_users,) external user ids, sorted; position = internal index.
    item_ids: (n_items,) external item ids, sorted; the candidate items.
    user_idx, item_idx: (n_events,) int32 internal indices of each event.
    values: (n_events,) float32 rating / quantity / confidence weight (1.0 when the data has none).
    timestamps: (n_events,) int64 seconds since the epoch, or None.
    value_kind: one of VALUE_KINDS.
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    user_idx: np.ndarray
    item_idx: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray | None = None
    value_kind: str = "none"

    @classmethod
    def from_arrays(cls, users, items, values=None, timestamps=None, *, value_kind: str = "none",
                    user_ids: np.ndarray | None = None, item_ids: np.ndarray | None = None,
                    extra_items=None) -> "Interactions":
        """Build from external-id event arrays (n,).

        user_ids / item_ids: fixed id universe to map into (events with unknown ids are dropped);
        default: the sorted unique ids of the events. extra_items: ids added to the item universe
        (e.g. catalog items without events, which become candidates).
        """
        users = normalize_ids(users)
        items = normalize_ids(items)
        n = len(users)
        if len(items) != n:
            raise SchemaError("user and item columns have different lengths")
        if user_ids is None:
            user_ids = sorted_ids(users)
        if item_ids is None:
            base = items if extra_items is None else concat_ids(items, normalize_ids(extra_items))
            item_ids = sorted_ids(base)
        u = index_of(users, user_ids)
        i = index_of(items, item_ids)
        keep = (u >= 0) & (i >= 0)
        vals = np.ones(n, dtype=np.float32) if values is None else np.asarray(values, dtype=np.float32)
        ts = None if timestamps is None else np.asarray(timestamps, dtype=np.int64)
        return cls(user_ids=user_ids, item_ids=item_ids, user_idx=u[keep].astype(np.int32),
                   item_idx=i[keep].astype(np.int32), values=vals[keep],
                   timestamps=None if ts is None else ts[keep], value_kind=value_kind)

    @classmethod
    def from_frame(cls, df: pd.DataFrame, user: str = "user", item: str = "item",
                   value: str | None = "rating", timestamp: str | None = "timestamp",
                   **kwargs) -> "Interactions":
        """Build from a long DataFrame; missing optional columns are ignored."""
        for col in (user, item):
            if col not in df.columns:
                raise SchemaError(f"missing column '{col}'", column=col)
        vals = df[value].to_numpy() if value and value in df.columns else None
        ts = df[timestamp].to_numpy() if timestamp and timestamp in df.columns else None
        kind = kwargs.pop("value_kind", "rating" if vals is not None else "none")
        return cls.from_arrays(df[user].to_numpy(), df[item].to_numpy(), vals, ts,
                               value_kind=kind, **kwargs)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_events(self) -> int:
        return len(self.user_idx)

    @cached_property
    def csr(self) -> sp.csr_matrix:
        """(n_users, n_items) float32; duplicate user–item events have their values summed."""
        m = sp.csr_matrix((self.values, (self.user_idx, self.item_idx)),
                          shape=(self.n_users, self.n_items), dtype=np.float32)
        m.sum_duplicates()
        m.sort_indices()
        return m

    @cached_property
    def seen(self) -> sp.csr_matrix:
        """(n_users, n_items) float32 binary matrix: 1 where the user has any event on the item."""
        m = self.csr.copy()
        m.data = np.ones_like(m.data)
        return m

    def to_frame(self) -> pd.DataFrame:
        """Long frame with external ids: columns user, item, rating, timestamp (when present)."""
        out = {"user": self.user_ids[self.user_idx], "item": self.item_ids[self.item_idx],
               "rating": self.values}
        if self.timestamps is not None:
            out["timestamp"] = self.timestamps
        return pd.DataFrame(out)

    def subset(self, mask: np.ndarray) -> "Interactions":
        """Same id universe, events where ``mask`` (n_events,) bool is true."""
        return Interactions(self.user_ids, self.item_ids, self.user_idx[mask], self.item_idx[mask],
                            self.values[mask], None if self.timestamps is None else self.timestamps[mask],
                            self.value_kind)
