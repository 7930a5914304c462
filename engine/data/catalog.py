"""``ItemCatalog``: item attributes (title, category, price, description, ...) by item id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.interactions import normalize_ids
from engine.errors import SchemaError


@dataclass
class ItemCatalog:
    """frame: one row per item, indexed by normalized external item id (int64 or str).

    roles: role -> column of ``frame`` ("title", "category", "price", "description", and extra
    attributes under their own lower-cased names, e.g. "country").
    """

    frame: pd.DataFrame
    roles: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def item_ids(self) -> np.ndarray:
        return self.frame.index.to_numpy()

    def align(self, item_ids) -> pd.DataFrame:
        """(len(item_ids), n_columns) frame, one row per id in order; NaN where absent."""
        ids = normalize_ids(item_ids) if len(item_ids) else np.asarray(item_ids)
        index = self.frame.index
        if (index.dtype == object) != (ids.dtype == object):  # int vs str ids: compare as text
            frame = self.frame.set_axis(pd.Index(index.astype(str).to_numpy(dtype=object), dtype=object))
            out = frame.reindex(pd.Index(ids.astype(str), dtype=object))
            return out.set_axis(pd.Index(ids, dtype=ids.dtype))
        return self.frame.reindex(pd.Index(ids, dtype=ids.dtype))

    def column(self, role: str) -> str | None:
        return self.roles.get(role)

    def titles(self, item_ids) -> list[str]:
        """Display name per id: title, else description, else the id itself."""
        aligned = self.align(item_ids)
        names = pd.Series([None] * len(aligned), index=aligned.index, dtype=object)
        for role in ("title", "description"):
            col = self.roles.get(role)
            if col is not None:
                names = names.where(names.notna(), aligned[col].astype(object))
        return [str(n) if n is not None and not (isinstance(n, float) and np.isnan(n)) else str(i)
                for n, i in zip(names.tolist(), list(item_ids))]


def catalog_from_frame(frame: pd.DataFrame, items: np.ndarray, mapping, order=None) -> ItemCatalog | None:
    """Catalog of ``mapping``'s catalog columns in ``frame``, keeping each item's latest non-null value.

    items: (len(frame),) normalized item ids of each row. order: (len(frame),) sort key for
    "latest" (e.g. timestamps); default row order. None when the mapping names no catalog column.
    """
    roles = {}
    for role in ("title", "category", "price", "description"):
        col = getattr(mapping, role)
        if col is not None:
            roles[role] = col
    for col in mapping.extra:
        roles.setdefault(str(col).lower(), col)
    if not roles:
        return None
    cols = list(dict.fromkeys(roles.values()))
    sub = frame[cols].reset_index(drop=True)
    sub.insert(0, "__item", items)
    if order is not None:
        sub = sub.iloc[np.argsort(np.asarray(order), kind="stable")]
    agg = sub.groupby("__item", sort=True).last()  # last non-null per column
    dtype = object if np.asarray(items).dtype == object else np.int64
    agg.index = pd.Index(agg.index.to_numpy(dtype=dtype), dtype=dtype, name="item")
    return ItemCatalog(agg, roles)


def read_catalog(path, id_column: str | None = None, *, progress=None, cancel=None) -> ItemCatalog:
    """ItemCatalog from a separate file (movies, products ...); the id column is inferred unless given."""
    from engine.data.readers import read_table
    from engine.data.inference import infer_mapping
    table = read_table(path, progress=progress, cancel=cancel)
    frame = table.frame
    mapping = infer_mapping(frame)
    if id_column is not None:
        if id_column not in frame.columns:
            raise SchemaError(f"id column '{id_column}' is not in the file (columns: "
                              f"{', '.join(map(str, frame.columns))})", path=Path(path).name)
        item = id_column
    else:
        item = mapping.item if mapping.confidence.get("item", 0) >= 0.6 else frame.columns[0]
    frame = frame[frame[item].notna()]
    if len(frame) == 0:
        raise SchemaError(f"catalog has no item ids in column '{item}'", path=Path(path).name)
    for role in ("user", "value", "timestamp", "event"):
        setattr(mapping, role, None)
    mapping.item = item
    mapping.extra = list(mapping.extra) + [c for c in frame.columns if c != item and c not in mapping.columns()
                                            and not _is_flag(frame[c])]
    for role in ("title", "category", "price", "description"):
        if getattr(mapping, role) == item:
            setattr(mapping, role, None)
    cat = catalog_from_frame(frame, normalize_ids(frame[item].to_numpy()), mapping)
    if cat is None:
        ids = np.unique(normalize_ids(frame[item].to_numpy()))
        cat = ItemCatalog(pd.DataFrame(index=pd.Index(ids, dtype=ids.dtype, name="item")), {})
    return cat


def _is_flag(s: pd.Series) -> bool:
    """0/1 indicator columns (one-hot genres and the like) are not worth a catalog column."""
    v = s.dropna()
    return bool(len(v)) and pd.api.types.is_numeric_dtype(v.dtype) and set(np.unique(v)) <= {0, 1}
