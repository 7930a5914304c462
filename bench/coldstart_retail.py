"""Cold-start benchmark: the text model on never-sold products, the hybrid on low-count items
(Online Retail), and the two-tower model with vs without side features (MovieLens-100k).

Online Retail: ../shared/data/online-retail/online_retail.parquet read with ``open_dataset``
(users = CustomerID, items = StockCode; rows without a customer and quantity <= 0 dropped; catalog
= Description, UnitPrice, Country). 10 % of the products (seed 0) are held out of training
entirely; the remaining events get a per-user random 80/20 split (seed 0). Training candidates =
every catalog item (the held-out products included, with zero interactions).
Test sets, all by the protocol of docs/ARCHITECTURE.md (full ranking, seen items excluded):
  cold   = the events of the held-out products (users present in training);
  warm   = the per-user 20 % of the other products;
  few    = the warm test events whose item has 1..LOW_COUNT training interactions.
MovieLens-100k: u.data with u.item (genres, titles) and u.user (age, gender, occupation), per-user
random 70/10/20 train/valid/test split (seed 0); NDCG@10 overall and for users with <= 30
training ratings.

    nice python bench/coldstart_retail.py [--threads 1] [--models pop,ials,text,hybrid,twotower]

Prints a table per data set and one Markdown row per run (for bench/RESULTS.md).
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
from engine.data.interactions import Interactions, index_of  # noqa: E402
from engine.data.splits import split  # noqa: E402
from engine.evaluate import evaluate  # noqa: E402
from engine.models import registry  # noqa: E402
from engine.models.features import read_movielens_users  # noqa: E402

DATA = REPO.parent / "shared" / "data"
LOW_COUNT = 20
SEED = 0


def retail_splits():
    ds = open_dataset(DATA / "online-retail" / "online_retail.parquet")
    inter, catalog = ds.interactions, ds.catalog
    rng = np.random.default_rng(SEED)
    held = np.sort(rng.choice(inter.item_ids, len(inter.item_ids) // 10, replace=False))
    is_held = np.isin(inter.item_ids[inter.item_idx], held)
    parts = split(inter.subset(~is_held), "random", test_frac=0.2, seed=SEED, extra_items=catalog.item_ids)
    c = inter.subset(is_held)
    cold = Interactions.from_arrays(c.user_ids[c.user_idx], c.item_ids[c.item_idx], c.values, c.timestamps,
                                    value_kind=c.value_kind)
    w, train = parts.test, parts.train
    counts = np.bincount(train.item_idx, minlength=train.n_items)[index_of(w.item_ids, train.item_ids)]
    few = w.subset(((counts >= 1) & (counts <= LOW_COUNT))[w.item_idx])
    return train, catalog, {"cold": cold, "few": few, "warm": w}, len(held)


def run_retail(models: list[str], rows: list[str]) -> None:
    t0 = time.perf_counter()
    train, catalog, tests, n_held = retail_splits()
    print(f"retail: {train.n_users} users, {train.n_items} candidates ({n_held} held-out products), "
          f"{train.n_events} train events; test events cold {tests['cold'].n_events}, warm "
          f"{tests['warm'].n_events} (of which {tests['few'].n_events} on items with 1..{LOW_COUNT} sales) ({time.perf_counter() - t0:.1f} s)")
    configs = {
        "pop": {}, "ials": {}, "bpr": {"epochs": 30, "lr": 5e-3},
        "text": {"half_life_days": 90.0}, "hybrid": {"half_life_days": 90.0},
        "twotower": {"epochs": 30, "negatives": 2048},
    }
    print(f"{'model':<12}{'cold hit@10':>12}{'cold rec@10':>12}{'few hit@10':>12}{'few rec@10':>12}"
          f"{'warm ndcg@10':>13}{'fit s':>8}")
    for name in models:
        t = time.perf_counter()
        model = registry.create(name, **configs.get(name, {}))
        model.fit(train, catalog=catalog)
        fit_s = time.perf_counter() - t
        r = {k: evaluate(model, train, test, ks=(10,)).metrics for k, test in tests.items()}
        print(f"{name:<12}{r['cold']['hit@10']:>12.4f}{r['cold']['recall@10']:>12.4f}{r['few']['hit@10']:>12.4f}"
              f"{r['few']['recall@10']:>12.4f}{r['warm']['ndcg@10']:>13.4f}{fit_s:>8.1f}", flush=True)
        extra = ""
        if name == "hybrid":
            g = model.item_gate_
            counts = model.item_counts_
            extra = (f"; gate a={model.gate_[0]:.2f} b={model.gate_[1]:.2f} text scale {model.text_scale_:.2f}: "
                     f"CF weight {g[counts == 0].mean():.2f} "
                     f"for unsold items, {g[counts >= 100].mean():.2f} for items with >= 100 sales")
            print("   " + extra[2:])
        rows.append(f"| coldstart_retail | Online Retail, 10% products held out + per-user 80/20 (seed 0) | {name} "
                    f"| cold-product hit@10 {r['cold']['hit@10']:.4f}, recall@10 {r['cold']['recall@10']:.4f}; "
                    f"items with 1..{LOW_COUNT} sales hit@10 {r['few']['hit@10']:.4f}, recall@10 "
                    f"{r['few']['recall@10']:.4f}; warm ndcg@10 {r['warm']['ndcg@10']:.4f}{extra} | fit {fit_s:.0f} s |")


def run_ml100k(rows: list[str]) -> None:
    ds = open_dataset(DATA / "ml-100k" / "u.data")
    parts = split(ds.interactions, "random", test_frac=0.2, valid_frac=0.1, seed=SEED)
    users = read_movielens_users(DATA / "ml-100k" / "u.user")
    print(f"ml-100k two-tower: {parts.train.n_events} train / {parts.valid.n_events} valid / "
          f"{parts.test.n_events} test events")
    print(f"{'variant':<34}{'ndcg@10':>9}{'recall@10':>10}{'ndcg@10 (<=30)':>15}{'epochs':>7}{'fit s':>7}")
    variants = {
        "ids only (MF)": ({"features": False}, False),
        "ids + genres + demographics": ({"text": False}, True),
        "ids + genres + demographics + text": ({}, True),
    }
    for label, (params, with_users) in variants.items():
        t = time.perf_counter()
        model = registry.create("twotower", epochs=60, **params)
        if with_users:
            model.set_user_features(users)
        model.fit(parts.train, catalog=ds.catalog, valid=parts.valid)
        fit_s = time.perf_counter() - t
        res = evaluate(model, parts.train, parts.test, ks=(10,))
        light = res.n_train_items <= 30
        nd_light = float(res.per_user["ndcg@10"][light].mean())
        m = res.metrics
        print(f"{label:<34}{m['ndcg@10']:>9.4f}{m['recall@10']:>10.4f}{nd_light:>15.4f}{model.epochs_run_:>7}"
              f"{fit_s:>7.1f}", flush=True)
        rows.append(f"| coldstart_retail | ml-100k per-user 70/10/20 (seed 0) | twotower {label} | ndcg@10 "
                    f"{m['ndcg@10']:.4f}, recall@10 {m['recall@10']:.4f}; ndcg@10 of the {int(light.sum())} users "
                    f"with <= 30 train ratings {nd_light:.4f} | fit {fit_s:.0f} s, {model.epochs_run_} epochs |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="pop,ials,text,hybrid,twotower")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy 2-core box)")
    ap.add_argument("--skip-ml100k", action="store_true")
    ap.add_argument("--skip-retail", action="store_true")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    rows: list[str] = []
    if not args.skip_retail:
        run_retail([m.strip() for m in args.models.split(",") if m.strip()], rows)
    if not args.skip_ml100k:
        run_ml100k(rows)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
