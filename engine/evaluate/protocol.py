"""The evaluation protocol of docs/ARCHITECTURE.md: full ranking over every candidate item, seen items
excluded, relevant set = all of a user's test items, metrics averaged over evaluated users.

``evaluate`` scores users in batches through ``model.recommend`` (exact top-K, ties to the lower
item index), turns each batch into a hit matrix (n_batch, K) with one vectorised look-up and
computes every per-user metric with numpy; there are no per-user Python loops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from engine.data.interactions import Interactions, index_of, normalize_ids, sorted_ids
from engine.errors import EngineError, ModelError
from engine.evaluate import metrics as M
from engine.progress import CancelToken, ProgressCallback, check, emit


@dataclass(frozen=True, eq=False)
class EvalResult:
    """Outcome of ``evaluate``.

    metrics: "ndcg@10" -> mean over evaluated users (NaN when no user was evaluated; diversity
        averages only lists with two or more items); "coverage@k" is global; keys starting
        "sampled_" only when sampled.
    per_user: same keys (coverage excluded) -> (n_eval,) float64, aligned with ``users``.
    users: (n_eval,) int64 internal (train) user indices, ascending; user_ids: their external ids.
    n_train_items: (n_eval,) int64 distinct training items of each evaluated user (activity).
    sampled: True when ``sampled_negatives`` was used (the "sampled_*" metrics rank each relevant
        item among sampled negatives and can reorder models; the full-ranking metrics sit beside).
    """

    metrics: dict[str, float]
    per_user: dict[str, np.ndarray]
    users: np.ndarray
    user_ids: np.ndarray
    ks: tuple[int, ...]
    n_users_evaluated: int
    n_cold_users: int
    sampled: bool = False
    n_train_items: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    n_candidates: int = 0

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN becomes None, arrays become lists)."""
        def num(x):
            x = float(x)
            return None if math.isnan(x) else x
        return {"metrics": {k: num(v) for k, v in self.metrics.items()},
                "per_user": {k: [num(x) for x in v.tolist()] for k, v in self.per_user.items()},
                "users": self.users.tolist(), "user_ids": self.user_ids.tolist(),
                "n_train_items": self.n_train_items.tolist(), "ks": list(self.ks),
                "n_users_evaluated": int(self.n_users_evaluated), "n_cold_users": int(self.n_cold_users),
                "n_candidates": int(self.n_candidates), "sampled": bool(self.sampled)}


@dataclass(frozen=True)
class AlignedTest:
    """Test events in the training id space.

    user, item: (n_events,) int64 train indices, -1 when the id is unknown to training;
    values: (n_events,) float32; ext_user: (n_events,) external user ids.
    """

    user: np.ndarray
    item: np.ndarray
    values: np.ndarray
    ext_user: np.ndarray


def align(train: Interactions, test: Interactions) -> AlignedTest:
    """Map ``test`` events by external id into ``train``'s internal indices (-1 = unknown)."""
    u = index_of(test.user_ids, train.user_ids)[test.user_idx]
    i = index_of(test.item_ids, train.item_ids)[test.item_idx]
    return AlignedTest(u, i, test.values, test.user_ids[test.user_idx])


@dataclass(frozen=True)
class RelevantSets:
    """Relevant sets of the evaluated users (protocol of docs/ARCHITECTURE.md).

    users: (n_eval,) int64 train user indices with at least one relevant test item, ascending;
    n_relevant: (n_eval,) int64 distinct relevant items of each (unknown-to-training items count);
    keys: (n_pairs,) int64 sorted ``user * n_items + item`` of the relevant items training knows;
    matrix: (n_users, n_items + n_unknown) CSR, unknown items in virtual columns after the items;
    n_cold: distinct test users absent from training (reported apart).
    """

    users: np.ndarray
    n_relevant: np.ndarray
    keys: np.ndarray
    matrix: sp.csr_matrix
    n_cold: int


def relevant_sets(train: Interactions, test: Interactions, *, relevant_min: float | None = None,
                  users=None) -> RelevantSets:
    """The relevant set of every evaluated user: all of their distinct ``test`` items (value >=
    ``relevant_min`` when given; only the external ``users`` when given), in ``train``'s space."""
    n_items = train.n_items
    ev = align(train, test)
    keep = np.ones(len(ev.user), dtype=bool)
    if relevant_min is not None:
        keep &= ev.values >= relevant_min
    if users is not None:
        keep &= index_of(ev.ext_user, sorted_ids(normalize_ids(list(users)))) >= 0
    cold = ev.user < 0
    n_cold = len(np.unique(test.user_idx[keep & cold]))
    keep &= ~cold
    # Unknown items get distinct virtual columns: they stay relevant but no model can rank them.
    unknown = keep & (ev.item < 0)
    _, virt = np.unique(test.item_idx[unknown], return_inverse=True)
    cols = ev.item[keep].copy()
    cols[cols < 0] = n_items + virt
    rel = sp.csr_matrix((np.ones(len(cols), np.float32), (ev.user[keep], cols)),
                        shape=(train.n_users, n_items + (virt.max() + 1 if len(virt) else 0)))
    rel.sum_duplicates()
    n_rel_all = np.diff(rel.indptr)
    eval_users = np.flatnonzero(n_rel_all > 0).astype(np.int64)
    known = rel[:, :n_items].tocoo()
    keys = np.sort(known.row.astype(np.int64) * n_items + known.col)
    return RelevantSets(eval_users, n_rel_all[eval_users].astype(np.int64), keys, rel, int(n_cold))


def hit_matrix(rec: np.ndarray, rows: np.ndarray, keys: np.ndarray, n_items: int) -> np.ndarray:
    """(n, K) bool: ``rec`` (n, K) item indices (-1 = none) of users ``rows`` (n,) that are in the
    sorted relevant ``keys`` (``RelevantSets.keys``)."""
    if not len(keys):
        return np.zeros(rec.shape, bool)
    flat = rows[:, None] * np.int64(n_items) + rec
    pos = np.minimum(np.searchsorted(keys, flat), len(keys) - 1)
    return (rec >= 0) & (keys[pos] == flat)


def _check_model(model, train: Interactions) -> None:
    if getattr(model, "item_ids_", None) is None:
        raise ModelError(f"model {getattr(model, 'name', '?')} is not fitted yet")
    if model.n_items != train.n_items or model.n_users != train.n_users:
        raise ModelError(f"model {model.name} was fitted on {model.n_users} users x {model.n_items} items, "
                         f"the training data has {train.n_users} x {train.n_items}")


def _normalize_ks(ks) -> tuple[int, ...]:
    try:
        out = tuple(sorted({int(k) for k in ks}))
    except (TypeError, ValueError):
        raise EngineError(f"cut-offs must be positive integers, got {ks!r}") from None
    if not out or out[0] <= 0:
        raise EngineError(f"cut-offs must be positive integers, got {ks!r}")
    return out


def evaluate(model, train: Interactions, test: Interactions, ks=(10,), *, relevant_min: float | None = None,
             users=None, sampled_negatives: int | None = None, seed: int = 0, batch_size: int = 1024,
             item_features=None, diversity: bool = True, beyond: bool = True,
             progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> EvalResult:
    """Evaluate fitted ``model`` (fitted on ``train``) on ``test`` by the protocol of docs/ARCHITECTURE.md.

    relevant_min: only test events with value >= this are relevant (e.g. ratings >= 4).
    users: optional external user ids to restrict the evaluation to.
    sampled_negatives: also compute "sampled_*" metrics ranking each relevant item among this many
        negatives sampled uniformly from the user's unseen, non-relevant items (deterministic in
        ``seed``, independent of ``batch_size``).
    item_features: (n_items, d) vectors for intra-list diversity instead of the train columns.
    diversity: False skips intra-list diversity (the costliest metric).
    beyond: False computes the accuracy metrics only (no novelty, ARP, coverage, diversity): what
        a training loop's validation needs, at a fraction of the cost.
    """
    _check_model(model, train)
    ks = _normalize_ks(ks)
    kmax = ks[-1]
    n_items = train.n_items
    if item_features is not None and np.shape(item_features)[0] != n_items:
        raise EngineError(f"item_features has {np.shape(item_features)[0]} rows, expected {n_items} items")
    if sampled_negatives is not None and int(sampled_negatives) <= 0:
        raise EngineError(f"sampled_negatives must be positive, got {sampled_negatives}")

    rel = relevant_sets(train, test, relevant_min=relevant_min, users=users)
    eval_users, n_rel, rel_keys = rel.users, rel.n_relevant, rel.keys
    n_eval, n_cold = len(eval_users), rel.n_cold

    diversity = diversity and beyond
    names = M.ACCURACY + (tuple(m for m in M.BEYOND if diversity or m != "diversity") if beyond else ())
    per_user = {f"{m}@{k}": np.empty(n_eval) for k in ks for m in names}
    covered = {k: np.zeros(n_items, dtype=bool) for k in ks}
    if beyond:
        self_info = M.self_information(train.seen)
        counts = np.bincount(train.item_idx, minlength=n_items).astype(np.float64)
    cosines = M.Cosines(M.unit_item_vectors(train.seen, item_features)) if diversity else None
    if sampled_negatives:
        for name in SAMPLED:
            per_user[f"sampled_{name}"] = np.empty(n_eval)
        for k in ks:
            for name in SAMPLED_AT_K:
                per_user[f"sampled_{name}@{k}"] = np.empty(n_eval)

    batch_size = max(1, int(batch_size))
    emit(progress, 0.0, f"evaluating {n_eval} users", "evaluate")
    for start in range(0, n_eval, batch_size):
        check(cancel)
        rows = eval_users[start:start + batch_size]
        sl = slice(start, start + len(rows))
        rec, _ = model.recommend(rows, kmax, batch_size=len(rows))
        rec = np.asarray(rec, dtype=np.int64)
        if rec.shape[1] < kmax:
            rec = np.pad(rec, ((0, 0), (0, kmax - rec.shape[1])), constant_values=-1)
        hits = hit_matrix(rec, rows, rel_keys, n_items)
        div = M.diversity(rec, cosines, ks) if diversity and cosines is not None else None
        for k in ks:
            for name, vals in M.accuracy(hits, n_rel[sl], k).items():
                per_user[f"{name}@{k}"][sl] = vals
            if not beyond:
                continue
            top = rec[:, :k]
            per_user[f"novelty@{k}"][sl] = M.list_mean(top, self_info)
            per_user[f"arp@{k}"][sl] = M.list_mean(top, counts)
            if div is not None:
                per_user[f"diversity@{k}"][sl] = div[k]
            covered[k][top[top >= 0]] = True
        if sampled_negatives:
            _sampled_batch(model, train, rows, rel.matrix, n_items, n_rel[sl], int(sampled_negatives), seed, ks,
                           per_user, sl)
        emit(progress, (start + len(rows)) / n_eval, f"evaluated {start + len(rows)}/{n_eval} users", "evaluate")

    metrics: dict[str, float] = {}
    for k in ks:
        for name in names:
            key = f"{name}@{k}"
            vals = per_user[key]
            metrics[key] = float(np.nanmean(vals)) if np.any(~np.isnan(vals)) else float("nan")
        if beyond:
            metrics[f"coverage@{k}"] = M.coverage(covered[k], n_items)
    for key in per_user:
        if key.startswith("sampled_"):
            metrics[key] = float(per_user[key].mean()) if n_eval else float("nan")
    n_train_items = np.diff(train.seen.indptr)[eval_users].astype(np.int64)
    return EvalResult(metrics=metrics, per_user=per_user, users=eval_users, user_ids=train.user_ids[eval_users],
                      ks=ks, n_users_evaluated=n_eval, n_cold_users=int(n_cold), sampled=bool(sampled_negatives),
                      n_train_items=n_train_items, n_candidates=n_items)


#: Sampled metrics without and with a cut-off; each is a mean over the user's relevant items.
SAMPLED = ("auc",)
SAMPLED_AT_K = ("hit", "ndcg")


def _hash_uniform(seed: int, rows: np.ndarray, n_items: int) -> np.ndarray:
    """Uniform [0, 1) keys (len(rows), n_items) from splitmix64 of (seed, user, item): the same
    user gets the same negatives whatever the batch it is scored in."""
    x = (np.uint64(seed & 0xFFFFFFFF) << np.uint64(40)) ^ (
        rows.astype(np.uint64)[:, None] * np.uint64(n_items) + np.arange(n_items, dtype=np.uint64)[None, :])
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _sampled_batch(model, train, rows, rel, n_items, n_rel, n_neg, seed, ks, per_user, sl) -> None:
    """Rank each rankable relevant item of ``rows`` among ``n_neg`` sampled negatives.

    A negative outranks the positive when its score is higher, or equal with a lower item index
    (the protocol's tie rule). Relevant items that cannot be ranked (unknown to training or
    already seen in training) count as misses, so the mean divides by |relevant|.
    """
    scores = model.score(rows).astype(np.float64)
    scores[np.isnan(scores)] = -np.inf
    seen = train.seen[rows]
    relb = rel[rows][:, :n_items]
    excluded = (seen + relb).tocoo()
    keys = _hash_uniform(seed, rows, n_items)
    keys[excluded.row, excluded.col] = np.inf
    take = min(n_neg, n_items)
    neg = np.argpartition(keys, take - 1, axis=1)[:, :take] if take < n_items else np.tile(np.arange(n_items), (len(rows), 1))
    neg_ok = np.isfinite(np.take_along_axis(keys, neg, axis=1))                   # (b, take)
    neg_scores = np.take_along_axis(scores, neg, axis=1)
    pos = (relb - relb.multiply(seen > 0)).tocoo()                                # rankable positives
    pos.eliminate_zeros()
    pr, pc = pos.row, pos.col.astype(np.int64)
    ps = scores[pr, pc]
    above = ((neg_scores[pr] > ps[:, None]) | ((neg_scores[pr] == ps[:, None]) & (neg[pr] < pc[:, None])))
    above &= neg_ok[pr]
    n_avail = neg_ok.sum(axis=1)[pr]
    rank = above.sum(axis=1) + 1                                                  # 1-based
    auc = np.divide(n_avail - (rank - 1), n_avail, out=np.ones(len(pr)), where=n_avail > 0)
    b = len(rows)
    per_user["sampled_auc"][sl] = np.bincount(pr, weights=auc, minlength=b) / n_rel
    for k in ks:
        hit = rank <= k
        per_user[f"sampled_hit@{k}"][sl] = np.bincount(pr, weights=hit, minlength=b) / n_rel
        gain = np.where(hit, 1.0 / np.log2(rank + 1.0), 0.0)
        per_user[f"sampled_ndcg@{k}"][sl] = np.bincount(pr, weights=gain, minlength=b) / n_rel
