"""Every registered model on ml-100k under RecBole's general-recommendation protocol.

Protocol (RecBole quick-start, ACCURACY-ANCHORS.md E.1): all 100,000 ratings as implicit events,
per-user random 80/10/10 train/valid/test (``engine.data.splits.split``, seed 0), full ranking,
early stopping on valid, metrics on test at K=10. Two test figures per model:

- ours: the protocol of docs/ARCHITECTURE.md (only the user's training items are excluded from the ranking);
- recbole: RecBole's full-sort rule, which also excludes the user's validation items at test time
  (its test "history" is train + valid). This is the column to compare with RecBole's published
  BPR NDCG@10 0.2920 / Recall@10 0.2523.

Models with the "text" or "item_features" capability also get the ml-100k movie catalog (u.item).
Each model is built with its registry defaults (``--param name=key=value`` overrides). The table
is printed and written between markers in bench/RESULTS.md.

    nice python bench/recbole_protocol.py [--models bpr ials] [--threads 2] [--no-write]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.data.interactions import Interactions, index_of  # noqa: E402
from engine.data.splits import split  # noqa: E402
from engine.errors import EngineError  # noqa: E402
from engine.evaluate import evaluate  # noqa: E402
from engine.models import registry  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "ml-100k" / "u.data"
RESULTS = REPO / "bench" / "RESULTS.md"
START, END = "<!-- recbole-protocol:start -->", "<!-- recbole-protocol:end -->"


def load_split(seed: int = 0, path: Path = DATA):
    """RecBole-style split of ml-100k: (train, valid, test) Interactions, binary events."""
    df = pd.read_csv(path, sep="\t", names=["user", "item", "rating", "timestamp"])
    inter = Interactions.from_arrays(df["user"].to_numpy(), df["item"].to_numpy())
    s = split(inter, "random", test_frac=0.1, valid_frac=0.1, seed=seed)
    return s.train, s.valid, s.test


def seen_with(train: Interactions, extra: Interactions) -> sp.csr_matrix:
    """(n_users, n_items) binary: the user's train items plus ``extra``'s items, in train's index space."""
    u = index_of(extra.user_ids, train.user_ids)[extra.user_idx]
    i = index_of(extra.item_ids, train.item_ids)[extra.item_idx]
    keep = (u >= 0) & (i >= 0)
    more = sp.csr_matrix((np.ones(keep.sum(), np.float32), (u[keep], i[keep])), shape=train.seen.shape)
    out = (train.seen + more).tocsr()
    out.data[:] = 1.0
    return out


def test_metrics(model, train, valid, test) -> dict[str, float]:
    """ndcg/recall@10 by our protocol and with RecBole's masking of validation items."""
    ours = evaluate(model, train, test).metrics
    saved = model.seen_
    model.seen_ = seen_with(train, valid)
    try:
        rb = evaluate(model, train, test).metrics
    finally:
        model.seen_ = saved
    return {"ndcg": ours["ndcg@10"], "recall": ours["recall@10"],
            "rb_ndcg": rb["ndcg@10"], "rb_recall": rb["recall@10"]}


def run_model(name: str, params: dict, train, valid, test) -> dict:
    model = registry.create(name, **params)
    catalog = None
    if model.capabilities & {"text", "item_features"}:
        from engine.data.catalog import read_catalog
        catalog = read_catalog(DATA.parent / "u.item")
    t0 = time.perf_counter()
    model.fit(train, valid=valid, catalog=catalog)
    seconds = time.perf_counter() - t0
    row = {"model": name, "seconds": seconds, "epochs": getattr(model, "epochs_run_", None),
           "device": getattr(model, "device_", "cpu")}
    row.update(test_metrics(model, train, valid, test))
    return row


def table(rows: list[dict]) -> str:
    lines = ["| model | NDCG@10 (recbole mask) | Recall@10 (recbole mask) | NDCG@10 (ours) | Recall@10 (ours) "
             "| fit s | epochs | device |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['model']} | — | — | — | — | — | — | skipped: {r['error']} |")
            continue
        lines.append(f"| {r['model']} | {r['rb_ndcg']:.4f} | {r['rb_recall']:.4f} | {r['ndcg']:.4f} | "
                     f"{r['recall']:.4f} | {r['seconds']:.1f} | {r['epochs'] if r['epochs'] is not None else '—'} "
                     f"| {r['device']} |")
    return "\n".join(lines)


def write_results(header: str, rows: list[dict]) -> None:
    """Replace the marked block of RESULTS.md; rows of models not re-run this time are kept."""
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    kept = []
    if START in old and END in old:
        previous = old[old.index(START):old.index(END)]
        names = {r["model"] for r in rows}
        kept = [line for line in previous.splitlines()[1:]
                if line.startswith("| ") and not line.startswith(("| model ", "|---"))
                and line.split("|")[1].strip() not in names]
    lines = table(rows).splitlines()
    block = f"{START}\n{header}\n\n" + "\n".join(lines[:2] + sorted(kept + lines[2:])) + f"\n{END}"
    if START in old and END in old:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, old, flags=re.S)
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(new)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", help="registry names (default: every registered model)")
    ap.add_argument("--param", action="append", default=[], help="model=key=value override")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} not found", file=sys.stderr)
        return 2
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    overrides: dict[str, dict] = {}
    for item in args.param:
        name, key, value = item.split("=", 2)
        overrides.setdefault(name, {})[key] = value
    train, valid, test = load_split(args.seed)
    print(f"ml-100k: train {train.n_events}, valid {valid.n_events}, test {test.n_events} events; "
          f"{train.n_users} users x {train.n_items} items; torch threads {torch.get_num_threads()}")
    rows = []
    for name in args.models or registry.available():
        try:
            row = run_model(name, overrides.get(name, {}), train, valid, test)
        except EngineError as e:
            row = {"model": name, "error": str(e)}
        print(row, flush=True)
        rows.append(row)
    text = table(rows)
    print(text)
    if not args.no_write:
        stamp = time.strftime("%Y-%m-%d")
        write_results(f"Each row is its model's latest run; latest command ({stamp}): `nice python bench/recbole_protocol.py "
                      f"{' '.join(argv if argv is not None else sys.argv[1:])}` (torch threads "
                      f"{torch.get_num_threads()}, registry defaults unless a --param is shown).", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
