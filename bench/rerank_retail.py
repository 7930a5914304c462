"""Long-tail re-ranking on Online Retail: the accuracy / coverage / popularity trade-off.

Data: ../shared/data/online-retail/online_retail.parquet read with ``open_dataset`` (customers x
StockCodes, returns and rows without a customer dropped), per-user random 80/20 split (seed 0).
For each model (EASE, ItemKNN) and each long-tail weight w in [0, 1], the re-ranked top-10 lists
(on each user's top-100 shortlist: score' = (1 - w) z(score) - w z(log popularity)) are evaluated
by the protocol of docs/ARCHITECTURE.md; "beaten" marks a weight another weight beats on NDCG and coverage;
then the rule set "long tail 0.5 + at most 2 per category + exclude the 10 best sellers" is
evaluated (category = last word of the Description, e.g. "HOLDER", "BAG": the data set has no
category column). Timings are wall-clock on this machine.

    nice python bench/rerank_retail.py [--models ease,itemknn] [--weights 0,0.2,0.4,0.6,0.8,1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.data import open_dataset  # noqa: E402
from engine.data.catalog import ItemCatalog  # noqa: E402
from engine.data.splits import split  # noqa: E402
from engine.evaluate import evaluate  # noqa: E402
from engine.models import registry  # noqa: E402
from engine.rerank import evaluate_rules, sweep_long_tail  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "online-retail" / "online_retail.parquet"


def with_category(catalog) -> ItemCatalog:
    """Catalog plus a "category" column: the last word of each item's Description."""
    frame = catalog.frame.copy()
    frame["category"] = frame[catalog.roles["description"]].astype(str).str.strip().str.split().str[-1]
    return ItemCatalog(frame, {**catalog.roles, "category": "category"})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="ease,itemknn")
    ap.add_argument("--weights", default="0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1")
    ap.add_argument("--data", default=str(DATA))
    args = ap.parse_args()
    if not Path(args.data).exists():
        print(f"{args.data} is not present", file=sys.stderr)
        return 1
    weights = [float(w) for w in args.weights.split(",")]
    t0 = time.perf_counter()
    ds = open_dataset(args.data)
    parts = split(ds.interactions, "random", 0.2, seed=0)
    train, test = parts.train, parts.test
    catalog = with_category(ds.catalog)
    print(f"Online Retail: {train.n_users} users, {train.n_items} items, {train.n_events} train / "
          f"{test.n_events} test events (load + split {time.perf_counter() - t0:.1f}s)")
    pop = np.asarray(train.seen.sum(axis=0)).ravel()
    best_sellers = [str(i) for i in train.item_ids[np.argsort(-pop, kind="stable")[:10]]]
    for name in args.models.split(","):
        model = registry.create(name)
        t0 = time.perf_counter()
        model.fit(train)
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        evaluate(model, train, test, ks=(10,))
        plain_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        points = sweep_long_tail(model, train, test, weights)
        sweep_s = time.perf_counter() - t0
        print(f"\n{name} (fit {fit_s:.1f}s; plain evaluation {plain_s:.2f}s; with re-ranking "
              f"{sweep_s / len(weights):.2f}s per weight = {sweep_s / len(weights) / plain_s:.2f}x)")
        print(f"  {'weight':>6}  {'NDCG@10':>8}  {'cov@10':>7}  {'ARP@10':>8}  {'novelty@10':>10}")
        for p in points:
            print(f"  {p['weight']:>6g}  {p['ndcg@10']:>8.4f}  {p['coverage@10']:>7.4f}  {p['arp@10']:>8.1f}  "
                  f"{p['novelty@10']:>10.3f}{'' if p['efficient'] else '  beaten'}")
        rules = {"rules": [{"type": "long_tail", "weight": 0.5},
                           {"type": "max_per", "column": "category", "n": 2},
                           {"type": "exclude_items", "items": best_sellers}]}
        t0 = time.perf_counter()
        ev = evaluate_rules(model, train, test, rules, catalog)
        cats = ev.exposure["groups"]["category"][:3]
        print(f"  rule set (long tail 0.5 + max 2 per category + exclude 10 best sellers), "
              f"{time.perf_counter() - t0:.1f}s:")
        print(f"    NDCG@10 {ev.raw_metrics['ndcg@10']:.4f} -> {ev.metrics['ndcg@10']:.4f}, "
              f"coverage@10 {ev.raw_metrics['coverage@10']:.4f} -> {ev.metrics['coverage@10']:.4f}, "
              f"ARP@10 {ev.raw_metrics['arp@10']:.1f} -> {ev.metrics['arp@10']:.1f}, "
              f"diversity@10 {ev.raw_metrics['diversity@10']:.3f} -> {ev.metrics['diversity@10']:.3f}")
        print(f"    head-item share of slots {ev.exposure['raw_head_share']:.3f} -> {ev.exposure['head_share']:.3f}; "
              "top categories: " + ", ".join(f"{c['group']} {c['raw']:.3f}->{c['reranked']:.3f}" for c in cats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
