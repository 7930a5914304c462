"""Explanation timings and faithfulness (deletion-test AOPC) per model on MovieLens-100k.

    python bench/bench_explain.py [--data ../shared/data/ml-100k/u.data] [--pairs 20] [--users 200]
                                  [--k 10] [--models ease,itemknn,ials,bpr,sasrec,twotower]

Split: 20 % of each user's ratings held out at random (seed 0). For each model: the time of one
``explain`` call per method (median and max over ``--pairs`` (user, top-1 item) pairs, CPU) and
``deletion_test`` over ``--users`` test users × their top ``--k`` items: AOPC per method and for
random deletion, per test (history items: "pairs"/"aopc"; two-tower input features zeroed:
"feature_pairs"/"feature_aopc"; features from SHAP's background: "shap_pairs"/"shap_aopc"; latent
factors zeroed: "factor_pairs"/"factor_aopc"; each with its own "random"). Prints one line per
model and method or test, then a JSON summary line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
PARAMS = {
    "ease": {},
    "itemknn": {},
    "ials": {},
    "bpr": {"epochs": 30, "lr": 5e-3, "device": "cpu"},
    "sasrec": {"epochs": 20, "device": "cpu"},
    "twotower": {"epochs": 10, "text": False, "device": "cpu"},
}


def main() -> None:
    from engine.data.catalog import read_catalog
    from engine.data.interactions import Interactions
    from engine.data.splits import split
    from engine.explain.api import explain, methods_for
    from engine.explain.faithfulness import deletion_test
    from engine.models import registry

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "ml-100k" / "u.data"))
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--users", type=int, default=200, help="test users of the deletion test (0: skip it)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--models", default=",".join(PARAMS))
    args = ap.parse_args()

    df = pd.read_csv(args.data, sep="\t", names=["user", "item", "rating", "timestamp"])
    parts = split(Interactions.from_frame(df, value="rating", timestamp="timestamp"), "random", 0.2, seed=0)
    catalog = read_catalog(Path(args.data).parent / "u.item")
    summary = {}
    for name in args.models.split(","):
        t0 = time.perf_counter()
        model = registry.create(name, **PARAMS[name]).fit(parts.train, catalog=catalog if name == "twotower" else None)
        fit_s = time.perf_counter() - t0
        users = np.random.default_rng(0).choice(model.n_users, args.pairs, replace=False)
        recs, _ = model.recommend(users, k=1)
        times = {}
        for method in methods_for(model):
            explain(model, model.user_ids_[users[0]], model.item_ids_[recs[0, 0]], method, k=args.k, catalog=catalog)
            spent = []
            for u, row in zip(users, recs):
                t = time.perf_counter()
                explain(model, model.user_ids_[u], model.item_ids_[row[0]], method, k=args.k, catalog=catalog)
                spent.append(time.perf_counter() - t)
            times[method] = {"median_ms": round(1000 * statistics.median(spent), 1), "max_ms": round(1000 * max(spent), 1)}
            print(f"{name:9s} {method:15s} median {times[method]['median_ms']:8.1f} ms   max {times[method]['max_ms']:8.1f} ms",
                  flush=True)
        summary[name] = {"params": PARAMS[name], "times": times}
        if args.users <= 0:
            continue
        t = time.perf_counter()
        faith = deletion_test(model, parts.test, users=args.users, k=args.k)
        eval_s = time.perf_counter() - t
        print(f"{name:9s} deletion tests {eval_s:.1f}s (fit {fit_s:.0f}s)", flush=True)
        summary[name].update(deletion_seconds=round(eval_s, 1))
        for key, (pairs, _, aopc) in faith.tests().items():
            aopc = {m: round(v, 4) for m, v in aopc.items()}
            prefix = "" if key == "history" else f"{key}_"
            print(f"{name:9s}   AOPC, {faith.TESTS[key]}, over {pairs} pairs: {aopc}", flush=True)
            summary[name].update({f"{prefix}pairs": pairs, f"{prefix}aopc": aopc})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
