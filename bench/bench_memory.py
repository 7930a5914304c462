"""Memory formulas against measurements: each model's ``memory_bytes`` estimate (the one its fit
checks against free memory; docs/SCALING.md) beside the peak RSS its fit adds, measured in a child
process per model (VmHWM after a reset, minus the RSS with the data loaded).

    nice python bench/bench_memory.py                      # the sizes below
    nice python bench/bench_memory.py --scale 0.25         # smaller

Figures: bench/RESULTS.md, section "Memory formulas".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: model -> (users, items, pairs, params)
CASES = {"ease": (20_000, 6_000, 400_000, {}),
         "itemknn": (100_000, 40_000, 2_000_000, {"k": 100}),
         "ials": (400_000, 40_000, 4_000_000, {"factors": 64, "epochs": 1, "valid_frac": 0.0, "device": "cpu"}),
         "bpr": (400_000, 40_000, 4_000_000, {"factors": 64, "epochs": 1, "valid_frac": 0.0, "device": "cpu",
                                              "batch_size": 65536}),
         "twotower": (400_000, 40_000, 4_000_000, {"factors": 64, "epochs": 1, "valid_frac": 0.0, "device": "cpu",
                                                   "batch_size": 65536, "negatives": 256, "text": False}),
         "sasrec": (20_000, 40_000, 1_000_000, {"hidden": 64, "blocks": 1, "max_len": 50, "epochs": 1,
                                                "valid_frac": 0.0, "device": "cpu", "batch_size": 32})}

CHILD = r"""
import json, sys
sys.path.insert(0, {repo!r})
import numpy as np
from engine.data.interactions import Interactions
from engine.models import registry

def kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
rng = np.random.default_rng(0)
n_users, n_items, n = {users}, {items}, {pairs}
p = 1.0 / (np.arange(n_items) + 10.0)
inter = Interactions.from_arrays(rng.integers(0, n_users, n), rng.choice(n_items, n, p=p / p.sum()),
                                 timestamps=np.arange(n))
model = registry.get({name!r})(**{params!r})
seen = inter.seen
estimate = model.memory_bytes(inter.n_users, inter.n_items, seen.nnz)
base = kb("VmRSS")
open("/proc/self/clear_refs", "w").write("5")
model.fit(inter)
print("RESULT " + json.dumps({{"users": inter.n_users, "items": inter.n_items, "pairs": int(seen.nnz),
                              "estimate": estimate, "measured": kb("VmHWM") - base}}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--models", nargs="*", default=list(CASES))
    args = ap.parse_args()
    print(f"{'model':<10} {'users':>9} {'items':>7} {'pairs':>10} {'estimate MiB':>13} {'measured MiB':>13} {'ratio':>6}")
    rows = []
    for name in args.models:
        users, items, pairs, params = CASES[name]
        s = args.scale
        code = CHILD.format(repo=str(REPO), name=name, params=params, users=int(users * s),
                            items=int(items * (s if name != "ease" else s ** 0.5)), pairs=int(pairs * s))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-1500:]}")
            continue
        r = json.loads([ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")][-1][7:])
        r["model"] = name
        rows.append(r)
        print(f"{name:<10} {r['users']:>9,} {r['items']:>7,} {r['pairs']:>10,} {r['estimate'] / 2**20:>13.0f} "
              f"{r['measured'] / 2**20:>13.0f} {r['measured'] / max(r['estimate'], 1):>6.2f}", flush=True)
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
