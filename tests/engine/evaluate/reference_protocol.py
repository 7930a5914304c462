"""An independent, deliberately plain reference of the evaluation protocol of docs/ARCHITECTURE.md.

Different code path from engine.evaluate: dicts, sets and Python loops in float64, its own
popularity and EASE scoring, its own id maps. Only numpy's matrix inverse/product is borrowed
for EASE. Input: two pandas frames with columns user, item (train, test).
"""

from __future__ import annotations

import math

import numpy as np


def _pop_scores(train_sets: dict, items: list) -> dict:
    """item -> number of distinct training users."""
    count = {i: 0 for i in items}
    for its in train_sets.values():
        for i in its:
            count[i] += 1
    return count


def _ease_scores(train_sets: dict, users: list, items: list, l2: float) -> dict:
    """user -> list of scores aligned with ``items``; B = I − P/diag(P), P = (XᵀX + λI)⁻¹."""
    col = {i: c for c, i in enumerate(items)}
    x = np.zeros((len(users), len(items)), dtype=np.float64)
    for r, u in enumerate(users):
        for i in train_sets[u]:
            x[r, col[i]] = 1.0
    p = np.linalg.inv(x.T @ x + l2 * np.eye(len(items)))
    b = np.eye(len(items)) - p / np.diag(p)[None, :]
    np.fill_diagonal(b, 0.0)
    s = x @ b
    return {u: s[r].tolist() for r, u in enumerate(users)}


def reference_evaluate(train_df, test_df, model: str, ks=(10,), l2: float = 500.0, scores=None) -> dict:
    """Metrics dict ("ndcg@10", …) plus "n_users_evaluated" and "n_cold_users".

    model "given": ``scores(user, items) -> list of floats`` ranks (a fitted model's own scores);
    the exclusion of the user's training items and everything else is still done here."""
    train_sets: dict = {}
    events: dict = {}
    for u, i in zip(train_df["user"].tolist(), train_df["item"].tolist()):
        train_sets.setdefault(u, set()).add(i)
        events[i] = events.get(i, 0) + 1
    users = sorted(train_sets)
    items = sorted({i for s in train_sets.values() for i in s})
    test_sets: dict = {}
    for u, i in zip(test_df["user"].tolist(), test_df["item"].tolist()):
        test_sets.setdefault(u, set()).add(i)
    cold = [u for u in test_sets if u not in train_sets]
    evaluated = [u for u in users if u in test_sets]

    if model == "pop":
        pop = _pop_scores(train_sets, items)
        score_of = {u: [float(pop[i]) for i in items] for u in evaluated}
    elif model == "ease":
        allscores = _ease_scores(train_sets, users, items, l2)
        score_of = {u: allscores[u] for u in evaluated}
    elif model == "given":
        score_of = {u: [float(v) for v in scores(u, items)] for u in evaluated}
    else:
        raise ValueError(model)

    users_with = _pop_scores(train_sets, items)
    info = {i: -math.log2(max(users_with[i], 1) / len(users)) for i in items}
    holders: dict = {i: set() for i in items}
    for u, its in train_sets.items():
        for i in its:
            holders[i].add(u)

    cos_cache: dict = {}

    def cosine(a, b):
        key = (min(a, b), max(a, b))
        if key not in cos_cache:
            ha, hb = holders[a], holders[b]
            cos_cache[key] = len(ha & hb) / math.sqrt(len(ha) * len(hb)) if ha and hb else 0.0
        return cos_cache[key]

    ranking = {}
    for u in evaluated:
        scores = score_of[u]
        ranked = sorted((c for c in range(len(items)) if items[c] not in train_sets[u]),
                        key=lambda c: (-scores[c], c))
        ranking[u] = [items[c] for c in ranked[:max(ks)]]

    out: dict = {"n_users_evaluated": len(evaluated), "n_cold_users": len(cold)}
    for k in ks:
        sums: dict = {}
        covered = set()
        for u in evaluated:
            top = ranking[u][:k]
            covered.update(top)
            rel = test_sets[u]
            hits = [1 if i in rel else 0 for i in top] + [0] * (k - len(top))
            nh = sum(hits)
            prec = nh / k
            rec = nh / len(rel)
            f1 = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
            dcg = sum(1 / math.log2(r + 2) for r, h in enumerate(hits) if h)
            idcg = sum(1 / math.log2(r + 2) for r in range(min(len(rel), k)))
            ap, seen_hits = 0.0, 0
            for r, h in enumerate(hits):
                if h:
                    seen_hits += 1
                    ap += seen_hits / (r + 1)
            ap /= min(len(rel), k)
            mrr = 0.0
            for r, h in enumerate(hits):
                if h:
                    mrr = 1 / (r + 1)
                    break
            pairs = [(a, b) for x, a in enumerate(top) for b in top[x + 1:]]
            vals = {"precision": prec, "recall": rec, "f1": f1, "hit": 1.0 if nh else 0.0,
                    "ndcg": dcg / idcg, "map": ap, "mrr": mrr,
                    "novelty": sum(info[i] for i in top) / len(top),
                    "arp": sum(events[i] for i in top) / len(top),
                    "diversity": sum(1 - cosine(a, b) for a, b in pairs) / len(pairs)}
            for name, v in vals.items():
                sums[name] = sums.get(name, 0.0) + v
        for name, total in sums.items():
            out[f"{name}@{k}"] = total / len(evaluated)
        out[f"coverage@{k}"] = len(covered) / len(items)
    return out
