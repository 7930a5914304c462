"""Load-time filters: rows left out while a table becomes a data set, each counted.

``LoadFilters`` is stored with the project and in import recipes. In order:

1. non-product codes the user confirmed (postage, fees, adjustments: ``propose_non_products``
   finds the candidates; nothing is dropped until the user names them);
2. returns: lines with a quantity of 0 or less ("drop"), or also the purchases returned in full
   ("net": the customer's net quantity of that item is 0 or less);
3. a date range (inclusive, whole days, UTC);
4. customers and items with fewer than N events (repeated until every one left has N).

``apply_filters`` works on row masks and returns the rows each filter removed, so the same code
previews the filters before loading and applies them when loading.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from engine.data.headers import non_product_word
from engine.errors import SchemaError
from engine.i18n import N_, _

RETURNS = ("drop", "net")
#: DataReport.dropped key of each filter (returns "drop" keeps the key earlier versions used).
LABELS = {"non_products": N_("non-product codes"), "returns": N_("quantity <= 0 (returns/cancellations)"),
          "returns_net": N_("purchases returned in full (net quantity <= 0)"), "dates": N_("outside the date range"),
          "min_user": N_("customers with too few events"), "min_item": N_("items with too few events")}
#: How a report names each way of merging duplicate rows (``merged_label``).
DEDUP_WORDS = {"sum": N_("values added up"), "max": N_("largest value kept"), "first": N_("first row kept"),
               "last": N_("last row kept")}
#: Candidates shown at most.
MAX_CANDIDATES = 60


def merged_label(dedup: str) -> str:
    """DataReport.dropped key of the duplicate rows merged by ``dedup`` ("sum", "max", ...), in the
    interface language; the in-memory and the out-of-core import report the same key."""
    return _("duplicate rows merged ({dedup})").format(dedup=_(DEDUP_WORDS.get(dedup, dedup)))


@dataclass
class LoadFilters:
    """exclude_items: item codes (as text) the user confirmed as non-products; returns: "drop" or
    "net"; date_from / date_to: ISO dates (inclusive) or None; min_user_events / min_item_events:
    least events a customer / item keeps (1: no limit)."""

    exclude_items: list[str] = field(default_factory=list)
    returns: str = "drop"
    date_from: str | None = None
    date_to: str | None = None
    min_user_events: int = 1
    min_item_events: int = 1

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None, what: str = "filters") -> "LoadFilters":
        """LoadFilters from a dict (a recipe, a project); SchemaError naming ``what`` on a bad value."""
        d = dict(d or {})
        unknown = set(d) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise SchemaError(_("{what}: unknown filter(s) {v1}").format(what=what, v1=', '.join(sorted(unknown))))
        out = cls(**d)
        out.check(what)
        return out

    def check(self, what: str = "filters") -> None:
        if not isinstance(self.exclude_items, list) or not all(isinstance(x, str) for x in self.exclude_items):
            raise SchemaError(_("{what}: exclude_items must be a list of item codes").format(what=what))
        if self.returns not in RETURNS:
            raise SchemaError(_("{what}: returns must be one of {RETURNS}, not {returns!r}").format(what=what, RETURNS=', '.join(RETURNS), returns=self.returns))
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and _day(value) is None:
                raise SchemaError(_("{what}: {name} must be a date like 2011-06-30, not {value!r}").format(what=what, name=name, value=value))
        for name in ("min_user_events", "min_item_events"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SchemaError(_("{what}: {name} must be a whole number of at least 1, not {value!r}").format(what=what, name=name, value=value))

    def active(self) -> bool:
        return self != LoadFilters()


def _day(text) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(str(text)).tz_localize(None).normalize()
    except (ValueError, TypeError):
        return None


def apply_filters(keep: np.ndarray, filters: LoadFilters, *, users: np.ndarray, items: np.ndarray,
                  quantities: np.ndarray | None, seconds: np.ndarray | None) -> dict[str, int]:
    """Clear ``keep`` (n,) bool in place where a filter removes a row; -> label -> rows removed.

    users, items: (n,) ids as text; quantities: (n,) float or None (no quantity column: the
    returns filter does nothing); seconds: (n,) epoch seconds or None (no time: no date range).
    """
    removed: dict[str, int] = {}

    def drop(mask: np.ndarray, key: str) -> None:
        n = int((mask & keep).sum())
        if n:
            label = _(LABELS[key])
            removed[label] = removed.get(label, 0) + n
            keep[mask] = False

    if filters.exclude_items:
        drop(np.isin(items, np.asarray(filters.exclude_items, dtype=object)), "non_products")
    if quantities is not None:
        before = keep.copy()
        drop(quantities <= 0, "returns")
        if filters.returns == "net":
            drop(_returned_in_full(before, users, items, quantities), "returns_net")
    if seconds is not None and (filters.date_from or filters.date_to):
        day = pd.to_datetime(seconds, unit="s", utc=True).tz_localize(None).normalize().to_numpy()
        outside = np.zeros(len(keep), dtype=bool)
        if filters.date_from:
            outside |= day < _day(filters.date_from).to_datetime64()
        if filters.date_to:
            outside |= day > _day(filters.date_to).to_datetime64()
        drop(outside & ~np.isnan(seconds), "dates")
    if filters.min_user_events > 1 or filters.min_item_events > 1:
        _min_events(keep, users, items, filters, drop)
    return removed


def _returned_in_full(rows: np.ndarray, users, items, quantities) -> np.ndarray:
    """(n,) bool: rows of customer–item pairs whose quantities (among ``rows``) sum to <= 0."""
    df = pd.DataFrame({"u": users[rows], "i": items[rows], "q": quantities[rows]})
    net = df.groupby(["u", "i"], sort=False)["q"].transform("sum").to_numpy()
    out = np.zeros(len(rows), dtype=bool)
    out[np.flatnonzero(rows)] = net <= 0
    return out


def _min_events(keep, users, items, filters: LoadFilters, drop) -> None:
    """Drop customers and items with fewer events than asked, until every one left has enough."""
    u_codes, u_idx = np.unique(users.astype(str), return_inverse=True)
    i_codes, i_idx = np.unique(items.astype(str), return_inverse=True)
    while True:
        u = np.bincount(u_idx[keep], minlength=len(u_codes))
        i = np.bincount(i_idx[keep], minlength=len(i_codes))
        few_u = keep & (u[u_idx] < filters.min_user_events)
        few_i = keep & (i[i_idx] < filters.min_item_events)
        if not few_u.any() and not few_i.any():
            return
        drop(few_u, "min_user")
        drop(few_i, "min_item")


# ---- non-product candidates ------------------------------------------------------------------------
@dataclass
class Candidate:
    """An item code that looks like no product: its title, rows, and why, in words."""

    item: str
    title: str | None
    rows: int
    reasons: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


def propose_non_products(items: np.ndarray, *, titles: np.ndarray | None = None, users: np.ndarray | None = None,
                         baskets: np.ndarray | None = None, prices: np.ndarray | None = None) -> list[Candidate]:
    """Codes to offer for removal, most rows first (at most MAX_CANDIDATES):

    - the code has no digit where nearly all codes have one ("POST" among "85123A"s);
    - it has a price and sits in most orders of the customers who ever have it (postage charged
      on every order);
    - its title (five words at most) starts or ends with a word such as postage, fee, charge,
      adjustment (Porto, 运费, 送料, ...): "FRENCH CARRIAGE LANTERN" is a product.

    items, titles, users, baskets: (n,) per row (text); prices: (n,) float. Nothing is removed
    here: the user confirms the codes (``LoadFilters.exclude_items``).
    """
    codes = pd.Series(items, dtype=object).astype(str)
    ok = pd.Series(items, dtype=object).notna().to_numpy()
    rows = codes[ok].value_counts()
    reasons: dict[str, list[str]] = {}

    def add(code: str, why: str) -> None:
        reasons.setdefault(code, []).append(why)

    distinct = pd.Series(rows.index, dtype=object)
    digits = distinct.str.contains(r"\d", regex=True)
    if len(distinct) >= 20 and digits.mean() >= 0.9:
        for code in distinct[~digits]:
            add(code, _("code without digits, unlike {v0:.0%} of the {distinct:,} codes").format(v0=digits.mean(), distinct=len(distinct)))
    if baskets is not None and users is not None:
        for code, share, n_users in _in_most_orders(codes, ok, users, baskets, prices):
            add(code, _("in {share:.0%} of the orders of the {n_users:,} customers who have it").format(share=share, n_users=n_users))
    title_of = {}
    if titles is not None:
        t = pd.DataFrame({"c": codes[ok].to_numpy(), "t": pd.Series(titles, dtype=object)[ok].to_numpy()}).dropna()
        title_of = t.drop_duplicates("c").set_index("c")["t"].astype(str).to_dict()
        for code, title in title_of.items():
            words = re.findall(r"\w+", title)
            hit = non_product_word(title) if len(words) <= 5 else None
            if hit is not None and (len(words) <= 2 or non_product_word(words[0]) or non_product_word(words[-1])):
                add(code, _("title says '{v0}' ({v1})").format(v0=hit[0], v1=hit[1]))
    out = [Candidate(code, title_of.get(code), int(rows.get(code, 0)), why) for code, why in reasons.items()]
    out.sort(key=lambda c: (-len(c.reasons), -c.rows, c.item))
    return out[:MAX_CANDIDATES]


def _in_most_orders(codes: pd.Series, ok, users, baskets, prices, share_min: float = 0.6, users_min: int = 10):
    """(code, share, customers) of priced codes in at least ``share_min`` of the orders of the (at
    least ``users_min``) customers who ever have them, each having two or more orders on average."""
    df = pd.DataFrame({"i": codes.to_numpy(), "u": pd.Series(users, dtype=object).to_numpy(),
                       "b": pd.Series(baskets, dtype=object).to_numpy()})
    keep = ok & df["u"].notna().to_numpy() & df["b"].notna().to_numpy()
    if prices is not None:
        keep &= np.nan_to_num(np.asarray(prices, dtype=float)) > 0
    df = df[keep]
    if df.empty:
        return []
    ub = df[["u", "b"]].drop_duplicates()
    per_user = ub.groupby("u").size()
    pairs = df.drop_duplicates(["i", "u", "b"])
    have = pairs.drop_duplicates(["i", "u"])
    n_users = have.groupby("i").size()
    denom = have["u"].map(per_user).groupby(have["i"]).sum()
    share = pairs.groupby("i").size() / denom
    mean_orders = denom / n_users
    hit = (share >= share_min) & (n_users >= users_min) & (mean_orders >= 2)
    return [(str(c), float(share[c]), int(n_users[c])) for c in share.index[hit.to_numpy()]]
