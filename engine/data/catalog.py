"""``ItemCatalog``: item attributes (title, category, price, description, ...) by item id."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.interactions import normalize_ids
from engine.data.schema import CATALOG_ROLES, ColumnMapping
from engine.errors import SchemaError


@dataclass
class ItemCatalog:
    """frame: one row per item, indexed by normalized external item id (int64 or str).

    roles: role -> column of ``frame`` ("title", "category", "price", "description", and extra
    attributes under their own lower-cased names, e.g. "country").
    """

    frame: pd.DataFrame
    roles: dict[str, str] = field(default_factory=dict)
    #: the ColumnMapping a catalog file was read with (None for attributes of interaction rows)
    mapping: ColumnMapping | None = field(default=None, repr=False, compare=False)

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


def read_catalog(path, id_column: str | None = None, *, mapping=None, sheet: str | None = None,
                 progress=None, cancel=None) -> ItemCatalog:
    """ItemCatalog from a separate file (movies, products ...); the id column is inferred unless
    given (``id_column``, or ``mapping``: a ColumnMapping or a dict of role overrides)."""
    from engine.data.readers import read_table
    table = read_table(path, sheet=sheet, progress=progress, cancel=cancel)
    return catalog_from_table(table, mapping, id_column)


def catalog_mapping(frame: pd.DataFrame, mapping=None, id_column: str | None = None):
    """The ColumnMapping a catalog table is read with: ``mapping`` (or its overrides applied to the
    inferred one), the item column ``id_column`` when given, else the inferred item (else the first
    column); user, order, value, time and event roles cleared (a catalog has one row per item)."""
    from engine.data.inference import infer_mapping
    from engine.data.schema import ColumnMapping
    if isinstance(mapping, ColumnMapping):
        m = dataclasses.replace(mapping, extra=list(mapping.extra), evidence=dict(mapping.evidence))
    else:
        m = infer_mapping(frame)
        if mapping:
            m = m.replace(**mapping)
    if id_column is not None:
        m = m.replace(item=id_column)
    elif m.item is None or m.confidence.get("item", 0) < 0.6 and m.kind != "catalog":
        m = m.replace(item=frame.columns[0])
        m.evidence["item"] = "the first column (no header names an item id)"
    for role in ("user", "basket", "value", "timestamp", "event"):
        setattr(m, role, None)
    for role in CATALOG_ROLES:
        if getattr(m, role) == m.item:
            setattr(m, role, None)
    m.kind = "catalog"
    return m


def catalog_from_table(table, mapping=None, id_column: str | None = None) -> ItemCatalog:
    """ItemCatalog of a read table (see ``catalog_mapping``); further columns become attributes."""
    frame, name = table.frame, Path(table.path).name
    m = catalog_mapping(frame, mapping, id_column)
    if m.item not in frame.columns:
        raise SchemaError(f"id column '{m.item}' is not in the file (columns: "
                          f"{', '.join(map(str, frame.columns))})", path=name)
    frame = frame[frame[m.item].notna()]
    if len(frame) == 0:
        raise SchemaError(f"catalog has no item ids in column '{m.item}'", path=name)
    m.extra = list(m.extra) + [c for c in frame.columns if c != m.item and c not in m.columns()
                               and not _is_flag(frame[c])]
    cat = catalog_from_frame(frame, normalize_ids(frame[m.item].to_numpy()), m)
    if cat is None:
        ids = np.unique(normalize_ids(frame[m.item].to_numpy()))
        cat = ItemCatalog(pd.DataFrame(index=pd.Index(ids, dtype=ids.dtype, name="item")), {})
    cat.mapping = m
    return cat


@dataclass
class JoinReport:
    """How a catalog file joined the interactions on the item id.

    matched: interaction items with a catalog row; missing: interaction items without one;
    cold: catalog items no one bought (the cold-start candidates); catalog: catalog rows;
    examples: a few ids of ``missing`` and ``cold``.
    """

    catalog: int
    matched: int
    missing: int
    cold: int
    examples: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def summary(self) -> str:
        return (f"{self.matched:,} items matched; {self.missing:,} bought items have no catalog row; "
                f"{self.cold:,} catalog items were never bought (cold-start candidates)")


def join_catalog(item_ids, own: ItemCatalog | None, other: ItemCatalog) -> tuple[ItemCatalog, JoinReport]:
    """Join catalog ``other`` (a separate file) to the interactions' items ``item_ids`` (n_items,).

    The result keeps ``other``'s columns and adds ``own``'s (the attributes taken from the
    interaction rows, e.g. a description) for the roles ``other`` lacks, for every item of either.
    Ids are compared as text when one side is numeric and the other not ("0042" vs 42 stay apart).
    """
    ids = normalize_ids(item_ids) if len(item_ids) else np.asarray(item_ids)
    a = pd.Index(np.asarray(ids).astype(str))
    b = pd.Index(other.frame.index.to_numpy().astype(str))
    matched, missing, cold = a.intersection(b), a.difference(b), b.difference(a)
    report = JoinReport(len(b), len(matched), len(missing), len(cold),
                        {"missing": missing[:10].tolist(), "cold": cold[:10].tolist()})
    frame, roles = other.frame.copy(), dict(other.roles)
    if own is not None:
        add = {r: c for r, c in own.roles.items() if r not in roles}
        cols = list(dict.fromkeys(add.values()))
        if cols:
            mine = own.frame[cols]
            if (mine.index.dtype == object) != (frame.index.dtype == object):
                mine = mine.set_axis(pd.Index(mine.index.astype(str), dtype=object))
                frame = frame.set_axis(pd.Index(frame.index.astype(str), dtype=object, name="item"))
            new = [c for c in cols if c not in frame.columns]
            frame = frame.join(mine[new], how="outer")
            roles.update(add)
    joined = ItemCatalog(frame, roles)
    joined.mapping = getattr(other, "mapping", None)
    return joined, report


def _is_flag(s: pd.Series) -> bool:
    """0/1 indicator columns (one-hot genres and the like) are not worth a catalog column."""
    v = s.dropna()
    return bool(len(v)) and pd.api.types.is_numeric_dtype(v.dtype) and set(np.unique(v)) <= {0, 1}
