"""Re-ranked top-K lists for a fitted model, and their measured effect.

``RerankedModel`` wraps a fitted model so that ``engine.evaluate.evaluate`` measures the
re-ranked lists exactly like a model's own (same protocol, same metric code): its ``recommend``
returns the re-ranked lists. With several cut-offs the metrics at a smaller k use the prefix of
the list built for the largest k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import EngineError
from engine.progress import CancelToken, ProgressCallback, check, emit, scaled
from engine.rerank.rerankers import Reranker
from engine.rerank.rules import RuleSet, parse_rules
from engine.i18n import N_, _

#: Floats per score block: rows per batch = this // n_items (at most 1024).
_BLOCK_FLOATS = 1 << 22
#: Item popularity groups of the exposure report: (label, share of training purchases held by more
#: popular items below which an item belongs to the group).
POPULARITY_GROUPS = ((N_("bestsellers (top 20 % of purchases)"), 0.2), (N_("middle (next 60 %)"), 0.8),
                     (N_("long tail (last 20 %)"), 1.01))
#: Share of training interactions that defines the "head" for the exposure report.
HEAD_SHARE = 0.2


def build_reranker(model, rules, catalog=None) -> Reranker:
    """A ``Reranker`` for ``model``'s items: popularity = distinct training users per item,
    item vectors = the model's ``item_factors_`` when it has them."""
    if getattr(model, "item_ids_", None) is None:
        raise EngineError(f"model {getattr(model, 'name', '?')} is not fitted yet")
    popularity = np.asarray(model.seen_.sum(axis=0)).ravel()
    return Reranker(rules, model.item_ids_, catalog=catalog, popularity=popularity,
                    item_vectors=getattr(model, "item_factors_", None))


class RerankedModel:
    """A fitted ``model`` whose ``recommend`` applies ``rules`` (duck-types the model interface
    that ``engine.evaluate.evaluate`` uses). ``score`` stays the model's own.

    exposure_ / raw_exposure_: (n_items,) int64 times each item appeared in the re-ranked / the
    model's own lists returned so far (``reset_exposure`` clears them).
    """

    def __init__(self, model, rules, catalog=None, *, reranker: Reranker | None = None,
                 cancel: CancelToken | None = None) -> None:
        self.model = model
        self.reranker = reranker or build_reranker(model, rules, catalog)
        self.rules = self.reranker.rules
        self.name = model.name
        self.user_ids_, self.item_ids_, self.seen_ = model.user_ids_, model.item_ids_, model.seen_
        self.cancel = cancel
        self.reset_exposure()

    @property
    def n_users(self) -> int:
        return self.model.n_users

    @property
    def n_items(self) -> int:
        return self.model.n_items

    def reset_exposure(self) -> None:
        self.exposure_ = np.zeros(self.model.n_items, np.int64)
        self.raw_exposure_ = np.zeros(self.model.n_items, np.int64)

    def score(self, user_indices) -> np.ndarray:
        return self.model.score(user_indices)

    def recommend(self, users, k: int = 10, exclude_seen: bool = True, batch_size: int = 1024,
                  explain: bool = False):
        """Re-ranked top-``k`` item indices (n, k) int64 (-1 pads) and the model's own scores of
        those items (n, k) float32 (not monotone: rules reorder). ``explain`` adds the records."""
        from engine.models.ranking import mask_seen
        users = np.asarray(users, dtype=np.int64).reshape(-1)
        step = max(1, min(int(batch_size), _BLOCK_FLOATS // max(self.n_items, 1), 1024))
        out_i, out_s, records = [], [], []
        for start in range(0, len(users), step):
            check(self.cancel)
            rows = users[start:start + step]
            s = self.model.score(rows)
            if exclude_seen:
                mask_seen(s, self.seen_, rows)
            batch = self.reranker.apply(s, k, explain=explain)
            for arr, counts in ((batch.items, self.exposure_), (batch.raw, self.raw_exposure_)):
                np.add.at(counts, arr[arr >= 0], 1)
            out_i.append(batch.items)
            out_s.append(np.where(batch.items >= 0, np.take_along_axis(s, np.maximum(batch.items, 0), axis=1),
                                  -np.inf).astype(np.float32))
            if explain:
                records += batch.records
        width = min(int(k), self.n_items)
        items = np.concatenate(out_i) if out_i else np.empty((0, width), np.int64)
        scores = np.concatenate(out_s) if out_s else np.empty((0, width), np.float32)
        return (items, scores, records) if explain else (items, scores)


@dataclass
class RerankResult:
    """items / raw: (n, k) internal item indices of the re-ranked / the model's own lists (-1
    pads); item_ids: (n, k) external ids (None for padding); records: per user, entries
    {"item": external id, "raw_rank", "rank", "reasons"}; warnings from binding the rules."""

    users: np.ndarray
    items: np.ndarray
    item_ids: list[list]
    records: list[list[dict]] | None
    warnings: list[str]


def rerank_topk(model, users, k: int, rules, catalog=None, *, explain: bool = True,
                progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> RerankResult:
    """Re-ranked top-``k`` for internal ``users`` (n,) of fitted ``model`` under ``rules``."""
    wrapped = RerankedModel(model, rules, catalog, cancel=cancel)
    users = np.asarray(users, dtype=np.int64).reshape(-1)
    if users.size and (users.min() < 0 or users.max() >= model.n_users):
        raise EngineError(f"user index out of range 0..{model.n_users - 1}")
    ids = model.item_ids_
    items_all, records_all = [], []
    step = 1024
    for start in range(0, max(len(users), 1), step):
        rows = users[start:start + step]
        out = wrapped.recommend(rows, k, explain=explain)
        items_all.append(out[0])
        if explain:
            for entries in out[2]:
                records_all.append([{**e, "item": _external(ids[e["item"]])} for e in entries])
        emit(progress, min(start + step, len(users)) / max(len(users), 1), "re-ranking", "rerank")
    items = np.concatenate(items_all)
    item_ids = [[_external(ids[i]) if i >= 0 else None for i in row] for row in items.tolist()]
    return RerankResult(users, items, item_ids, records_all if explain else None, list(wrapped.reranker.warnings))


def _external(v):
    return v if isinstance(v, str) else int(v)


@dataclass
class RulesEvaluation:
    """metrics / raw_metrics: engine.evaluate metrics of the re-ranked / the model's own lists;
    exposure: {"head_share", "raw_head_share", "groups": {column: [{"group", "reranked", "raw",
    "catalog"}, ...]}} (shares of list slots; "catalog" = share of candidate items); per_user:
    the re-ranked EvalResult.per_user; users_evaluated / cold_users as in evaluate."""

    rules: dict
    metrics: dict
    raw_metrics: dict
    exposure: dict
    users_evaluated: int
    cold_users: int
    warnings: list[str]
    per_user: dict


def evaluate_rules(model, train, test, rules, catalog=None, ks=(10,), *, group_columns=None,
                   progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> RulesEvaluation:
    """Evaluate ``model``'s lists before and after ``rules`` by the protocol of docs/ARCHITECTURE.md.

    group_columns: catalog columns to report exposure for (default: the columns of max_per,
    min_share and diversity rules, else the catalog's category when it has one).
    """
    from engine.evaluate import evaluate
    rules = parse_rules(rules)
    wrapped = RerankedModel(model, rules, catalog, cancel=cancel)
    raw = evaluate(model, train, test, ks=ks, progress=scaled(progress, 0.0, 0.4), cancel=cancel)
    res = evaluate(wrapped, train, test, ks=ks, progress=scaled(progress, 0.4, 1.0), cancel=cancel)
    if group_columns is None:
        group_columns = list(dict.fromkeys(r.params["column"] for r in rules.of_type("max_per", "min_share", "diversity")
                                           if r.params.get("column")))
        if not group_columns and catalog is not None and catalog.column("category") is not None:
            group_columns = ["category"]
    exposure = exposure_report(wrapped, group_columns)
    return RulesEvaluation(rules.to_dict(), res.metrics, raw.metrics, exposure, int(res.n_users_evaluated),
                           int(res.n_cold_users), list(wrapped.reranker.warnings), res.per_user)


def exposure_report(wrapped: RerankedModel, group_columns=()) -> dict:
    """Shares of list slots by item group for the lists ``wrapped`` has returned so far.

    head_share: slots going to the most popular items that hold HEAD_SHARE of the training
    interactions (raw_head_share: the same for the model's own lists); groups: column -> rows
    {"group", "reranked", "raw", "catalog"} (shares of slots, and of the catalog's items), largest
    re-ranked share first; popularity: the same rows for POPULARITY_GROUPS (any data has them).
    """
    pop = np.asarray(wrapped.seen_.sum(axis=0)).ravel().astype(np.float64)
    order = np.argsort(-pop, kind="stable")
    cum = np.cumsum(pop[order])
    head = np.zeros(len(pop), bool)
    if len(cum) and cum[-1] > 0:
        head[order[:int(np.searchsorted(cum, HEAD_SHARE * cum[-1])) + 1]] = True
    exp, raw = wrapped.exposure_.astype(np.float64), wrapped.raw_exposure_.astype(np.float64)
    out = {"head_share": _share(exp, head), "raw_head_share": _share(raw, head), "groups": {}}
    for col in group_columns:
        out["groups"][col] = _group_rows(*wrapped.reranker.group_codes(col, "exposure"), exp, raw)
    codes = np.full(len(pop), 2, np.int64)                    # by the share of purchases the items hold
    if len(cum) and cum[-1] > 0:
        share = np.empty(len(pop))
        share[order] = (cum - pop[order]) / cum[-1]           # purchases held by more popular items
        codes[share < POPULARITY_GROUPS[1][1]] = 1
        codes[share < POPULARITY_GROUPS[0][1]] = 0
    out["popularity"] = _group_rows(codes, [_(g) for g, _share in POPULARITY_GROUPS], exp, raw, keep_order=True)
    return out


def _group_rows(codes: np.ndarray, labels: list[str], exp: np.ndarray, raw: np.ndarray, *,
                keep_order: bool = False) -> list[dict]:
    """Exposure rows of the groups ``codes`` (n_items,) (-1: no group) name by ``labels``."""
    g = len(labels)
    sel = codes >= 0
    re_g = np.bincount(codes[sel], weights=exp[sel], minlength=g) / max(exp.sum(), 1.0)
    raw_g = np.bincount(codes[sel], weights=raw[sel], minlength=g) / max(raw.sum(), 1.0)
    cat_g = np.bincount(codes[sel], minlength=g) / max(len(codes), 1)
    order = range(g) if keep_order else np.argsort(-re_g, kind="stable")
    return [{"group": labels[j], "reranked": float(re_g[j]), "raw": float(raw_g[j]), "catalog": float(cat_g[j])}
            for j in order]


def _share(counts: np.ndarray, mask: np.ndarray) -> float:
    total = counts.sum()
    return float(counts[mask].sum() / total) if total else 0.0


SWEEP_METRICS = ("ndcg", "coverage", "arp", "novelty")


def sweep_long_tail(model, train, test, weights, rules=None, catalog=None, k: int = 10, *,
                    progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> list[dict]:
    """Trade-off curve: for each long-tail weight in [0, 1] (other ``rules`` kept), the point
    {"weight", "ndcg@k", "coverage@k", "arp@k", "novelty@k", "efficient"}. Weight 0 is the model
    alone (plus any other rules). ``efficient`` is False for a point that another point beats on
    both NDCG and coverage (at least as good on both, better on one): a weight nobody should pick.
    """
    from engine.evaluate import evaluate
    base: RuleSet = parse_rules(rules)
    weights = [float(w) for w in weights]
    if not weights or any(not np.isfinite(w) or not 0 <= w <= 1 for w in weights):
        raise EngineError(f"long-tail weights must be numbers in [0, 1], got {weights}")
    points = []
    for j, w in enumerate(weights):
        check(cancel)
        wrapped = RerankedModel(model, base.with_long_tail(w), catalog, cancel=cancel)
        res = evaluate(wrapped, train, test, ks=(k,), progress=scaled(progress, j / len(weights), (j + 1) / len(weights)),
                       cancel=cancel)
        points.append({"weight": w, **{f"{m}@{k}": float(res.metrics[f"{m}@{k}"]) for m in SWEEP_METRICS}})
    _flag_efficient(points, k)
    return points


def _flag_efficient(points: list[dict], k: int) -> None:
    """Set each point's "efficient": no other point is at least as good on NDCG@k and coverage@k
    and better on one."""
    acc, cov = f"ndcg@{k}", f"coverage@{k}"
    for p in points:
        p["efficient"] = not any(q[acc] >= p[acc] and q[cov] >= p[cov] and (q[acc] > p[acc] or q[cov] > p[cov])
                                 for q in points)
