"""Column roles: which column holds the user, item, value, time, event type and catalog fields.

``infer_mapping`` proposes a ``ColumnMapping`` from column names (CustomerID, StockCode, movieId,
Rating, Quantity, InvoiceDate, Description, UnitPrice, genre, Country ...) and content checks
(integer-like ids, numbers, parseable dates); the user can override every role.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.errors import SchemaError

#: Roles that name one column each (value_kind says how to read ``value``).
ROLES = ("user", "item", "value", "timestamp", "event", "title", "category", "price", "description")
#: Catalog roles: item attributes taken into an ItemCatalog.
CATALOG_ROLES = ("title", "category", "price", "description")

_EXACT = {
    "user": {"user", "userid", "uid", "users", "customer", "customerid", "customerno", "customernumber",
             "client", "clientid", "visitor", "visitorid", "member", "memberid", "accountid", "buyerid",
             "reviewerid", "personid", "userno"},
    "item": {"item", "itemid", "iid", "product", "productid", "productcode", "productno", "stockcode",
             "sku", "movie", "movieid", "book", "bookid", "goodsid", "articleid", "asin", "isbn",
             "track", "trackid", "song", "songid", "artistid", "contentid", "itemcode"},
    "rating": {"rating", "ratings", "score", "stars", "rate", "bookrating", "userrating"},
    "quantity": {"quantity", "qty", "count", "units", "amount", "quantityordered"},
    "weight": {"weight", "confidence", "plays", "playcount", "clicks", "views", "frequency", "listens"},
    "timestamp": {"timestamp", "time", "date", "datetime", "ts", "invoicedate", "orderdate", "eventtime",
                  "createdat", "purchasedate", "ratedat", "unixtime", "epoch", "eventdate"},
    "event": {"event", "eventtype", "action", "behavior", "behaviour", "type", "interaction",
              "interactiontype", "eventname", "activity"},
    "title": {"title", "name", "productname", "itemname", "moviename", "originaltitle", "booktitle"},
    "description": {"description", "desc", "details", "summary", "text", "productdescription",
                    "itemdescription", "overview"},
    "category": {"category", "categories", "genre", "genres", "categoryid", "categoryname", "department",
                 "class", "categorycode", "subcategory", "tags"},
    "price": {"price", "unitprice", "cost", "priceeach", "saleprice", "listprice"},
    "extra": {"country", "brand", "author", "authors", "year", "originalpublicationyear", "language",
              "languagecode", "region", "color", "colour", "size"},
}
_PARTIAL = {
    "user": ("user", "customer", "client", "visitor", "member", "buyer", "reviewer"),
    "item": ("item", "product", "movie", "book", "sku", "article", "stock", "track", "song"),
    "rating": ("rating",),
    "quantity": ("quantity", "qty"),
    "timestamp": ("date", "time"),
    "title": ("title",),
    "description": ("descr",),
    "category": ("categ", "genre"),
    "price": ("price",),
}
_GENERIC = re.compile(r"^column\d+$")
_DATE_TEXT = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{4}-\d{2}-\d{2}T")
_EPOCH_RANGE = (1e8, 2e10)  # seconds (1973..2603); milliseconds are larger


@dataclass
class ColumnMapping:
    """Which column plays which role; None where absent.

    value_kind: "rating" | "quantity" | "weight" | "none" (how ``value`` is read).
    extra: further item attribute columns copied into the catalog (e.g. Country, author).
    confidence: role -> 0..1, how sure the inference was (1.0 for user choices).
    """

    user: str | None = None
    item: str | None = None
    value: str | None = None
    value_kind: str = "none"
    timestamp: str | None = None
    event: str | None = None
    title: str | None = None
    category: str | None = None
    price: str | None = None
    description: str | None = None
    extra: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)

    def replace(self, **changes) -> "ColumnMapping":
        """Copy with some roles overridden; overridden roles get confidence 1.0."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise SchemaError(f"unknown column role(s): {', '.join(sorted(unknown))} "
                              f"(roles: {', '.join(sorted(names - {'confidence'}))})")
        conf = dict(self.confidence)
        for k, v in changes.items():
            if k in ROLES:
                if v is None:
                    conf.pop(k, None)
                else:
                    conf[k] = 1.0
        if changes.get("value", self.value) is None and "value_kind" not in changes:
            changes["value_kind"] = "none"
        if changes.get("value") is not None and self.value is None and "value_kind" not in changes:
            changes["value_kind"] = "rating"
        return dataclasses.replace(self, **changes, confidence=conf)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["extra"] = list(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ColumnMapping":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def columns(self) -> list[str]:
        """Every mapped column, in role order."""
        cols = [getattr(self, r) for r in ROLES] + list(self.extra)
        return [c for c in cols if c]

    def validate(self, columns, name: str | None = None) -> None:
        """SchemaError unless user and item are set and every mapped column exists in ``columns``."""
        columns = list(columns)
        listing = ", ".join(map(str, columns[:20])) + (f" and {len(columns) - 20:,} more" if len(columns) > 20 else "")
        for role in ("user", "item"):
            if getattr(self, role) is None:
                hint = (f"it has one row per {self.item}, so it looks like an item catalog: open it as the "
                        f"catalog, or " if role == "user" and self.item and self.title else "")
                raise SchemaError(f"no {role} column found; {hint}choose one of: {listing}", path=name)
        if self.user == self.item:
            raise SchemaError(f"user and item are both column '{self.user}'", path=name)
        for role in (*ROLES, "extra"):
            cols = self.extra if role == "extra" else [getattr(self, role)]
            for col in cols:
                if col is not None and col not in columns:
                    raise SchemaError(f"{role} column '{col}' is not in the file (columns: {listing})",
                                      path=name)
        if self.value_kind not in ("rating", "quantity", "weight", "none"):
            raise SchemaError(f"value_kind must be rating, quantity, weight or none, not {self.value_kind!r}")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _name_scores(col: str) -> dict[str, float]:
    """role -> name score: 1.0 for the role's own name, 0.9 for a known name, 0.6 for a name
    containing a known word."""
    n = _norm(col)
    out = {}
    for role, names in _EXACT.items():
        if n in (role, role + "id"):
            out[role] = 1.0
        elif n in names:
            out[role] = 0.9
    for role, words in _PARTIAL.items():
        if role not in out and any(w in n for w in words):
            out[role] = 0.6
    return out


def looks_like_dates(s: pd.Series) -> bool:
    """True when a sample of ``s`` is datetimes, date strings, or integers in the epoch range."""
    s = s.dropna()
    if len(s) == 0:
        return False
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return True
    sample = s.iloc[:: max(1, len(s) // 200)].head(200)
    if pd.api.types.is_numeric_dtype(sample.dtype):
        v = sample.to_numpy(dtype=float)
        return bool(np.all(v == np.round(v)) and np.all((v >= _EPOCH_RANGE[0]) & (v < _EPOCH_RANGE[1] * 1000)))
    text = sample.astype(str)
    if text.str.contains(_DATE_TEXT).mean() < 0.9:
        return False
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    except (ValueError, TypeError, OverflowError):
        return False
    return bool(parsed.notna().mean() >= 0.9)


def _id_like(s: pd.Series) -> bool:
    """Integers or short strings; not fractional numbers, not dates."""
    s = s.dropna()
    if len(s) == 0 or pd.api.types.is_datetime64_any_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return False
    if is_nested(s):
        return False
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.to_numpy(dtype=float)
        return bool(np.all(v == np.round(v)))
    return bool(s.astype(str).str.len().head(500).mean() <= 40)


def is_nested(s: pd.Series) -> bool:
    """True when ``s`` holds lists, arrays or dicts (a nested Parquet column), not single values."""
    v = s.dropna()
    return s.dtype == object and len(v) > 0 and isinstance(v.iloc[0], (list, tuple, dict, np.ndarray))


def infer_mapping(frame: pd.DataFrame) -> ColumnMapping:
    """Propose roles for ``frame``'s columns by name, then fill gaps from content.

    Each column gets at most one role. Headless files (columns named column1, column2, ...) are
    read as user, item[, rating[, timestamp]] by content.
    """
    cols = list(frame.columns)
    candidates = []  # (score, order, role, col)
    for order, col in enumerate(cols):
        s = frame[col]
        for role, score in _name_scores(col).items():
            if role in ("user", "item") and not _id_like(s):
                score *= 0.5
            elif role in ("rating", "quantity", "weight", "price") and not pd.api.types.is_numeric_dtype(s.dtype):
                score = score if score >= 0.9 else 0.0  # an exact name still maps (validation names bad rows)
            elif role == "timestamp":
                if looks_like_dates(s):
                    score = min(1.0, score + 0.05)
                elif score < 0.9:
                    score = 0.0
            if score > 0:
                candidates.append((score, -order, role, col))
    chosen: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    extra: list[str] = []
    for score, _, role, col in sorted(candidates, reverse=True):
        key = "value" if role in ("rating", "quantity", "weight") else role
        if col in used or (key in chosen and key != "extra"):
            continue
        used.add(col)
        if key == "extra":
            extra.append(col)
        else:
            chosen[key] = (col, score, role)
    _fill_from_content(frame, chosen, used)
    m = ColumnMapping(extra=[c for c in cols if c in extra])
    for key, (col, score, *kind) in chosen.items():
        setattr(m, key, col)
        m.confidence[key] = round(float(score), 2)
        if key == "value":
            m.value_kind = kind[0]
    return m


def _is_catalog(frame: pd.DataFrame, chosen: dict) -> bool:
    """True when the named item column is unique on every row (a catalog, not interactions)."""
    item = chosen.get("item")
    return item is not None and len(frame) > 20 and frame[item[0]].is_unique


def _fill_from_content(frame: pd.DataFrame, chosen: dict, used: set) -> None:
    """Fill user/item (and, for headless files, rating/timestamp) from column content."""
    free = [c for c in frame.columns if c not in used]
    generic = all(_GENERIC.match(str(c)) for c in frame.columns)
    for role in ("user", "item"):
        if role in chosen:
            continue
        if role == "user" and not generic and _is_catalog(frame, chosen):
            continue  # one row per item: an item catalog has no user column to guess
        for col in free:
            if col not in used and _id_like(frame[col]):
                chosen[role] = (col, 0.4 if generic else 0.3)
                used.add(col)
                break
    if "timestamp" not in chosen:
        for col in free:
            if col in used:
                continue
            s = frame[col]
            if (generic or not pd.api.types.is_numeric_dtype(s.dtype)) and looks_like_dates(s):
                chosen["timestamp"] = (col, 0.5)
                used.add(col)
                break
    if "value" not in chosen and generic:
        for col in free:
            s = frame[col].dropna()
            if col in used or not pd.api.types.is_numeric_dtype(s.dtype) or len(s) == 0:
                continue
            if s.min() >= 0 and s.max() <= 10 and s.nunique() <= 21:
                chosen["value"] = (col, 0.4, "rating")
                used.add(col)
                break
