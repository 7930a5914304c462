"""Propose a ``ColumnMapping`` for a table: header names first, then what the values show.

Names are looked up in the header vocabulary (``engine.data.headers``, 14 languages). Content
decides where names are unknown or ambiguous, and each role's evidence says why in words:

- an order / invoice column is a *basket* when each of its values belongs to exactly one customer
  (a functional dependency tested on the rows) and one date; such a column never becomes the user
  while a column it depends on exists;
- whole numbers with negative values next to a price are a quantity with returns;
- text with several words per value is a title (many words: a description);
- decimals with cents are a price;
- day-first or month-first dates are told apart by a day above 12 among the values.

A table whose item column holds each value once and that has no user, order, value or time column
is a catalog (``kind = "catalog"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from engine.data.headers import NameHit, header_language, name_hits, vocabulary
from engine.data.schema import ColumnMapping
from engine.i18n import _

#: Rows the content checks look at (the first ones: exports keep an order's lines together).
SAMPLE_ROWS = 200_000
#: Share of an order column's values that must map to one customer (and one date) to be a basket.
FD_SHARE = 0.98
_GENERIC = re.compile(r"^column\d+$")
_DATE_TEXT = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{4}-\d{2}-\d{2}T")
_DMY = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")
_YMD = re.compile(r"^\s*\d{4}[./-]\d{1,2}[./-]\d{1,2}")
_EPOCH_RANGE = (1e8, 2e10)  # seconds (1973..2603); milliseconds are larger
_VALUE_ROLES = ("rating", "quantity", "weight")


@dataclass
class _Choice:
    col: str
    score: float
    why: str
    kind: str | None = None   # value_kind for "value"


class _Column:
    """What one column's values look like (on the sample)."""

    def __init__(self, s: pd.Series):
        v = s.dropna()
        self.n = len(v)
        self.nested = is_nested(s)
        self.numeric = pd.api.types.is_numeric_dtype(v.dtype) and not pd.api.types.is_bool_dtype(v.dtype)
        self.dates = not self.nested and looks_like_dates(s)
        try:
            self.nunique = int(v.nunique()) if self.n and not self.nested else 0
        except TypeError:  # unhashable cells (dicts, lists) somewhere below the first row
            self.nested, self.nunique = True, 0
        self.whole = self.negatives = 0
        self.cents = 0.0
        self.words = 0.0
        if self.numeric and self.n:
            x = v.to_numpy(dtype=np.float64)
            with np.errstate(invalid="ignore", over="ignore"):  # inf cells: the data check names them later
                self.whole = bool(np.all(x == np.round(x)))
                self.negatives = int((x < 0).sum())
                frac = np.abs(x - np.round(x)) > 1e-9
                self.cents = float((frac & (np.abs(x * 100 - np.round(x * 100)) < 1e-6)
                                    & (np.abs(x * 10 - np.round(x * 10)) > 1e-6)).mean()) if frac.any() else 0.0
                self.median = float(np.median(np.abs(x)))
        elif self.n and not self.nested:
            text = v.head(500).astype(str)
            self.words = float(text.str.split().str.len().mean())
        self.id_like = (not self.dates and not self.nested and self.n > 0
                        and (self.whole if self.numeric else float(v.head(500).astype(str).str.len().mean()) <= 40))


def infer_mapping(frame: pd.DataFrame, counts: "Counts | None" = None) -> ColumnMapping:
    """Propose roles for ``frame``'s columns with the evidence for each (see the module doc).

    Each column gets at most one role. Headless files (columns named column1, column2, ...) are
    read as user, item[, rating[, timestamp]] by content. ``counts``: where ``frame`` is the first
    rows of a larger file (the out-of-core import), the evidence's whole-file counts come from it.
    """
    cols = list(frame.columns)
    sample = frame.head(SAMPLE_ROWS)
    info = {c: _Column(sample[c]) for c in cols}
    generic = all(_GENERIC.match(str(c)) for c in cols)
    lang = header_language(cols)
    chosen: dict[str, _Choice] = {}
    used: set[str] = set()
    extra: list[str] = []
    extra_why: list[str] = []
    for score, _order, hit, col in sorted(_name_candidates(cols, info, lang), key=lambda c: (c[0], c[1]), reverse=True):
        key = "value" if hit.role in _VALUE_ROLES else hit.role
        if col in used or (key in chosen and key != "extra"):
            continue
        used.add(col)
        if key == "extra":
            extra.append(col)
            extra_why.append(hit.describe(col))
        else:
            chosen[key] = _Choice(col, score, hit.describe(col), hit.role if key == "value" else None)
    catalog = _is_catalog(sample, chosen, extra)
    _content_roles(sample, info, chosen, used, generic, catalog)
    if not catalog:
        _order_and_customer(frame, sample, info, chosen, used)
    if generic and "value" not in chosen:
        _headless_rating(sample, info, chosen, used)
    m = ColumnMapping(extra=[c for c in cols if c in extra], kind="catalog" if catalog else "interactions")
    if extra_why:
        m.evidence["extra"] = "; ".join(extra_why)
    for key, c in chosen.items():
        setattr(m, key, c.col)
        m.confidence[key] = round(float(c.score), 2)
        m.evidence[key] = c.why
        if key == "value":
            m.value_kind = c.kind
    try:
        _describe(frame, m, info, counts or frame_counts(frame))
    except TypeError:  # unhashable cells past the sample: the roles stand without counts
        pass
    if m.timestamp and not info[m.timestamp].numeric and not pd.api.types.is_datetime64_any_dtype(frame[m.timestamp]):
        m.date_order, why = date_order(frame[m.timestamp], vocabulary().date_order.get(lang) if lang else None, lang)
        if why:
            m.evidence["timestamp"] += f"; {why}"
    return m


# ---- names -------------------------------------------------------------------------------------
def _name_candidates(cols, info, lang):
    """(score, -position, NameHit, column) for every role a header names, scored by how well the
    values fit the role (an id role needs ids, a number role numbers, a time role dates)."""
    out = []
    for order, col in enumerate(cols):
        c = info[col]
        for hit in name_hits(col, lang):
            score = _fit(hit, c)
            if score > 0:
                out.append((score, -order, hit, col))
    return out


def _fit(hit: NameHit, c: _Column) -> float:
    score, role = hit.score, hit.role
    if c.nested and role not in ("user", "basket", "item", "extra"):
        return 0.0
    if role in ("user", "basket", "item"):
        return 0.0 if c.dates else score if c.id_like else score * 0.5
    if role in (*_VALUE_ROLES, "price"):
        return score if c.numeric else (score if score >= 0.9 else 0.0)  # an exact name still maps
    if role == "timestamp":
        return min(1.0, score + 0.05) if c.dates else (score if score >= 0.9 else 0.0)
    if role in ("title", "description"):
        return 0.0 if (c.numeric or c.dates) and score < 0.9 else score
    return score


# ---- content -------------------------------------------------------------------------------------
def _is_catalog(sample: pd.DataFrame, chosen: dict, extra: list) -> bool:
    """One row per item and no header that names a user or an order: a catalog. Its value, time and
    event columns (average rating, publication date) are item attributes and move to ``extra``."""
    item = chosen.get("item")
    if item is None or len(sample) <= 20 or any(k in chosen for k in ("user", "basket")):
        return False
    if not sample[item.col].dropna().is_unique:
        return False
    for key in ("value", "timestamp", "event"):
        if key in chosen:
            extra.append(chosen.pop(key).col)
    return True


def _content_roles(sample, info, chosen, used, generic: bool, catalog: bool) -> None:
    """Time, price, quantity and title from what the values look like, where no header named them."""
    free = [c for c in sample.columns if c not in used]
    if "timestamp" not in chosen and not catalog:
        for col in free:
            c = info[col]
            if col not in used and c.dates and (generic or not c.numeric):
                chosen["timestamp"] = _Choice(col, 0.5, _("values are dates or times ({v0})").format(v0=_example(sample[col])))
                used.add(col)
                break
    if "price" not in chosen and not generic:
        for col in free:
            c = info[col]
            if col not in used and c.numeric and c.cents >= 0.3 and c.negatives <= 0.01 * c.n:
                chosen["price"] = _Choice(col, 0.5, _("amounts with cents ({v0}), so a price").format(v0=_example(sample[col])))
                used.add(col)
                break
    if "value" not in chosen and not generic and not catalog:
        price = chosen.get("price")
        for col in free:
            c = info[col]
            if col in used or not (c.numeric and c.whole) or c.median > 1000 or c.nunique > max(100, 0.05 * c.n):
                continue
            if c.negatives or price is not None:
                why = (_("whole numbers, {negatives:,} of them negative (returns)").format(negatives=c.negatives) if c.negatives
                       else _("small whole numbers")) + (_(", next to the price {col}").format(col=price.col) if price else "")
                chosen["value"] = _Choice(col, 0.5, _("{why}: a quantity").format(why=why), "quantity")
                used.add(col)
                break
    if "title" not in chosen and "description" not in chosen:
        for col in free:
            c = info[col]
            if col in used or c.numeric or c.dates or c.words < 2.0 or c.nunique < min(20, 0.5 * c.n):
                continue
            role = "description" if c.words >= 12 else "title"
            chosen[role] = _Choice(col, 0.5, (_("text of {words:.1f} words per value on average, {nunique:,} different values: a product description")
                                             if role == "description" else
                                             _("text of {words:.1f} words per value on average, {nunique:,} different values: a product name")
                                             ).format(words=c.words, nunique=c.nunique))
            used.add(col)
            break


def _headless_rating(sample, info, chosen, used) -> None:
    """In a file without a header, the first free column of numbers from 0 to 10 is a rating."""
    for col in sample.columns:
        s = sample[col].dropna()
        if col in used or not info[col].numeric or len(s) == 0:
            continue
        if s.min() >= 0 and s.max() <= 10 and s.nunique() <= 21:
            chosen["value"] = _Choice(col, 0.4, _("numbers from {v0:g} to {v1:g}: a rating").format(v0=s.min(), v1=s.max()), "rating")
            used.add(col)
            return


def _order_and_customer(frame, sample, info, chosen, used) -> None:
    """Basket, user and item among the id columns, by functional dependency and position.

    An order column determines the customer (each order belongs to one customer) and the date;
    the customer does not determine the date. So a user column that turns out to determine another
    id column with fewer values (and the date) is an order, and that other column is the user.
    """
    ts = chosen["timestamp"].col if "timestamp" in chosen else None
    ids = [c for c in sample.columns if info[c].id_like and c not in used and info[c].nunique >= 2]

    def customer_of(order_col: str) -> str | None:
        """The id column with the most values that ``order_col`` determines (at least 10 values)."""
        best = None
        for cand in ids:
            if cand == order_col or info[cand].nunique < 10 or info[cand].nunique >= info[order_col].nunique:
                continue
            if determines(sample, order_col, cand) >= FD_SHARE and (best is None or info[cand].nunique > info[best].nunique):
                best = cand
        return best

    def is_order(col: str) -> bool:
        groups = info[col].n / max(info[col].nunique, 1)
        return groups >= 1.5 and (ts is None or determines(sample, col, ts) >= FD_SHARE)

    user = chosen.get("user")
    if user is not None and user.score < 0.9 and "basket" not in chosen and is_order(user.col):
        cust = customer_of(user.col)
        if cust is not None:  # the "user" is an order id: each of its values belongs to one customer
            chosen["basket"] = _Choice(user.col, 0.7, _("{why}, but its values behave as orders").format(why=user.why))
            chosen["user"] = _Choice(cust, 0.7, "")
            used.add(cust)
            ids.remove(cust)
    if "user" not in chosen:
        for col in ([chosen["basket"].col] if "basket" in chosen else []) + [c for c in ids if c not in used]:
            cust = customer_of(col) if is_order(col) else None
            if cust is not None:
                chosen.setdefault("basket", _Choice(col, 0.6, ""))
                used.update((col, cust))
                chosen["user"] = _Choice(cust, 0.6, "")
                break
    for role in ("user", "item"):
        if role in chosen:
            continue
        for col in ids:
            if col not in used:
                chosen[role] = _Choice(col, 0.4 if all(_GENERIC.match(str(c)) for c in sample.columns) else 0.3,
                                       _("the first unnamed id column") if role == "user" else _("an id column"))
                used.add(col)
                break
    if "user" not in chosen and "basket" in chosen:
        b = chosen["basket"]
        chosen["user"] = _Choice(b.col, 0.3, _("no customer column: each {col} counts as one customer").format(col=b.col))


#: ``counts(columns, negatives_of)`` -> (distinct values of each column, negative values of the
#: column ``negatives_of`` (0 when None)), over the whole file.
Counts = Callable[[list, "str | None"], "tuple[dict[str, int], int]"]


def frame_counts(frame: pd.DataFrame) -> Counts:
    """``Counts`` of a table held in memory."""
    def counts(columns: list, negatives_of: str | None) -> tuple[dict[str, int], int]:
        neg = int((frame[negatives_of] < 0).sum()) if negatives_of else 0
        return {c: int(frame[c].nunique()) for c in columns}, neg
    return counts


def _describe(frame: pd.DataFrame, m: ColumnMapping, info: dict, counts: Counts) -> None:
    """Add what the values show to the id, order and quantity roles' evidence (whole-file counts
    from ``counts``)."""
    def add(role: str, text: str) -> None:
        old = m.evidence.get(role, "")
        m.evidence[role] = f"{old}; {text}" if old else text

    sample = frame.head(SAMPLE_ROWS)
    ids = [c for c in dict.fromkeys((m.user, m.basket, m.item)) if c is not None and not info[c].nested]
    quantity = m.value if m.value and m.value_kind == "quantity" and m.value in info and info[m.value].numeric else None
    n, neg = counts(ids, quantity)
    if m.user and m.basket and m.user != m.basket and m.user in n and m.basket in n:
        share = determines(sample, m.basket, m.user)
        n_users, n_orders = n[m.user], n[m.basket]
        if share >= FD_SHARE:
            add("user", _("{n_users:,} values, each {basket} belongs to one of them").format(n_users=n_users, basket=m.basket))
            add("basket", _("{n_orders:,} orders, each belongs to one {user}").format(n_orders=n_orders, user=m.user)
                          + (_(" and one {timestamp}").format(timestamp=m.timestamp) if m.timestamp and determines(sample, m.basket, m.timestamp) >= FD_SHARE else ""))
        else:
            add("basket", _("{n_orders:,} values, but {v1:.0%} of them hold several {user} values").format(n_orders=n_orders, v1=1 - share, user=m.user))
            add("user", _("{n_users:,} values").format(n_users=n_users))
    elif m.user and m.user != m.basket and not info[m.user].nested:
        add("user", _("{n:,} values").format(n=n[m.user]))
    if m.item and not info[m.item].nested:
        add("item", _("{n:,} values").format(n=n[m.item]) + (_(", each on one row") if m.kind == "catalog" else ""))
    if quantity and neg and "negative" not in m.evidence.get("value", ""):
        add("value", _("{neg:,} negative values (returns)").format(neg=neg))


def determines(frame: pd.DataFrame, a: str, b: str) -> float:
    """Share of ``a``'s values (among rows where both are present) that go with exactly one value
    of ``b``: 1.0 when ``a`` functionally determines ``b`` (each order belongs to one customer)."""
    d = frame[[a, b]].dropna()
    if len(d) == 0:
        return 0.0
    try:
        per = d.groupby(a, sort=False)[b].nunique()
    except TypeError:  # unhashable cells: no dependency to test
        return 0.0
    return float((per <= 1).mean())


def _example(s: pd.Series) -> str:
    v = s.dropna()
    return f"e.g. {v.iloc[0]}" if len(v) else "empty"


# ---- value checks shared with the readers and the validation ---------------------------------------
def looks_like_dates(s: pd.Series) -> bool:
    """True when a sample of ``s`` is datetimes, date strings, or integers in the epoch range."""
    s = s.dropna()
    if len(s) == 0:
        return False
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return True
    sample = s.iloc[:: max(1, len(s) // 200)].head(200)
    if pd.api.types.is_numeric_dtype(sample.dtype):
        if pd.api.types.is_bool_dtype(sample.dtype):
            return False
        v = sample.to_numpy(dtype=float)
        return bool(np.all(v == np.round(v)) and np.all((v >= _EPOCH_RANGE[0]) & (v < _EPOCH_RANGE[1] * 1000)))
    if is_nested(sample):
        return False
    text = sample.astype(str)
    if text.str.contains(_DATE_TEXT).mean() < 0.9:
        return False
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True, dayfirst=_day_first(text))
    except (ValueError, TypeError, OverflowError):
        return False
    return bool(parsed.notna().mean() >= 0.9)


def _day_first(text: pd.Series) -> bool:
    parts = text.str.extract(_DMY)
    return bool(len(parts) and pd.to_numeric(parts[0], errors="coerce").gt(12).any())


def is_nested(s: pd.Series) -> bool:
    """True when ``s`` holds lists, arrays or dicts (a nested Parquet column), not single values."""
    v = s.dropna()
    return s.dtype == object and len(v) > 0 and isinstance(v.iloc[0], (list, tuple, dict, np.ndarray))


def date_order(s: pd.Series, hint: str | None = None, language: str | None = None) -> tuple[str | None, str]:
    """(order, evidence) of text dates: "YMD" for ISO-like dates; "DMY" when a first field is above
    12 ("31.12.2010": 31 cannot be a month); "MDY" when a second one is; ``hint`` (the header
    language's order) when every day is 12 or less; (None, "") when the values are not such dates."""
    text = s.dropna().astype(str)
    if len(text) == 0:
        return None, ""
    if text.head(1000).str.match(_YMD).mean() >= 0.9:
        return "YMD", _("dates written year first ({v0})").format(v0=text.iloc[0])
    parts = text.str.extract(_DMY)
    first, second = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
    if first.notna().mean() < 0.9:
        return None, ""
    big1, big2 = first > 12, second > 12
    if big1.any() and not big2.any():
        ex = text[big1.to_numpy()].iloc[0].split()[0]
        return "DMY", _("day-first dates ({ex}: {v1} cannot be a month)").format(ex=ex, v1=int(first[big1].iloc[0]))
    if big2.any() and not big1.any():
        ex = text[big2.to_numpy()].iloc[0].split()[0]
        return "MDY", _("month-first dates ({ex}: {v1} cannot be a month)").format(ex=ex, v1=int(second[big2].iloc[0]))
    if big1.any() and big2.any():
        return None, _("dates in both day-first and month-first order: check this column")
    sep = "." if text.iloc[0].split()[0].count(".") == 2 else None
    order = hint if hint in ("DMY", "MDY") else "DMY" if sep else "MDY"
    because = (_("the headers are in {language}").format(language=language) if hint in ("DMY", "MDY") else
               _("dates written with dots are day-first") if sep else _("no header language says otherwise"))
    return order, (_("every day is 12 or less, so the values cannot tell day from month: read as day-first "
                     "because {because}") if order == "DMY" else
                   _("every day is 12 or less, so the values cannot tell day from month: read as month-first "
                     "because {because}")).format(because=because)
