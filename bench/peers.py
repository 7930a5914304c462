"""RecScope's EASE, iALS, ItemKNN and BPR against implicit, LensKit and Cornac at equal settings:
fit time and accuracy side by side, every system's top-10 lists scored by ``engine.evaluate``.

Data: ml-100k (u.data) and ml-1m (rating pairs) from ../shared/data, all ratings as binary events,
per-user random 80/20 split (``engine.data.splits.split``, seed 0). Each system fits in its own
subprocess on the same train matrix (a CSV of internal indices): peers in bench/.venv-peers (made
by ``make bench-peers-venv``) through bench/peer_fit.py, RecScope through this file's ``--ours-fit``
with the shared interpreter and ``--ours-root`` on its path (default this checkout; another
checkout, e.g. ``main``, gives the "before" rows; ``--before-root`` times one in the same run). Every system gets the same thread count: the
``--threads`` given, else RecScope's own default policy (``engine.machine.threads``), which
is what a user gets; peers see it as OMP/OPENBLAS/MKL/NUMBA threads and their num_threads. Fit time
= wall seconds of the fit call alone, best of ``--repeats`` runs alternating between systems (the
machine is shared: ratios, not seconds, are the result). ``uptime`` is printed with the table.
A peer's compiled code is loaded when it is imported, before its fit is timed; RecScope's lazy
imports and numba kernels load in ``engine.models.warm.warm_up`` (what the app does at start-up),
also before the fit is timed, and the "load s" column shows what that one-time step took in that
process (an older checkout without it fits one epoch on 50 users instead).

    make bench-peers-venv
    nice python bench/peers.py [--data ml-100k ml-1m] [--models ease ials itemknn bpr] [--repeats 2]
                               [--before-root /path/to/main-checkout] [--no-write]

The table lands between markers in bench/RESULTS.md; rows of another ``--code`` label are kept.
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
VENV = REPO / "bench" / ".venv-peers"
RESULTS = REPO / "bench" / "RESULTS.md"
DATA = REPO.parent / "shared" / "data"
START, END = "<!-- peers:start -->", "<!-- peers:end -->"
K = 10

#: Equal settings per model: RecScope's parameters and each peer's translation of them.
#: iALS: RecScope's confidence is 1 + alpha*r, implicit's alpha*r and LensKit's 1 + weight*r.
SETTINGS = {
    "ease": {"ours": {"l2": 500.0}, "lenskit": {"l2": 500.0}, "cornac": {"l2": 500.0}},
    "ials": {"ours": {"factors": 64, "epochs": 15, "reg": 50.0, "alpha": 5.0, "valid_frac": 0.0},
             "implicit": {"factors": 64, "epochs": 15, "reg": 50.0, "alpha": 6.0},
             "lenskit": {"factors": 64, "epochs": 15, "reg": 50.0, "alpha": 5.0}},
    "itemknn": {"ours": {"k": 100, "shrink": 10.0}, "implicit": {"k": 100}},
    # BPR: RecScope and LensKit train mini-batches with Adam (equal batch, lr and epochs); implicit
    # and Cornac run per-sample SGD, which needs many more epochs: their own 100 / lr 0.01.
    "bpr": {"ours": {"factors": 64, "epochs": 20, "batch_size": 8192, "lr": 0.01, "valid_frac": 0.0},
            "implicit": {"factors": 64, "epochs": 100, "lr": 0.01, "reg": 0.01},
            "lenskit": {"factors": 64, "epochs": 20, "lr": 0.01, "reg": 0.01, "batch_size": 8192},
            "cornac": {"factors": 64, "epochs": 100, "lr": 0.01, "reg": 0.01}},
}


def load(name: str):
    """(train, test) Interactions of ml-100k or ml-1m, per-user random 80/20 (seed 0)."""
    import pandas as pd
    from engine.data.interactions import Interactions
    from engine.data.splits import split
    if name == "ml-100k":
        df = pd.read_csv(DATA / "ml-100k" / "u.data", sep="\t", names=["user", "item", "r", "t"])
        users, items = df["user"].to_numpy(), df["item"].to_numpy()
    else:
        df = pd.read_parquet(DATA / "ml-1m" / "ratings_implicit_pairs.parquet")
        users, items = df["userID"].astype(int).to_numpy(), df["movieID"].astype(int).to_numpy()
    s = split(Interactions.from_arrays(users, items), "random", test_frac=0.2, seed=0)
    return s.train, s.test


class Lists:
    """Precomputed top-K lists (n_users, K) of one system, scored through ``engine.evaluate``."""

    name = "lists"

    def __init__(self, train, top: np.ndarray):
        self.user_ids_, self.item_ids_, self.top = train.user_ids, train.item_ids, top
        self.n_users, self.n_items = train.n_users, train.n_items

    def recommend(self, users, k=K, batch_size=0, exclude_seen=True):
        return self.top[users, :k], np.zeros((len(users), k), np.float32)


def warm(cls, params: dict, train) -> float:
    """Seconds to load what every process pays once before its first fit (lazy imports, compiled
    kernels): ``engine.models.warm.warm_up`` where the checkout has it, else (an older checkout)
    one epoch of the same model on the first 50 users."""
    t = time.perf_counter()
    try:
        from engine.models.warm import warm_up
    except ImportError:
        tiny = train.subset(train.user_idx < 50)
        cls(**{**params, **({"epochs": 1} if "epochs" in params else {})}).fit(tiny)
    else:
        warm_up()
    return time.perf_counter() - t


def ours_fit(cfg: dict) -> None:
    """Subprocess body: fit RecScope's model from ``cfg`` with the code on sys.path, write its lists."""
    import torch
    from threadpoolctl import threadpool_limits
    from engine.data.interactions import Interactions
    from engine.models import registry
    torch.set_num_threads(cfg["threads"])            # an older checkout has no thread policy of its own
    threadpool_limits(cfg["threads"])
    u, i = np.loadtxt(cfg["train"], delimiter=",", dtype=np.int64, skiprows=1, ndmin=2).T
    train = Interactions.from_arrays(u, i, user_ids=np.arange(cfg["n_users"]), item_ids=np.arange(cfg["n_items"]))
    cls = registry.get(cfg["model"])
    params = {k: v for k, v in cfg["params"].items() if k in cls.defaults}   # an older checkout lacks some
    if "device" in cls.defaults:
        params["device"] = "cpu"
    load = warm(cls, params, train)
    model = cls(**params)
    t = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - t
    top, _ = model.recommend(np.arange(cfg["n_users"]), k=K)
    np.save(cfg["out"], np.asarray(top, np.int64))
    print(json.dumps({"seconds": seconds, "version": "ours", "torch_threads": torch.get_num_threads(),
                      "epochs": getattr(model, "epochs_run_", None), "load": load}))


def run_one(system: str, model: str, params: dict, base: dict, work: Path, ours_root: Path, threads: int) -> dict:
    cfg = {**base, "system": system, "model": model, "threads": threads, "out": str(work / f"{system}-{model}.npy")}
    env = dict(os.environ)
    if system == "ours":
        cfg["params"] = params
        cmd = [sys.executable, str(Path(__file__).resolve()), "--ours-fit"]
        env["PYTHONPATH"] = str(ours_root)
        env["RECSCOPE_THREADS"] = str(threads)
    else:
        cfg.update(params)
        cmd = [str(VENV / "bin" / "python"), str(REPO / "bench" / "peer_fit.py")]
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "LK_NUM_THREADS", "LK_NUM_BACKEND_THREADS"):
            env[var] = str(threads)
    path = work / f"{system}-{model}.json"
    path.write_text(json.dumps(cfg))
    res = subprocess.run(cmd + [str(path)], capture_output=True, text=True, env=env, cwd=str(ours_root))
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1][:160]}
    info = json.loads(res.stdout.strip().splitlines()[-1])
    info["top"] = np.load(cfg["out"])
    return info


def settings_text(params: dict) -> str:
    return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in params.items()
                     if k != "valid_frac")


def table(rows: list[dict]) -> str:
    lines = ["| code | data | model | system | settings | fit s | fit ÷ fastest peer | NDCG@10 | Recall@10 | load s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['code']} | {r['data']} | {r['model']} | {r['system']} | — | — | — | — | "
                         f"failed: {r['error']} | |")
            continue
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}"
        load = "" if r.get("load") is None else f"{r['load']:.2f}"
        lines.append(f"| {r['code']} | {r['data']} | {r['model']} | {r['system']} | {r['settings']} | "
                     f"{r['seconds']:.2f} | {ratio} | {r['ndcg']:.4f} | {r['recall']:.4f} | {load} |")
    return "\n".join(lines)


def write(rows: list[dict], header: str, codes: set[str]) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    kept = []
    if START in old and END in old:
        block = old[old.index(START):old.index(END)]
        kept = [line for line in block.splitlines() if line.startswith("| ") and not line.startswith("| code ")
                and line.split("|")[1].strip() not in codes]
    lines = table(rows).splitlines()
    body = "\n".join(lines[:2] + sorted(kept + lines[2:], key=lambda s: [c.strip() for c in s.split("|")[2:5]]))
    block = f"{START}\n{header}\n\n{body}\n{END}"
    if START in old and END in old:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, old, flags=re.S)
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(new)


def main(argv=None) -> int:
    if argv is None and len(sys.argv) == 3 and sys.argv[1] == "--ours-fit":
        ours_fit(json.loads(Path(sys.argv[2]).read_text()))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="*", default=["ml-100k", "ml-1m"], choices=["ml-100k", "ml-1m"])
    ap.add_argument("--models", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    ap.add_argument("--systems", nargs="*", default=["ours", "implicit", "lenskit", "cornac"])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0, help="0: RecScope's default policy")
    ap.add_argument("--ours-root", default=str(REPO), help="checkout whose engine is timed as 'ours'")
    ap.add_argument("--code", default="after", help="label of the 'ours' code in the table")
    ap.add_argument("--before-root", help="another checkout timed in the same run as 'before' (e.g. main)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from engine.evaluate import evaluate
    threads = args.threads
    if not threads:
        from engine.machine.threads import default_threads
        threads = default_threads()
    if not (VENV / "bin" / "python").exists():
        print("bench/.venv-peers is missing: run `make bench-peers-venv`", file=sys.stderr)
        return 2
    rows = []
    for data in args.data:
        train, test = load(data)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            coo = train.seen.tocoo()
            np.savetxt(work / "train.csv", np.c_[coo.row, coo.col], fmt="%d", delimiter=",",
                       header="user,item", comments="")
            base = {"train": str(work / "train.csv"), "n_users": train.n_users, "n_items": train.n_items}
            for model in args.models:
                systems = [s for s in args.systems if s in SETTINGS[model]]
                if args.before_root:
                    systems.insert(0, "before")
                best: dict[str, dict] = {}
                for _ in range(args.repeats):                # alternate: the same load for everyone
                    for system in systems:
                        root = Path(args.before_root if system == "before" else args.ours_root)
                        info = run_one("ours" if system == "before" else system, model,
                                       SETTINGS[model]["ours" if system == "before" else system], base, work, root,
                                       threads)
                        if "error" in info or system not in best or info["seconds"] < best[system]["seconds"]:
                            best[system] = info
                peer_times = [v["seconds"] for s, v in best.items() if s not in ("ours", "before") and "error" not in v]
                for system in systems:
                    info = best[system]
                    ours = system in ("ours", "before")
                    row = {"code": "before" if system == "before" else args.code if ours else "peer", "data": data,
                           "model": model, "system": "RecScope" if ours else f"{system} {info.get('version', '')}"}
                    if "error" in info:
                        rows.append({**row, "error": info["error"]})
                        continue
                    m = evaluate(Lists(train, info["top"]), train, test, ks=(K,), diversity=False).metrics
                    row.update(settings=settings_text(SETTINGS[model]["ours" if ours else system]),
                               seconds=info["seconds"], ndcg=m[f"ndcg@{K}"], recall=m[f"recall@{K}"],
                               load=info.get("load"),
                               ratio=info["seconds"] / min(peer_times) if ours and peer_times else None)
                    rows.append(row)
                    print(table([row]).splitlines()[-1], flush=True)
    load_avg = os.getloadavg()
    text = table(rows)
    print(text)
    header = (f"Last run {time.strftime('%Y-%m-%d')}: `nice python bench/peers.py "
              f"{' '.join(argv if argv is not None else sys.argv[1:])}`; {threads} thread(s) for every system; "
              f"best of {args.repeats}; load average during the run {load_avg[0]:.2f} on {os.cpu_count()} cores "
              "(shared machine: compare ratios within one run).")
    print(header)
    if not args.no_write:
        write(rows, header, {r["code"] for r in rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
