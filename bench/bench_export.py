"""Export all lists on a big catalog: customers per second and peak memory of
``engine.lists.export.export_lists`` against the reference it replaced (512 customers scored at a
time over the whole catalog, the previous np.partition top-K, pandas CSV), side by side, each in
its own process (peak RSS is per process).

The model is an iALS-shaped factor model with random factors (what matters is its size: the
export scores every customer against every item); the catalog has a title per item.

    nice python bench/bench_export.py [--items 1000000] [--users 2000] [--factors 64]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, scipy.sparse as sp
from engine.data.catalog import ItemCatalog
from engine.models.ials import IALS

which, n_items, n_users, f = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(0)
model = IALS(factors=f)
model.user_ids_ = np.arange(n_users, dtype=np.int64)
model.item_ids_ = np.arange(n_items, dtype=np.int64)
rows = np.repeat(np.arange(n_users), 20)
model.seen_ = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, rng.integers(0, n_items, len(rows)))),
                            shape=(n_users, n_items))
model.user_factors_ = rng.standard_normal((n_users, f), dtype=np.float32)
model.item_factors_ = rng.standard_normal((n_items, f), dtype=np.float32)
catalog = ItemCatalog(pd.DataFrame({"title": [f"Item number {i}" for i in range(n_items)]},
                                   index=pd.Index(np.arange(n_items), name="item")), {"title": "title"})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = Path(tempfile.mkdtemp()) / "lists.csv"
t0 = time.perf_counter()
if which == "new":
    from engine.lists.export import export_lists
    export_lists(model, out, 10, catalog)
else:  # the reference: the previous Inspector export (512 customers per batch over the whole catalog)
    from engine.lists.inspector import item_fields       # with the previous top-K (np.partition copies)
    from engine.models import ranking
    ranking._topk_fast = ranking._topk_exact
    fields = item_fields(catalog, list(model.item_ids_))
    for start in range(0, n_users, 512):
        batch = np.arange(start, min(start + 512, n_users))
        items, scores = model.recommend(batch, 10)
        r, c = np.nonzero(items >= 0)
        frame = pd.concat([pd.DataFrame({"user": model.user_ids_[batch[r]], "rank": c + 1}),
                           fields.iloc[items[r, c]].reset_index(drop=True)], axis=1)
        frame["score"] = scores[r, c].astype(np.float64)
        frame.to_csv(out, mode="w" if start == 0 else "a", header=start == 0, index=False)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"which": which, "seconds": seconds, "customers_per_s": n_users / seconds,
                  "peak_rss_mb": peak / 1024, "rss_before_mb": base / 1024}))
"""


def run(which: str, args) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, which, str(args.items), str(args.users), str(args.factors)],
                         capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "",
                                                                         "OMP_NUM_THREADS": "1"})
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--factors", type=int, default=64)
    args = ap.parse_args()
    t0 = time.time()
    ref, new = run("reference", args), run("new", args)
    print(f"{args.items:,} items, {args.users:,} customers, {args.factors} factors, top 10 "
          f"({time.strftime('%Y-%m-%d')}, {time.time() - t0:.0f}s)")
    for r in (ref, new):
        print(f"  {r['which']:<9} {r['customers_per_s']:8.1f} customers/s  peak RSS {r['peak_rss_mb']:7.0f} MB "
              f"(before the export {r['rss_before_mb']:.0f} MB)")
    print(f"  ratio new/reference: speed x{new['customers_per_s'] / ref['customers_per_s']:.2f}, "
          f"peak RSS above the start x{(new['peak_rss_mb'] - new['rss_before_mb']) / max(ref['peak_rss_mb'] - ref['rss_before_mb'], 1):.3f}")
    print(f"  max RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
