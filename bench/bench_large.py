"""Large data: a 10-million-row interaction CSV through import, profile, split, BPR and ItemKNN.

Generates (seeded) ``--rows`` events over ``--users`` users and ``--items`` items with power-law
item popularity (Zipf-like, exponent 1.0 with offset 10) and power-law user activity (exponent
0.8), each with an epoch-second timestamp; writes them as ``user_id,item_id,timestamp`` CSV; then,
in ONE child process (the app holds all of it at once), runs the stages

    import (engine.data.open_dataset) -> profile -> split (random 80/20) -> BPR (1 epoch)
    -> ItemKNN (k neighbours) -> recommend (1,000 users with each model)

Per stage it prints wall time, the stage's peak RSS (VmHWM, reset before each stage through
/proc/self/clear_refs; the process's peak is the largest stage peak), plus the progress reports: how many, and
the longest gap between two of them (start and end of the stage count as reports). The run
fails (exit 1) when the overall peak RSS exceeds ``--limit-gb`` (8).

    nice python bench/bench_large.py                     # 10M rows, 500k users, 100k items
    nice python bench/bench_large.py --rows 200000 --users 20000 --items 5000   # quick check

Not part of the test suite. Figures: bench/RESULTS.md, section "Large data".
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# ---- data ---------------------------------------------------------------------------------------
def power_law(n: int, exponent: float, offset: float) -> np.ndarray:
    """(n,) probabilities ∝ 1 / (rank + offset)^exponent."""
    w = 1.0 / (np.arange(n) + offset) ** exponent
    return w / w.sum()


def generate(path: Path, rows: int, users: int, items: int, seed: int) -> dict:
    """Write the synthetic CSV in 1M-row chunks; returns its facts."""
    import pandas as pd
    rng = np.random.default_rng(seed)
    item_p = np.cumsum(power_law(items, 1.0, 10.0))
    user_p = np.cumsum(power_law(users, 0.8, 50.0))
    item_perm = rng.permutation(items) + 1      # popularity rank -> item id (ids 1..items)
    user_perm = rng.permutation(users) + 1
    t0, span = 1_500_000_000, 2 * 365 * 86400
    chunk = 1_000_000
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("user_id,item_id,timestamp\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            u = user_perm[np.minimum(np.searchsorted(user_p, rng.random(n)), users - 1)]
            i = item_perm[np.minimum(np.searchsorted(item_p, rng.random(n)), items - 1)]
            t = t0 + rng.integers(0, span, n)
            pd.DataFrame({"user_id": u, "item_id": i, "timestamp": t}).to_csv(fh, header=False, index=False)
    return {"rows": rows, "bytes": path.stat().st_size}


# ---- measurement ------------------------------------------------------------------------------
def _status_kb(key: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not permitted."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class Recorder:
    """Progress callback that keeps (time, fraction, message) of every report."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.times: list[float] = []
        self.last = ""

    def __call__(self, p) -> None:
        self.times.append(time.perf_counter())
        self.last = f"{p.stage}: {p.message}"

    def summary(self, end: float) -> tuple[int, float, str]:
        """(reports, longest gap in seconds, where it was)."""
        marks = [self.start, *self.times, end]
        gaps = np.diff(marks)
        i = int(np.argmax(gaps))
        return len(self.times), float(gaps[i]), f"after report {i}" if i else "before the first report"


def run_stages(path: str, knn_k: int, bpr_batch: int, threads: int, out: "mp.Queue") -> None:
    import torch
    torch.set_num_threads(threads)
    from engine.data import open_dataset
    from engine.data.profile import profile
    from engine.data.splits import split
    from engine.models.bpr import BPR
    from engine.models.itemknn import ItemKNN
    can_reset = reset_peak()
    state: dict = {}

    def stage(name: str, fn, takes_progress: bool = True):
        reset_peak()
        rec = Recorder()
        t0 = time.perf_counter()
        result = fn(rec) if takes_progress else fn(None)
        end = time.perf_counter()
        n, gap, where = rec.summary(end)
        row = {"stage": name, "seconds": round(end - t0, 2), "stage_peak_gb": round(_status_kb("VmHWM") / 2**20, 2),
               "rss_gb": round(_status_kb("VmRSS") / 2**20, 2),
               "progress_reports": n, "max_gap_s": round(gap, 2), "gap_at": where,
               "peak_reset": can_reset}
        out.put(row)
        return result

    ds = stage("import", lambda pr: open_dataset(path, progress=pr))
    inter = ds.interactions
    out.put({"info": f"{inter.n_events:,} events, {inter.n_users:,} users, {inter.n_items:,} items; "
                     f"mapping user={ds.mapping.user} item={ds.mapping.item} time={ds.mapping.timestamp}"})
    prof = stage("profile", lambda pr: profile(inter, progress=pr))
    out.put({"info": f"density {prof.density:.2e}, top-20% items hold {prof.top20_share:.0%} of events"})
    parts = stage("split", lambda pr: split(inter, method="random", test_frac=0.2, seed=0, progress=pr))
    del ds
    state["train"] = parts.train
    out.put({"info": f"train {parts.train.n_events:,} / test {parts.test.n_events:,} events"})
    bpr = stage("bpr fit (1 epoch)", lambda pr: BPR(epochs=1, batch_size=bpr_batch, device="cpu").fit(
        parts.train, progress=pr))
    knn = stage(f"itemknn fit (k={knn_k})", lambda pr: ItemKNN(k=knn_k).fit(parts.train, progress=pr))
    users = np.arange(min(1000, parts.train.n_users))
    stage("recommend 1,000 users x2", lambda pr: (bpr.recommend(users, 10), knn.recommend(users, 10)),
          takes_progress=False)
    out.put({"done": True})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--users", type=int, default=500_000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--knn-k", type=int, default=100)
    ap.add_argument("--bpr-batch", type=int, default=65536,
                    help="one epoch costs one dense Adam step over all user and item factors per batch")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit-gb", type=float, default=8.0)
    ap.add_argument("--data", help="CSV to use/keep (default: a temporary file, deleted afterwards)")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args(argv)

    import tempfile
    tmp = None if args.data else tempfile.TemporaryDirectory(prefix="recscope-large-")
    path = Path(args.data) if args.data else Path(tmp.name) / "interactions.csv"
    t0 = time.perf_counter()
    if not path.exists():
        facts = generate(path, args.rows, args.users, args.items, args.seed)
        print(f"generated {facts['rows']:,} rows ({facts['bytes'] / 2**20:,.0f} MiB) in "
              f"{time.perf_counter() - t0:.1f}s -> {path}", flush=True)
    else:
        print(f"using {path} ({path.stat().st_size / 2**20:,.0f} MiB)", flush=True)

    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    child = ctx.Process(target=run_stages, args=(str(path), args.knn_k, args.bpr_batch, args.threads, q))
    child.start()
    rows, peak, done = [], None, False
    while True:
        try:
            msg = q.get(timeout=5)
        except Exception:  # queue.Empty
            if not child.is_alive():
                break
            continue
        if "stage" in msg:
            rows.append(msg)
            peak = max(peak or 0.0, msg["stage_peak_gb"])
            msg["process_peak_gb"] = peak
            print(f"{msg['stage']:<26} {msg['seconds']:>8.1f}s  stage peak {msg['stage_peak_gb']:5.2f} GB  "
                  f"process peak {peak:5.2f} GB  progress {msg['progress_reports']:>5} reports, "
                  f"max gap {msg['max_gap_s']:.1f}s ({msg['gap_at']})", flush=True)
        elif "info" in msg:
            print(f"  {msg['info']}", flush=True)
        elif msg.get("done"):
            done = True
            break
    child.join()
    if not done:
        print(f"the stage process died (exit code {child.exitcode})", file=sys.stderr)
        return 1
    print(f"overall peak RSS {peak:.2f} GB (limit {args.limit_gb:.0f} GB); total {time.perf_counter() - t0:.0f}s")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "rows": rows, "peak_gb": peak}, indent=2))
    if tmp:
        tmp.cleanup()
    return 0 if peak <= args.limit_gb else 1


if __name__ == "__main__":
    sys.exit(main())
