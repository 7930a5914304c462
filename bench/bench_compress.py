"""Compression trade-offs, original and compressed models side by side in this process.

Part "ease": EASE (l2=500) on the MovieLens-1M implicit pairs (6,040 users x 3,706 items), per-user
random 80/20 split (``engine.data.splits.split``, seed 0); a sweep of int8 / top-k / magnitude
pruning / low-rank. Target: a version >= 4x smaller on disk with <= 2 % relative NDCG@10 loss.

Part "sasrec": SASRec (registry defaults: hidden 64, 2 blocks) on MovieLens-100k, per-user random
70/10/20 split (seed 0; early stopping on the 10 %), then int8 (tables + dynamic int8 linear layers)
and distillation to a 16-unit, 1-block student (early-stopped on the same validation split).
Targets: int8 embeddings >= 3.5x smaller with <= 1 % relative NDCG@10 loss; a student with <= 1/4
of the parameters keeping >= 95 % of the teacher's NDCG@10.

Each row: bytes on disk of the saved folder, parameters, peak RSS while scoring 1,000 users
(loaded from disk), ``recommend`` latency per 1,000 users (median of 5, alternating with the
original), NDCG@10 on the test split and its relative change (engine.compress.report).

    nice python bench/bench_compress.py [--part ease|sasrec|all] [--threads N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.compress import compress, pareto_points, sweep  # noqa: E402
from engine.data.interactions import Interactions  # noqa: E402
from engine.data.splits import split  # noqa: E402
from engine.models.ease import EASE  # noqa: E402
from engine.models.sasrec import SASRec  # noqa: E402

DATA = REPO.parent / "shared" / "data"
EASE_METHODS = ["int8", "topk:200", "topk:400+int8", "prune:0.9", "prune:0.95+int8", "lowrank:256"]


def row(r) -> str:
    nd_b, nd_a = r.metrics_before["ndcg@10"], r.metrics_after["ndcg@10"]
    emb = f"{r.embedding_ratio:.2f}x" if r.embedding_ratio else "—"
    return (f"| {r.method} | {r.model_after} | {r.size_bytes_after / 1e6:.2f} | {r.size_ratio:.2f}x | {emb} | "
            f"{r.params_after:,} ({r.params_ratio:.3f}) | {r.peak_memory_after / 1e6:.1f} | "
            f"{r.latency_ms_per_1k_after:.0f} | {nd_a:.4f} | {100 * (nd_a / nd_b - 1):+.2f} % |")


def header(r) -> str:
    return ("| method | model | MB on disk | smaller | embeddings smaller | parameters (after/before) | "
            "peak MB scoring | ms / 1k users | NDCG@10 | rel. change |\n|---|---|---|---|---|---|---|---|---|---|\n"
            f"| original | {r.model_before} | {r.size_bytes_before / 1e6:.2f} | 1x | — | {r.params_before:,} | "
            f"{r.peak_memory_before / 1e6:.1f} | {r.latency_ms_per_1k_before:.0f} | {r.metrics_before['ndcg@10']:.4f} | — |")


def ease_part() -> bool:
    df = pd.read_parquet(DATA / "ml-1m" / "ratings_implicit_pairs.parquet")
    inter = Interactions.from_arrays(df["userID"].to_numpy(), df["movieID"].to_numpy())
    parts = split(inter, "random", 0.2, seed=0)
    t0 = time.perf_counter()
    model = EASE(l2=500.0).fit(parts.train)
    print(f"ml-1m: {parts.train.n_users} users x {parts.train.n_items} items; EASE fit {time.perf_counter() - t0:.1f} s")
    reports = sweep(model, EASE_METHODS, train=parts.train, test=parts.test, ks=(10,))
    print(header(reports[0]))
    for r in reports:
        print(row(r))
    print("Pareto-optimal (size vs NDCG@10):",
          ", ".join(p["method"] for p in pareto_points(reports) if p["pareto"]))
    ok = [r.method for r in reports if r.size_ratio >= 4 and r.relative_change["ndcg@10"] >= -0.02]
    print(f"EASE >= 4x smaller with <= 2 % NDCG@10 loss: {', '.join(ok) or 'none'}")
    return bool(ok)


def sasrec_part() -> bool:
    df = pd.read_csv(DATA / "ml-100k" / "u.data", sep="\t", names=["user", "item", "rating", "timestamp"])
    inter = Interactions.from_frame(df, timestamp="timestamp")
    parts = split(inter, "random", 0.2, seed=0, valid_frac=0.1)
    t0 = time.perf_counter()
    teacher = SASRec().fit(parts.train, valid=parts.valid)
    print(f"ml-100k: SASRec fit {time.perf_counter() - t0:.1f} s, best epoch {teacher.history_.best_epoch}")
    results = []
    for method in ("int8", "distill:dim=16,layers=1"):
        t0 = time.perf_counter()
        res = compress(teacher, method, train=parts.train, test=parts.test, valid=parts.valid)
        print(f"  {method}: {time.perf_counter() - t0:.1f} s incl. measuring")
        results.append(res.report)
    print(header(results[0]))
    for r in results:
        print(row(r))
    q, d = results
    q_ok = q.embedding_ratio >= 3.5 and q.relative_change["ndcg@10"] >= -0.01
    d_keep = d.metrics_after["ndcg@10"] / d.metrics_before["ndcg@10"]
    d_ok = d.params_ratio <= 0.25 and d_keep >= 0.95
    print(f"int8: embeddings {q.embedding_ratio:.2f}x smaller, NDCG@10 {100 * q.relative_change['ndcg@10']:+.2f} % "
          f"-> {'PASS' if q_ok else 'FAIL'}")
    print(f"distill: {d.params_ratio:.3f} of the parameters, keeps {100 * d_keep:.1f} % of NDCG@10 "
          f"-> {'PASS' if d_ok else 'FAIL'}")
    return q_ok and d_ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["ease", "sasrec", "all"], default="all")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if not DATA.is_dir():
        print(f"{DATA}: not found", file=sys.stderr)
        return 2
    print(f"torch threads {torch.get_num_threads()}")
    ok = True
    if args.part in ("ease", "all"):
        ok &= ease_part()
    if args.part in ("sasrec", "all"):
        ok &= sasrec_part()
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
