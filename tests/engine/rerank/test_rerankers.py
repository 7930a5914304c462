"""Re-rankers on the Online Retail demo with ItemKNN: every customer's list is checked."""

import math

import numpy as np
import pytest

from engine.evaluate import evaluate
from engine.rerank import Reranker, evaluate_rules, rerank_topk, sweep_long_tail

K = 10


def popularity(model):
    return np.asarray(model.seen_.sum(axis=0)).ravel()


def reranker(retail, rules, **kw):
    m = retail["model"]
    return Reranker(rules, m.item_ids_, catalog=retail["catalog"], popularity=popularity(m), **kw)


def column(retail, name):
    return retail["catalog"].align(retail["model"].item_ids_)[name].to_numpy()


def ids_to_idx(model, ids):
    return [int(np.flatnonzero(model.item_ids_ == i)[0]) for i in ids]


def greedy_reference(adj_row, ok, k):
    """Walk the candidates by (score desc, index asc), keeping those ``ok(item, kept)`` allows."""
    order = np.lexsort((np.arange(len(adj_row)), -adj_row))
    kept = []
    for i in order:
        if not np.isfinite(adj_row[i]) or len(kept) == k:
            break
        if ok(i, kept):
            kept.append(int(i))
    return kept + [-1] * (k - len(kept))


def test_max_per_category_and_excluded_items_hold_on_every_list(retail):
    model, scores = retail["model"], retail["scores"]
    cats = column(retail, "category")
    pop = popularity(model)
    banned_ids = [str(i) for i in model.item_ids_[np.argsort(-pop, kind="stable")[:15]]]
    rules = {"rules": [{"type": "max_per", "column": "category", "n": 2},
                       {"type": "exclude_items", "items": banned_ids}]}
    rr = reranker(retail, rules)
    batch = rr.apply(scores, K)
    items, raw = batch.items, batch.raw
    banned = set(ids_to_idx(model, banned_ids))
    seen = model.seen_
    violations_before = 0
    for u in range(model.n_users):
        row = [i for i in items[u] if i >= 0]
        assert len(row) == len(set(row))
        assert not banned & set(row)
        assert not set(seen[u].indices) & set(row)
        counts = {}
        for i in row:
            counts[cats[i]] = counts.get(cats[i], 0) + 1
        assert max(counts.values(), default=0) <= 2, (u, counts)
        raw_counts = {}
        for i in raw[u][raw[u] >= 0]:
            raw_counts[cats[i]] = raw_counts.get(cats[i], 0) + 1
        violations_before += max(raw_counts.values()) > 2 or bool(banned & set(raw[u].tolist()))
    assert violations_before > model.n_users // 4            # the rules really bite on this data
    # exactly the greedy list: best-scored items, skipping banned ones and a 3rd of a category
    adj = rr.adjust(scores)
    for u in range(0, model.n_users, 7):
        ref = greedy_reference(adj[u], lambda i, kept: i not in banned
                               and sum(cats[j] == cats[i] for j in kept) < 2, K)
        assert items[u].tolist() == ref
    # a tiny pool forces the exact fallback on the full ranking: same lists
    np.testing.assert_array_equal(reranker(retail, rules, pool=K).apply(scores, K).items, items)


def test_no_rules_and_weight_zero_are_the_raw_model(retail):
    model, scores = retail["model"], retail["scores"]
    raw, _ = model.recommend(np.arange(model.n_users), K)
    np.testing.assert_array_equal(reranker(retail, {"rules": []}).apply(scores, K).items, raw)
    np.testing.assert_array_equal(
        reranker(retail, {"rules": [{"type": "long_tail", "weight": 0}]}).apply(scores, K).items, raw)


def test_long_tail_sweep_trades_accuracy_for_coverage(retail):
    """On the demo with ItemKNN, weights 0 .. 0.5 form a monotone trade-off: coverage and novelty
    up, ARP and NDCG down. Past the coverage peak (every user gets their shortlist's rarest
    items, the same few for many users) coverage falls while NDCG keeps falling: those weights
    are flagged as beaten on both."""
    model, train, test = retail["model"], retail["train"], retail["test"]
    weights = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1]
    points = sweep_long_tail(model, train, test, weights)
    base = retail["base10"]
    assert [p["weight"] for p in points] == weights
    assert points[0]["ndcg@10"] == pytest.approx(base["ndcg@10"], abs=1e-12)
    assert points[0]["coverage@10"] == pytest.approx(base["coverage@10"], abs=1e-12)
    cov, arp, nov, ndcg = ([p[f"{m}@10"] for p in points] for m in ("coverage", "arp", "novelty", "ndcg"))
    front = weights.index(0.5) + 1
    assert all(a < b for a, b in zip(cov[:front], cov[1:front])), cov
    assert all(a > b for a, b in zip(arp, arp[1:])), arp
    assert all(a < b for a, b in zip(nov, nov[1:])), nov
    assert all(a > b for a, b in zip(ndcg, ndcg[1:])), ndcg
    assert [p["efficient"] for p in points] == [True] * front + [False] * (len(weights) - front)


def test_efficient_flags_mark_dominated_weights():
    """``efficient`` is Pareto membership on (NDCG, coverage), computed from the points alone."""
    from engine.rerank.evaluate import _flag_efficient
    pts = [{"ndcg@10": 0.20, "coverage@10": 0.30}, {"ndcg@10": 0.21, "coverage@10": 0.35},
           {"ndcg@10": 0.18, "coverage@10": 0.50}, {"ndcg@10": 0.10, "coverage@10": 0.45},
           {"ndcg@10": 0.18, "coverage@10": 0.50}]
    _flag_efficient(pts, 10)
    assert [p["efficient"] for p in pts] == [False, True, True, False, True]


def test_long_tail_shortlist_keeps_lists_from_the_model(retail):
    model, scores = retail["model"], retail["scores"]
    items = reranker(retail, {"rules": [{"type": "long_tail", "weight": 0.9, "pool": 30}]}).apply(scores, K).items
    shortlist, _ = model.recommend(np.arange(model.n_users), 30)
    assert all(set(items[u][items[u] >= 0]) <= set(shortlist[u]) for u in range(model.n_users))
    pop = popularity(model)
    assert pop[items[items >= 0]].mean() < pop[shortlist[:, :K][shortlist[:, :K] >= 0]].mean() / 2


def test_pin_bury_exclude_where_only_and_boost(retail):
    model, scores = retail["model"], retail["scores"]
    price = column(retail, "UnitPrice").astype(float)
    country = column(retail, "Country")
    raw = Reranker({"rules": []}, model.item_ids_).apply(scores, K).items
    top1 = np.bincount(raw[:, 0]).argmax()                       # the most common first item
    pop_order = np.argsort(-popularity(model), kind="stable")
    pins = [int(pop_order[50]), int(pop_order[60])]
    pin_ids = [str(model.item_ids_[i]) for i in pins]
    seen = model.seen_
    rules = {"rules": [{"type": "pin_items", "items": pin_ids},
                       {"type": "bury_items", "items": [str(model.item_ids_[top1])]},
                       {"type": "exclude_where", "column": "UnitPrice", "op": ">", "value": 5}]}
    items = reranker(retail, rules).apply(scores, K).items
    pin_seen = seen[:, pins].toarray() > 0                                          # (n_users, 2)
    for u in range(model.n_users):
        expect = [p for p, s in zip(pins, pin_seen[u]) if not s and price[p] <= 5]
        assert items[u, :len(expect)].tolist() == expect, u
    assert not np.any(items == top1)
    assert np.all(price[items[items >= 0]] <= 5)
    only = reranker(retail, {"rules": [{"type": "only", "column": "Country", "value": "Germany"}]}).apply(scores, K)
    assert np.all(country[only.items[only.items >= 0]] == "Germany")
    assert (only.items >= 0).sum(axis=1).min() > 0
    cheap = price < 1.0
    boosted = reranker(retail, {"rules": [{"type": "boost_where", "column": "UnitPrice", "op": "<", "value": 1.0,
                                           "amount": 1.0}]}).apply(scores, K).items
    assert cheap[boosted[boosted >= 0]].mean() > cheap[raw[raw >= 0]].mean() + 0.1


def test_min_share_fills_the_quota_in_every_list(retail):
    model, scores = retail["model"], retail["scores"]
    country = column(retail, "Country")
    groups = ["France", "Germany"]
    items = reranker(retail, {"rules": [{"type": "min_share", "column": "Country", "share": 0.2,
                                         "groups": groups}]}).apply(scores, K).items
    quota = math.ceil(0.2 * K)
    raw_short = 0
    raw = Reranker({"rules": []}, model.item_ids_).apply(scores, K).items
    valid = items >= 0
    for g in groups:
        available = np.isfinite(scores[:, country == g]).sum(axis=1)               # (n_users,)
        got = ((country[np.maximum(items, 0)] == g) & valid).sum(axis=1)
        assert np.all(got >= np.minimum(quota, available)), g
        raw_short += ((country[raw] == g).sum(axis=1) < quota).sum()
    assert raw_short > model.n_users                              # the model alone rarely meets it


def test_diversity_by_category(retail):
    model, scores = retail["model"], retail["scores"]
    cats = column(retail, "category")
    raw = Reranker({"rules": []}, model.item_ids_).apply(scores, K).items
    same = reranker(retail, {"rules": [{"type": "diversity", "column": "category", "lambda": 1.0}]}).apply(scores, K)
    np.testing.assert_array_equal(same.items, raw)
    div = reranker(retail, {"rules": [{"type": "diversity", "column": "category", "lambda": 0.5}]}).apply(scores, K)
    distinct = lambda lists: np.mean([len(set(cats[r[r >= 0]])) for r in lists])  # noqa: E731
    assert distinct(div.items) > distinct(raw) + 1.0
    assert np.all(np.sort(div.items, axis=1) != -2)               # lists stay well-formed
    assert all(len(set(r[r >= 0])) == (r >= 0).sum() for r in div.items)


def test_reasons_are_reported(retail):
    model, catalog = retail["model"], retail["catalog"]
    cats = column(retail, "category")
    users = np.arange(0, model.n_users, 5)
    raw = Reranker({"rules": []}, model.item_ids_).apply(retail["scores"][users], K).items
    first = model.item_ids_[raw[0, 0]]
    pin = str(model.item_ids_[np.argsort(-popularity(model), kind="stable")[40]])
    rules = {"rules": [{"type": "long_tail", "weight": 1.0},
                       {"type": "exclude_items", "items": [str(first)]},
                       {"type": "max_per", "column": "category", "n": 1},
                       {"type": "pin_items", "items": [pin]}]}
    res = rerank_topk(model, users, K, rules, catalog, explain=True)
    assert len(res.records) == len(users) and res.items.shape == (len(users), K)
    rec0 = {e["item"]: e for e in res.records[0]}
    assert rec0[first]["reasons"] == ["excluded: listed item"] and rec0[first]["rank"] is None
    assert rec0[first]["raw_rank"] == 1
    texts = [t for recs in res.records for e in recs for t in e["reasons"]]
    assert "pinned" in texts and "boosted: long tail" in texts
    demoted = [t for t in texts if t.startswith("demoted: 2nd in category ")]
    assert demoted and all(t.split()[-1] in set(cats) for t in demoted)
    for u, recs in enumerate(res.records):
        for e in recs:
            if "pinned" in e["reasons"]:
                assert e["item"] == pin and e["rank"] == 1
            assert e["rank"] is None or res.item_ids[u][e["rank"] - 1] == e["item"]


def test_evaluate_rules_reports_both_and_exposure(retail):
    model, train, test, catalog = retail["model"], retail["train"], retail["test"], retail["catalog"]
    rules = {"rules": [{"type": "long_tail", "weight": 0.5}, {"type": "max_per", "column": "category", "n": 2}]}
    ev = evaluate_rules(model, train, test, rules, catalog, ks=(5, 10))
    base = evaluate(model, train, test, ks=(5, 10)).metrics
    assert ev.raw_metrics == base
    assert set(ev.metrics) == set(base) and ev.metrics["coverage@10"] > base["coverage@10"]
    assert ev.exposure["head_share"] < ev.exposure["raw_head_share"]
    groups = ev.exposure["groups"]["category"]
    assert sum(g["reranked"] for g in groups) == pytest.approx(1.0, abs=1e-9)
    assert sum(g["raw"] for g in groups) == pytest.approx(1.0, abs=1e-9)
    assert max(g["reranked"] for g in groups) < max(g["raw"] for g in groups)


def test_exposure_by_popularity_and_default_category(retail):
    """Without a rule on a column the report still says where the slots go: by the catalog's category,
    and always by item popularity (bestsellers / middle / long tail) — the long-tail boost moves slots
    from the bestsellers to the tail."""
    model, train, test, catalog = retail["model"], retail["train"], retail["test"], retail["catalog"]
    ev = evaluate_rules(model, train, test, {"rules": [{"type": "long_tail", "weight": 0.8}]}, catalog, ks=(10,))
    assert list(ev.exposure["groups"]) == ["category"]
    pop = ev.exposure["popularity"]
    assert [g["group"].split()[0] for g in pop] == ["bestsellers", "middle", "long"]
    for key in ("reranked", "raw", "catalog"):
        assert sum(g[key] for g in pop) == pytest.approx(1.0, abs=1e-9)
    assert pop[0]["raw"] == pytest.approx(ev.exposure["raw_head_share"], abs=1e-9)
    assert pop[0]["reranked"] < pop[0]["raw"] and pop[2]["reranked"] > pop[2]["raw"]
    assert pop[0]["catalog"] < pop[2]["catalog"]          # few bestsellers, many tail items
    bare = evaluate_rules(model, train, test, {"rules": [{"type": "long_tail", "weight": 0.8}]}, None, ks=(10,))
    assert bare.exposure["groups"] == {} and len(bare.exposure["popularity"]) == 3


def test_diversity_by_item_vectors(retail):
    """MMR over cosine similarity of item embeddings (here: a 64-d random projection of each item's
    column of training buyers, which keeps their cosines approximately)."""
    model, scores = retail["model"], retail["scores"]
    gauss = np.random.default_rng(0).standard_normal((model.n_users, 64)).astype(np.float32)
    vectors = np.asarray(model.seen_.T @ gauss)                                    # (n_items, 64)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    users = np.arange(0, model.n_users, 3)
    rules = {"rules": [{"type": "diversity", "embeddings": True, "lambda": 0.5}]}
    div = reranker(retail, rules, item_vectors=vectors).apply(scores[users], K).items
    raw = Reranker({"rules": []}, model.item_ids_).apply(scores[users], K).items

    def mean_similarity(lists):
        sims = []
        for r in lists:
            v = unit[r[r >= 0]]
            c = v @ v.T
            sims.append(c[np.triu_indices(len(v), 1)].mean())
        return np.mean(sims)

    assert mean_similarity(div) < mean_similarity(raw) - 0.02
    assert np.array_equal(div[:, 0], raw[:, 0])                  # the first pick is the most relevant
