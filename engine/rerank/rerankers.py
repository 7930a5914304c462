"""Re-rankers applied after any model's scores: a ``Reranker`` binds a ``RuleSet`` to an item
universe (catalog columns, popularity, item vectors) and maps a batch of scores to top-K lists.

Pipeline for a batch ``scores`` (n_users, n_items) float32, seen items already -inf:

1. score stage (order-free): per-user z-standardisation of the scores, the long-tail penalty
   ``- w * z(log(1 + popularity))``, boosts (in standard deviations of the user's scores),
   exclusions / only-filters (-inf), then buried items below every other candidate;
2. list stage, on the ranked candidate list of each user: pinned items first (locked), then
   ``max_per``, ``diversity`` and ``min_share`` in spec order. Locked (pinned) items count
   toward caps and quotas but are never removed or moved.

The list stage works on the top ``pool`` candidates; rows whose result could depend on items
beyond the pool (a list left short by ``max_per``, an unmet ``min_share`` quota) are redone on
the full ranking, so caps and quotas are exact. ``diversity`` re-ranks the first
``max(100, 10 K)`` candidates (maximal marginal relevance, similarity clipped at 0).
Items without a catalog value never match a condition and belong to no group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.data.interactions import index_of, normalize_ids
from engine.errors import ValidationError
from engine.models.ranking import topk
from engine.rerank.rules import Rule, RuleSet, parse_rules


@dataclass
class RerankBatch:
    """items: (n, K) int64 re-ranked item indices (-1 pads short lists); raw: (n, K) the model's
    own top-K. records: per user, entries {"item", "raw_rank", "rank", "reasons"} (ranks from 1,
    None when outside the list) for items that moved or carry a reason; None unless explained."""

    items: np.ndarray
    raw: np.ndarray
    records: list[list[dict]] | None = None


class Reranker:
    """``rules`` bound to ``item_ids`` (n_items,) external ids.

    catalog: ItemCatalog for column rules. popularity: (n_items,) training counts for long_tail.
    item_vectors: (n_items, d) embeddings for ``diversity`` with ``"embeddings": true``.
    pool: candidates per user for the list stage (default max(200, 20 K)); results do not depend
    on it except through ``diversity``'s candidate window.
    ``warnings`` lists listed items or groups that are not in the data.
    """

    def __init__(self, rules, item_ids, *, catalog=None, popularity=None, item_vectors=None,
                 pool: int | None = None) -> None:
        self.rules: RuleSet = parse_rules(rules)
        self.item_ids = np.asarray(item_ids)
        self.n_items = m = len(self.item_ids)
        self.pool = pool
        self.warnings: list[str] = []
        self._aligned = None
        self._catalog = catalog
        self.score_ops: list[tuple] = []   # (rule, payload)
        self.list_ops: list[tuple] = []
        self.pins = np.empty(0, np.int64)
        for rule in self.rules:
            p = rule.params
            if rule.type == "long_tail":
                if popularity is None:
                    raise rule.error("needs item popularity (the training data)")
                pop = np.asarray(popularity, dtype=np.float64).reshape(-1)
                if pop.shape != (m,):
                    raise rule.error(f"popularity has {pop.shape[0]} entries for {m} items")
                self.score_ops.append((rule, np.log1p(np.maximum(pop, 0.0))))
            elif rule.type in ("boost_where", "exclude_where", "only"):
                match = self._where(rule)
                self.score_ops.append((rule, ~match if rule.type == "only" else match))
            elif rule.type in ("exclude_items", "bury_items"):
                mask = np.zeros(m, bool)
                mask[self._items(rule)] = True
                self.score_ops.append((rule, mask))
            elif rule.type == "pin_items":
                pins = self._items(rule)
                self.pins = np.concatenate([self.pins, pins[~np.isin(pins, self.pins)]])
            elif rule.type == "max_per":
                self.list_ops.append((rule, self._groups(rule)))
            elif rule.type == "min_share":
                codes, labels = self._groups(rule)
                wanted = labels if p["groups"] is None else [str(g) for g in p["groups"]]
                missing = [g for g in wanted if g not in labels]
                if missing:
                    self.warnings.append(f"{rule.label}: group(s) not in column '{p['column']}': "
                                         f"{', '.join(missing[:10])}")
                req = np.array([labels.index(g) for g in wanted if g in labels], dtype=np.int64)
                self.list_ops.append((rule, (codes, labels, req)))
            elif rule.type == "diversity":
                if p["embeddings"]:
                    if item_vectors is None:
                        raise rule.error("this model has no item embeddings; use a catalog column instead")
                    vec = np.asarray(item_vectors, dtype=np.float32)
                    if vec.ndim != 2 or vec.shape[0] != m:
                        raise rule.error(f"item vectors have shape {vec.shape}, expected ({m}, d)")
                    norm = np.linalg.norm(vec, axis=1, keepdims=True)
                    self.list_ops.append((rule, ("vectors", vec / np.where(norm > 0, norm, 1.0))))
                else:
                    self.list_ops.append((rule, ("codes", self._groups(rule))))

    # ---- binding helpers ----------------------------------------------------------------------
    def column_values(self, column: str, label: str = "") -> pd.Series:
        """Catalog ``column`` (a column name or a role) aligned to the item universe, (n_items,);
        ValidationError (prefixed with ``label``) when there is no such column."""
        prefix = f"{label}: " if label else ""
        cat = self._catalog
        if cat is None:
            raise ValidationError(f"{prefix}column '{column}' needs an item catalog (give one with --catalog)")
        frame = cat.frame
        name = column if column in frame.columns else cat.roles.get(column)
        if name is None or name not in frame.columns:
            cols = ", ".join(map(str, frame.columns)) or "none"
            raise ValidationError(f"{prefix}column '{column}' is not in the catalog; catalog columns: {cols}")
        if self._aligned is None:
            self._aligned = cat.align(self.item_ids)
        return self._aligned[name]

    def group_codes(self, column: str, label: str = "") -> tuple[np.ndarray, list[str]]:
        """(n_items,) int64 group codes of ``column`` (-1 = no value) and the labels (str, sorted)."""
        s = self.column_values(column, label)
        text = s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v))
        codes, uniques = pd.factorize(text, sort=True)
        return codes.astype(np.int64), [str(u) for u in uniques]

    def _column(self, rule: Rule) -> pd.Series:
        return self.column_values(rule.params["column"], rule.label)

    def _where(self, rule: Rule) -> np.ndarray:
        """(n_items,) bool: items where ``column op value`` holds (missing values never match)."""
        s = self._column(rule)
        op, value, col = rule.params["op"], rule.params["value"], rule.params["column"]
        values = value if op == "in" else [value]
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            nums = []
            for v in values:
                try:
                    if isinstance(v, bool):
                        raise ValueError
                    nums.append(float(v))
                except (TypeError, ValueError):
                    raise rule.error(f"column '{col}' is numeric; value {v!r} is not a number") from None
            x = s.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            if op in ("<", "<=", ">", ">="):
                raise rule.error(f"op '{op}' needs a numeric column; column '{col}' holds text")
            nums = [str(v) for v in values]
            present = s.notna().to_numpy()
            x = np.where(present, s.astype(str).to_numpy(dtype=object), None)
        if op == "in":
            match = np.isin(x, np.array(nums, dtype=x.dtype))
        else:
            v = nums[0]
            with np.errstate(invalid="ignore"):
                match = {"=": lambda: x == v, "!=": lambda: x != v, "<": lambda: x < v,
                         "<=": lambda: x <= v, ">": lambda: x > v, ">=": lambda: x >= v}[op]()
        present = s.notna().to_numpy()
        return np.asarray(match, dtype=bool) & present

    def _groups(self, rule: Rule) -> tuple[np.ndarray, list[str]]:
        return self.group_codes(rule.params["column"], rule.label)

    def _items(self, rule: Rule) -> np.ndarray:
        """Internal indices of the rule's listed items that exist; the rest go to ``warnings``."""
        listed = rule.params["items"]
        idx = index_of(normalize_ids(listed), self.item_ids)
        if np.any(idx < 0):
            unknown = [str(v) for v, i in zip(listed, idx) if i < 0]
            self.warnings.append(f"{rule.label}: {len(unknown)} item(s) not in the data: {', '.join(unknown[:10])}")
        return np.unique(idx[idx >= 0]) if rule.type != "pin_items" else idx[idx >= 0]

    # ---- application --------------------------------------------------------------------------
    def adjust(self, scores: np.ndarray) -> np.ndarray:
        """Score stage: (n, n_items) scores -> (n, n_items) float32 adjusted scores (-inf: not a
        candidate). Without long-tail or boost rules the scores stay as they are (z-scores only
        matter when terms are added). A long-tail rule mixes z(score) and -z(log popularity) on
        each user's shortlist; the candidates outside it, then buried items, are shifted below
        the rest (tiers), keeping their order within a tier. Boosts are added after; exclusions
        come first, so a shortlist holds only candidates."""
        scores = scores.copy()
        tier = np.zeros(scores.shape, np.int8)
        for rule, payload in self.score_ops:
            if rule.type in ("exclude_where", "only", "exclude_items"):
                scores[:, payload] = -np.inf
            elif rule.type == "bury_items":
                tier[:, payload] = 2
        finite = np.isfinite(scores)
        long_tail = [(r, p) for r, p in self.score_ops if r.type == "long_tail" and r.params["weight"] > 0]
        boosts = [(r, p) for r, p in self.score_ops if r.type == "boost_where"]
        adj = _zscore_rows(scores, finite) if long_tail or boosts else scores
        for rule, log_pop in long_tail:
            w = np.float32(rule.params["weight"])
            pool = _shortlist(scores, finite, rule.params["pool"])
            zlp = _zscore_rows(np.broadcast_to(log_pop.astype(np.float32), scores.shape), pool)
            with np.errstate(invalid="ignore"):  # inf - inf outside the shortlist, discarded
                adj = np.where(pool, (1 - w) * _zscore_rows(scores, pool) - w * zlp, adj)
            tier[finite & ~pool & (tier == 0)] = 1
        for rule, match in boosts:
            adj[:, match] += np.float32(rule.params["amount"])
        if tier.any():
            fin = np.isfinite(adj)
            hi = np.where(fin, adj, -np.inf).max(axis=1, initial=-np.inf)
            lo = np.where(fin, adj, np.inf).min(axis=1, initial=np.inf)
            span = np.where(np.isfinite(hi - lo), hi - lo, 0.0) + 1.0
            adj -= tier * span[:, None].astype(np.float32)
        return adj

    def apply(self, scores: np.ndarray, k: int, explain: bool = False) -> RerankBatch:
        """(n, n_items) float32 scores (seen items -inf) -> ``RerankBatch`` of top-``k`` lists."""
        scores = np.asarray(scores, dtype=np.float32)
        n, m = scores.shape
        k = min(int(k), m)
        raw, _ = topk(scores, k)
        adj = self.adjust(scores)
        pool = min(m, max(int(self.pool), k) if self.pool else max(200, 20 * k))
        items, marks, short = self._list_stage(adj, k, pool, explain)
        redo = np.flatnonzero(short & (np.isfinite(adj).sum(axis=1) > pool)) if pool < m else np.empty(0, int)
        if redo.size:
            items2, marks2, _ = self._list_stage(adj[redo], k, m, explain)
            items[redo] = items2
            if explain:
                redo_set = set(redo.tolist())
                marks = [mk for mk in marks if mk[0] not in redo_set] + [(int(redo[r]), i, t) for r, i, t in marks2]
        records = self._records(scores, raw, items, marks) if explain else None
        return RerankBatch(items, raw, records)

    def _list_stage(self, adj: np.ndarray, k: int, pool: int, explain: bool):
        """Top-``k`` (n, k) after pins and list rules, marks [(row, item, reason)], short (n,) bool."""
        n = adj.shape[0]
        order, _ = topk(adj, pool)                                        # (n, pool), -1 padded
        marks: list[tuple[int, int, str]] = []
        locked = np.zeros(order.shape, bool)
        if self.pins.size:
            avail = np.isfinite(adj[:, self.pins])                        # (n, p)
            head = _compact(np.broadcast_to(self.pins, avail.shape), avail)
            rest = _compact(order, (order >= 0) & ~np.isin(order, self.pins))
            order = np.concatenate([head, rest], axis=1)
            locked = np.arange(order.shape[1])[None, :] < avail.sum(axis=1)[:, None]
            if explain:
                r, c = np.nonzero(locked)
                marks += [(int(a), int(order[a, b]), "pinned") for a, b in zip(r, c)]
        short = np.zeros(n, bool)
        for rule, payload in self.list_ops:
            fn = {"max_per": _max_per, "min_share": _min_share, "diversity": _diversity}[rule.type]
            order, mk, sh = fn(rule, payload, order, locked, adj, k, explain)
            marks += mk
            short |= sh
        return order[:, :k].copy(), marks, short

    def _records(self, scores, raw, items, marks) -> list[list[dict]]:
        """Per-user explanation entries for items in the raw or the re-ranked top-K."""
        n, k = items.shape
        finite = np.isfinite(scores)
        by_row: dict[int, dict[int, list[str]]] = {}
        for r, i, text in marks:
            by_row.setdefault(r, {}).setdefault(i, []).append(text)
        lt = [_zscore_rows(np.broadcast_to(lp, scores.shape), _shortlist(scores, finite, rule.params["pool"]))
              for rule, lp in self.score_ops if rule.type == "long_tail" and rule.params["weight"] > 0]
        out = []
        for u in range(n):
            raw_rank = {int(i): r + 1 for r, i in enumerate(raw[u]) if i >= 0}
            new_rank = {int(i): r + 1 for r, i in enumerate(items[u]) if i >= 0}
            entries = []
            for i in list(new_rank) + [i for i in raw_rank if i not in new_rank]:
                a, b = raw_rank.get(i), new_rank.get(i)
                up = b is not None and (a is None or b < a)
                down = a is not None and (b is None or b > a)
                reasons = [_score_reason(rule) for rule, payload in self.score_ops
                           if rule.type != "long_tail" and payload[i]]
                if not any(r.startswith("excluded") for r in reasons):   # an exclusion says it all
                    for zlp in lt:
                        if np.isfinite(zlp[u, i]) and zlp[u, i] < 0 and up:
                            reasons.append("boosted: long tail")
                        elif np.isfinite(zlp[u, i]) and zlp[u, i] > 0 and down:
                            reasons.append("demoted: popular item (long tail)")
                    reasons += by_row.get(u, {}).get(i, [])
                if reasons or a != b:
                    entries.append({"item": i, "raw_rank": a, "rank": b, "reasons": reasons})
            out.append(entries)
        return out


def _score_reason(rule: Rule) -> str:
    t = rule.type
    if t == "boost_where":
        amount = rule.params["amount"]
        return f"{'boosted' if amount >= 0 else 'demoted'}: {rule.condition()} ({amount:+g} sd)"
    return {"exclude_where": lambda: f"excluded: {rule.condition()}",
            "only": lambda: f"excluded: not {rule.condition()}",
            "exclude_items": lambda: "excluded: listed item",
            "bury_items": lambda: "buried: listed item"}[t]()


# ---- list rules: (rule, payload, order (n, P), locked (n, P), adj, k, explain) -> order, marks, short
def _max_per(rule, payload, order, locked, adj, k, explain):
    codes, labels = payload
    n_max = rule.params["n"]
    pos_codes = np.where(order >= 0, codes[np.maximum(order, 0)], -1)
    cc = _cumcount(pos_codes)
    drop = (pos_codes >= 0) & (cc >= n_max) & ~locked
    marks = []
    if explain:
        col = rule.params["column"]
        r, c = np.nonzero(drop[:, :max(k, 1) * 4])
        marks = [(int(a), int(order[a, b]), f"demoted: {_ordinal(int(cc[a, b]) + 1)} in {col} {labels[pos_codes[a, b]]}")
                 for a, b in zip(r, c)]
    new = _compact(order, (order >= 0) & ~drop)
    short = (new[:, :k] >= 0).sum(axis=1) < k
    return new, marks, short


def _min_share(rule, payload, order, locked, adj, k, explain):
    codes, labels, req = payload
    quota = math.ceil(rule.params["share"] * k)
    if len(req) * quota > k:
        raise rule.error(f"{len(req)} groups x {quota} slots (share {rule.params['share']:g} of k={k}) "
                         f"need more than {k} slots; list fewer groups or lower the share")
    valid = order >= 0
    pos_codes = np.where(valid, codes[np.maximum(order, 0)], -1)
    is_req = valid & np.isin(pos_codes, req)
    locked_same = np.zeros(order.shape, np.int64)                    # locked items of the same group
    for j in range(int(locked.sum(axis=1).max(initial=0))):
        locked_same += (locked[:, j:j + 1] & (pos_codes[:, j:j + 1] == pos_codes) & (pos_codes >= 0))
    cc = _cumcount(np.where(is_req & ~locked, pos_codes, -1))
    reserved = is_req & ~locked & (cc < quota - locked_same)
    room = np.maximum(k - locked.sum(axis=1), 0)
    reserved &= (np.cumsum(reserved, axis=1) <= room[:, None])
    others = valid & ~locked & ~reserved
    fill = others & (np.cumsum(others, axis=1) <= (room - reserved.sum(axis=1))[:, None])
    chosen = locked | reserved | fill
    key = np.where(chosen, 0, np.where(valid, 1, 2))
    idx = np.argsort(key, axis=1, kind="stable")
    new = np.take_along_axis(order, idx, axis=1)
    got = np.stack([((pos_codes == g) & chosen).sum(axis=1) for g in req], axis=1) if len(req) else None
    short = (got < quota).any(axis=1) if got is not None else np.zeros(order.shape[0], bool)
    marks = []
    if explain:
        col = rule.params["column"]
        r, c = np.nonzero(reserved[:, k:])
        marks = [(int(a), int(order[a, b + k]), f"promoted: min share of {col} {labels[pos_codes[a, b + k]]}")
                 for a, b in zip(r, c)]
        r, c = np.nonzero(valid[:, :k] & ~chosen[:, :k])
        marks += [(int(a), int(order[a, b]), f"demoted: made room for min share of {col}") for a, b in zip(r, c)]
    return new, marks, short


def _diversity(rule, payload, order, locked, adj, k, explain):
    """Maximal marginal relevance: pick argmax λ·rel − (1−λ)·max similarity to the picked items."""
    kind, data = payload
    lam = rule.params["lambda"]
    n, width = order.shape
    w = min(width, max(100, 10 * k))
    cand = order[:, :w]
    valid = cand >= 0
    rows = np.arange(n)
    rel = np.where(valid, adj[rows[:, None], np.maximum(cand, 0)], 0.0).astype(np.float64)
    lo = np.where(valid, rel, np.inf).min(axis=1)
    hi = np.where(valid, rel, -np.inf).max(axis=1)
    ok_rows = hi > lo
    rel = np.where(valid & ok_rows[:, None], (rel - np.where(ok_rows, lo, 0.0)[:, None])
                   / np.where(ok_rows, hi - lo, 1.0)[:, None], 0.0)
    if kind == "codes":
        codes, labels = data
        cand_codes = np.where(valid, codes[np.maximum(cand, 0)], -1)
    else:
        vecs = data[np.maximum(cand, 0)]                                   # (n, w, d)
    n_locked = locked[:, :w].sum(axis=1)
    picked = np.zeros((n, w), bool)
    maxsim = np.zeros((n, w))
    picks = np.full((n, min(k, w)), -1, np.int64)
    for t in range(min(k, w)):
        mmr = np.where(valid & ~picked, lam * rel - (1 - lam) * maxsim, -np.inf)
        pick = np.where(t < n_locked, t, np.argmax(mmr, axis=1))
        ok = (t < n_locked) | np.isfinite(mmr[rows, pick])
        picks[:, t] = np.where(ok, pick, -1)
        picked[rows[ok], pick[ok]] = True
        if kind == "codes":
            pc = cand_codes[rows, pick]
            sim = (cand_codes == pc[:, None]) & (pc[:, None] >= 0)
        else:
            sim = np.maximum(np.einsum("nwd,nd->nw", vecs, vecs[rows, pick]), 0.0)
        maxsim = np.where(ok[:, None], np.maximum(maxsim, sim), maxsim)
    head = np.where(picks >= 0, cand[rows[:, None], np.maximum(picks, 0)], -1)
    head = _compact(head, head >= 0)
    rest = _compact(cand, valid & ~picked)
    new = np.concatenate([head, rest, order[:, w:]], axis=1)
    new = _compact(new, new >= 0)
    marks = []
    if explain:
        top_old = order[:, :k]
        in_new = np.array([np.isin(top_old[u], new[u, :k]) for u in range(n)]).reshape(top_old.shape)
        in_old = np.array([np.isin(new[u, :k], top_old[u]) for u in range(n)]).reshape(new[:, :k].shape)
        col = rule.params["column"]
        for u, j in zip(*np.nonzero((top_old >= 0) & ~in_new)):
            item = int(top_old[u, j])
            why = (f"{col} {labels[codes[item]]} already in the list" if kind == "codes" and codes[item] >= 0
                   else "similar items above")
            marks.append((int(u), item, f"demoted: diversity ({why})"))
        for u, j in zip(*np.nonzero((new[:, :k] >= 0) & ~in_old)):
            marks.append((int(u), int(new[u, j]), "promoted: diversity"))
    return new, marks, np.zeros(n, bool)


# ---- array helpers ------------------------------------------------------------------------------
def _zscore_rows(x: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """Per-row z-scores over the ``finite`` entries; (n, m) -> (n, m) float32, -inf elsewhere.
    A row with zero spread gets 0. Float32 arithmetic, row sums in float64."""
    cnt = np.maximum(finite.sum(axis=1), 1)
    z = np.where(finite, x, np.float32(0.0)).astype(np.float32, copy=False)
    mean = z.sum(axis=1, dtype=np.float64) / cnt
    z -= mean[:, None].astype(np.float32)
    z[~finite] = 0.0
    std = np.sqrt(np.einsum("ij,ij->i", z, z, dtype=np.float64) / cnt)
    z *= (1.0 / np.where(std > 0, std, 1.0)).astype(np.float32)[:, None]
    z[~finite] = -np.inf
    return z


def _shortlist(scores: np.ndarray, finite: np.ndarray, size: int | None) -> np.ndarray:
    """(n, m) bool: each row's top-``size`` finite scores (ties: lower index, as in ``topk``);
    all finite entries when ``size`` is None."""
    n, m = scores.shape
    if size is None or size >= m:
        return finite.copy()
    idx, _ = topk(scores, size)
    out = np.zeros((n, m), bool)
    rows = np.broadcast_to(np.arange(n)[:, None], idx.shape)
    out[rows[idx >= 0], idx[idx >= 0]] = True
    return out


def _compact(order: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Kept entries of each row moved to the front in their order, -1 after. (n, P) -> (n, P)."""
    idx = np.argsort(~keep, axis=1, kind="stable")
    return np.where(np.take_along_axis(keep, idx, axis=1), np.take_along_axis(order, idx, axis=1), -1)


def _cumcount(codes: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions of the row hold the same code (codes < 0:
    ignored, result 0). (n, P) int -> (n, P) int64."""
    n, p = codes.shape
    idx = np.argsort(codes, axis=1, kind="stable")
    sc = np.take_along_axis(codes, idx, axis=1)
    pos = np.broadcast_to(np.arange(p), (n, p))
    start = np.ones((n, p), bool)
    start[:, 1:] = sc[:, 1:] != sc[:, :-1]
    run_start = np.maximum.accumulate(np.where(start, pos, 0), axis=1)
    out = np.empty((n, p), np.int64)
    np.put_along_axis(out, idx, pos - run_start, axis=1)
    return np.where(codes >= 0, out, 0)


def _ordinal(i: int) -> str:
    suffix = "th" if 10 <= i % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")
    return f"{i}{suffix}"
