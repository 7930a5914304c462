"""Our iALS and BPR against implicit 0.7.3 on the same ml-100k split, accuracy and time side by side.

implicit runs in its own virtual environment (bench/.venv-peers, created on first use with
``pip install implicit==0.7.3``) in a subprocess, with OPENBLAS_NUM_THREADS=1 and
``num_threads=--threads``; ours run in this process with ``torch.set_num_threads(--threads)``.
Both see the training split as a CSV of internal indices, so their factors score in the same
index space and go through the same ``engine.evaluate.evaluate`` (split and metrics as in
bench/recbole_protocol.py).

Matched settings: iALS with equal factors, iterations, regularisation, CG steps (3) and
confidence (implicit's confidence is ``alpha * r``, ours ``1 + alpha * r``: implicit gets
``alpha + 1`` on binary data); our iALS runs its full epochs without early stopping for the
timing. BPR: ours with its defaults (early stopping on valid) vs implicit's BPR at equal factors
with its default learning rate / regularisation and --bpr-iterations. Time = fit wall seconds,
best of --repeats alternating runs (the machine is shared).

    nice python bench/peers.py [--threads 1] [--repeats 3] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from recbole_protocol import load_split, test_metrics  # noqa: E402

VENV = REPO / "bench" / ".venv-peers"
RESULTS = REPO / "bench" / "RESULTS.md"
START, END = "<!-- peers-implicit:start -->", "<!-- peers-implicit:end -->"

PEER_SCRIPT = r"""
import json, os, sys, time
import numpy as np, scipy.sparse as sp
import implicit
from implicit.cpu.als import AlternatingLeastSquares
from implicit.cpu.bpr import BayesianPersonalizedRanking
cfg = json.load(open(sys.argv[1]))
u, i = np.loadtxt(cfg["train"], delimiter=",", dtype=np.int64, skiprows=1, ndmin=2).T
m = sp.csr_matrix((np.ones(len(u), np.float32), (u, i)), shape=(cfg["n_users"], cfg["n_items"]))
if cfg["kind"] == "als":
    model = AlternatingLeastSquares(factors=cfg["factors"], regularization=cfg["reg"], alpha=cfg["alpha"],
                                    iterations=cfg["iterations"], random_state=0, num_threads=cfg["threads"])
else:
    model = BayesianPersonalizedRanking(factors=cfg["factors"], iterations=cfg["iterations"], random_state=0,
                                        num_threads=cfg["threads"])
t = time.perf_counter()
model.fit(m, show_progress=False)
seconds = time.perf_counter() - t
np.save(cfg["out"] + "_users.npy", np.asarray(model.user_factors, np.float32))
np.save(cfg["out"] + "_items.npy", np.asarray(model.item_factors, np.float32))
print(json.dumps({"seconds": seconds, "version": implicit.__version__}))
"""


def ensure_venv() -> Path:
    """bench/.venv-peers/bin/python with implicit==0.7.3, created on first use."""
    py = VENV / "bin" / "python"
    if py.exists() and subprocess.run([str(py), "-c", "import implicit"], capture_output=True).returncode == 0:
        return py
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "implicit==0.7.3"], check=True)
    return py


def run_peer(py: Path, workdir: Path, cfg: dict) -> tuple[dict, np.ndarray, np.ndarray]:
    cfg_path = workdir / f"{cfg['kind']}.json"
    cfg["out"] = str(workdir / cfg["kind"])
    cfg_path.write_text(json.dumps(cfg))
    script = workdir / "peer.py"
    script.write_text(PEER_SCRIPT)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    res = subprocess.run([str(py), str(script), str(cfg_path)], capture_output=True, text=True, env=env, check=True)
    info = json.loads(res.stdout.strip().splitlines()[-1])
    return info, np.load(cfg["out"] + "_users.npy"), np.load(cfg["out"] + "_items.npy")


def as_model(train, users: np.ndarray, items: np.ndarray):
    """A fitted-looking IALS carrying foreign factors, so it scores through our evaluate."""
    from engine.models.ials import IALS
    m = IALS(factors=users.shape[1])
    m.user_ids_, m.item_ids_, m.seen_ = train.user_ids, train.item_ids, train.seen
    m.user_factors_, m.item_factors_ = users, items
    return m


def timed_fit(model, train, valid=None) -> float:
    t = time.perf_counter()
    model.fit(train, valid=valid)
    return time.perf_counter() - t


def fmt_row(r: dict) -> str:
    return (f"| {r['name']} | {r['rb_ndcg']:.4f} | {r['rb_recall']:.4f} | {r['ndcg']:.4f} | {r['recall']:.4f} | "
            f"{r['seconds']:.2f} | {r['note']} |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--bpr-iterations", type=int, default=100)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    import torch
    from engine.models.bpr import BPR
    from engine.models.ials import IALS
    torch.set_num_threads(args.threads)
    py = ensure_venv()
    train, valid, test = load_split()
    ours_ials = IALS(factors=args.factors, device="cpu")
    p = ours_ials.params
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seen = train.seen.tocoo()
        np.savetxt(tmp / "train.csv", np.c_[seen.row, seen.col], fmt="%d", delimiter=",", header="user,item",
                   comments="")
        base = {"train": str(tmp / "train.csv"), "n_users": train.n_users, "n_items": train.n_items,
                "factors": args.factors, "threads": args.threads}
        als_cfg = {**base, "kind": "als", "reg": p["reg"], "alpha": p["alpha"] + 1.0, "iterations": p["epochs"]}
        peer_t, ours_t = [], []
        for _ in range(args.repeats):                      # alternate: same load for both
            info, pu, pi = run_peer(py, tmp, dict(als_cfg))
            peer_t.append(info["seconds"])
            ours_t.append(timed_fit(ours_ials, train))
        peer = as_model(train, pu, pi)
        rows.append({"name": f"implicit {info['version']} ALS", "seconds": min(peer_t),
                     "note": f"factors {args.factors}, {p['epochs']} it, reg {p['reg']}, alpha {p['alpha'] + 1}",
                     **test_metrics(peer, train, valid, test)})
        rows.append({"name": "ours ials (same settings, no early stop)", "seconds": min(ours_t),
                     "note": f"factors {args.factors}, {p['epochs']} epochs, reg {p['reg']}, alpha {p['alpha']}",
                     **test_metrics(ours_ials, train, valid, test)})
        es = IALS(factors=args.factors, device="cpu")
        es_t = timed_fit(es, train, valid)
        rows.append({"name": "ours ials (defaults, early stop on valid)", "seconds": es_t,
                     "note": f"{es.epochs_run_} epochs incl. validation", **test_metrics(es, train, valid, test)})
        bpr_cfg = {**base, "kind": "bpr", "iterations": args.bpr_iterations}
        peer_t = []
        for _ in range(args.repeats):
            info, pu, pi = run_peer(py, tmp, dict(bpr_cfg))
            peer_t.append(info["seconds"])
        rows.append({"name": f"implicit {info['version']} BPR", "seconds": min(peer_t),
                     "note": f"factors {args.factors} (incl. bias), {args.bpr_iterations} it, lr 0.01, reg 0.01",
                     **test_metrics(as_model(train, pu, pi), train, valid, test)})
        bpr = BPR(factors=args.factors, device="cpu")
        bpr_t = timed_fit(bpr, train, valid)
        rows.append({"name": "ours bpr (defaults, early stop on valid)", "seconds": bpr_t,
                     "note": f"{bpr.epochs_run_} epochs incl. per-epoch validation", **test_metrics(bpr, train, valid, test)})
    header = ["| run | NDCG@10 (recbole mask) | Recall@10 (recbole mask) | NDCG@10 (ours) | Recall@10 (ours) "
              "| fit s | settings |", "|---|---|---|---|---|---|---|"]
    table = "\n".join(header + [fmt_row(r) for r in rows])
    ratio_acc = rows[1]["ndcg"] / rows[0]["ndcg"]
    ratio_time = rows[1]["seconds"] / rows[0]["seconds"]
    summary = (f"iALS ours/implicit at equal settings: NDCG@10 ratio {ratio_acc:.3f}, time ratio {ratio_time:.2f} "
               f"(threads {args.threads}, best of {args.repeats}).")
    print(table)
    print(summary)
    if not args.no_write:
        block = (f"{START}\nLast run {time.strftime('%Y-%m-%d')}: `nice python bench/peers.py "
                 f"{' '.join(argv if argv is not None else sys.argv[1:])}`\n\n{table}\n\n{summary}\n{END}")
        old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
        if START in old:
            new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, old, flags=re.S)
        else:
            new = old.rstrip() + "\n\n" + block + "\n"
        RESULTS.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
