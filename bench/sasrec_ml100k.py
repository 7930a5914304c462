"""SASRec vs MostPopular vs BPR on MovieLens-100k, leave-last-out, full ranking.

Protocol: every rating is an implicit event; each user's events in time order (ties in file
order); the last event is test, the second-to-last validation (``engine.data.splits.split``
"leave-last" applied twice). Stage 1 fits on train with early stopping on validation NDCG@10;
stage 2 refits on train + validation for the best epoch count (no validation), so the sequence
model reads the validation item as the latest history item; ``engine.evaluate.evaluate`` then
ranks all training items for every test user (seen items excluded). Prints NDCG@10 / Recall@10
(= Hit@10, one test item per user) and the training times of both stages, the time from a cancel
to the fit returning, and the machine's load and float32 matmul rate.

    nice python bench/sasrec_ml100k.py [--data PATH] [--models pop,bpr,sasrec] [--sasrec JSON]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.data.interactions import Interactions  # noqa: E402
from engine.data.splits import split  # noqa: E402
from engine.evaluate import evaluate  # noqa: E402
from engine.models import registry  # noqa: E402
from engine.progress import CancelToken  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "ml-100k" / "u.data"
#: Stage-1 parameters (epochs are the early-stopping cap).
PARAMS = {"pop": {}, "bpr": {"device": "cpu"}, "sasrec": {"device": "cpu"}}


def matmul_gflops(n: int = 1024, repeat: int = 5) -> float:
    a = torch.randn(n, n)
    best = min(_timed(lambda: a @ a)[0] for _ in range(repeat))
    return 2 * n**3 / best / 1e9


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run(name: str, params: dict, train, valid, trainval, test) -> dict:
    """Stage 1 (early stopping) + stage 2 (refit for the best epoch count) -> metrics and times."""
    cls = registry.get(name)
    t1, model = _timed(lambda: cls(**params).fit(train, valid=valid))
    history = getattr(model, "history_", None)
    row = {"model": name, "stage1_s": t1, "stage2_s": 0.0, "epochs": None}
    if history is not None and history.best_epoch is not None:
        row["epochs"] = history.best_epoch
        row["valid_ndcg@10"] = history.best_metrics["ndcg@10"]
        refit = {**params, "epochs": history.best_epoch, "patience": 0}
        row["stage2_s"], model = _timed(lambda: cls(**refit).fit(trainval))
    else:
        model = cls(**params).fit(trainval)
    result = evaluate(model, trainval, test, ks=(10,))
    row.update(ndcg=result.metrics["ndcg@10"], recall=result.metrics["recall@10"], users=result.n_users_evaluated)
    return row


def cancel_latency(name: str, params: dict, train) -> tuple[float, str]:
    """Seconds from CancelToken.cancel() (first in-epoch progress report) to fit() returning."""
    token, when = CancelToken(), []

    def progress(p):
        if "batch" in p.metrics and not when:
            when.append(time.perf_counter())
            token.cancel()

    model = registry.get(name)(**{**params, "epochs": 50}).fit(train, progress=progress, cancel=token)
    done = time.perf_counter()
    finite = bool(np.isfinite(model.score(np.arange(10))).all())
    return done - when[0], f"stopped={model.history_.stopped}, scores finite={finite}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--models", default="pop,bpr,sasrec")
    ap.add_argument("--sasrec", default="{}", help="extra SASRec parameters as JSON")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"{args.data}: not found", file=sys.stderr)
        return 2
    df = pd.read_csv(args.data, sep="\t", names=["user", "item", "rating", "timestamp"])
    inter = Interactions.from_frame(df, value="rating", timestamp="timestamp")
    outer = split(inter, "leave-last")
    trainval, test = outer.train, outer.test
    inner = split(trainval, "leave-last")
    train, valid = inner.train, inner.test
    params = {k: dict(v) for k, v in PARAMS.items()}
    params["sasrec"].update(json.loads(args.sasrec))
    names = [n for n in args.models.split(",") if n]
    print(f"ml-100k: {inter.n_users} users x {inter.n_items} items, {inter.n_events} events; "
          f"train {train.n_events} / valid {valid.n_events} / test {test.n_events}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, float32 matmul {matmul_gflops():.0f} GFLOP/s")
    rows = []
    for name in names:
        if name not in registry.available():
            print(f"{name}: not registered, skipped")
            continue
        row = run(name, params[name], train, valid, trainval, test)
        rows.append(row)
        print(f"{name:7s} NDCG@10 {row['ndcg']:.4f}  Recall@10 {row['recall']:.4f}  "
              f"best epoch {row['epochs']}  valid NDCG@10 {row.get('valid_ndcg@10', float('nan')):.4f}  "
              f"train {row['stage1_s']:.1f} s + refit {row['stage2_s']:.1f} s  "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)
    by = {r["model"]: r for r in rows}
    if "sasrec" in by:
        for base in ("pop", "bpr"):
            if base in by:
                print(f"sasrec / {base} NDCG@10: {by['sasrec']['ndcg'] / by[base]['ndcg']:.2f}x")
        total = by["sasrec"]["stage1_s"] + by["sasrec"]["stage2_s"]
        print(f"sasrec training {total:.1f} s in all (target < 600 s)")
        latency, state = cancel_latency("sasrec", params["sasrec"], train)
        print(f"sasrec cancel -> fit returned in {latency:.3f} s ({state})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
