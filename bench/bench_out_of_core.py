"""Out-of-core import: a generated order-line export of 100M rows through DuckDB, beside today's
in-memory reader on 10M rows of the same kind.

Writes (seeded, not committed; ``--dir``, default /tmp/recscope-ooc) order-line CSVs
``InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID`` with realistic id skew: customer
activity and item popularity follow power laws (1 / (rank + 50)^0.8 over ``--customers``,
1 / (rank + 10)^1.0 over ``--items``), each invoice is one customer's basket of 1-40 lines at one
time (dates rising over three years), 3 % of lines are returns (negative quantities), 1 % lack the
customer, codes are mixed text ("85123A") and numbers. Then imports each file in a child process
(``engine.data.open_dataset``, inference and all) and prints wall time and the child's peak RSS
(``ru_maxrss``, DuckDB included: it runs in the process):

    memory       10M rows   today's reader (pandas, the whole file in memory)
    out-of-core  10M rows   DuckDB, the same file
    out-of-core  100M rows  DuckDB

The run fails (exit 1) when an out-of-core import's peak RSS exceeds ``--limit-gb`` (24).

    nice python bench/bench_out_of_core.py                       # 10M + 100M (about 10 GB of disk)
    nice python bench/bench_out_of_core.py --rows 2000000 --big-rows 20000000   # quicker

Figures: bench/RESULTS.md, section "Out-of-core import".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from engine.data import open_dataset
t0 = time.perf_counter()
ds = open_dataset({path!r}, reader={reader!r})
seconds = time.perf_counter() - t0
inter = ds.interactions
print("RESULT " + json.dumps({{"seconds": seconds, "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                  "rows_read": ds.report.rows_read, "events": ds.report.rows_used, "entries": inter.n_events,
                  "pairs": int(inter.csr.nnz), "users": inter.n_users, "items": inter.n_items,
                  "user": ds.mapping.user, "item": ds.mapping.item, "value": ds.mapping.value,
                  "dropped": ds.report.dropped}}))
"""


def power_law_cdf(n: int, exponent: float, offset: float) -> np.ndarray:
    w = 1.0 / (np.arange(n) + offset) ** exponent
    return np.cumsum(w / w.sum())


def generate(path: Path, rows: int, customers: int, items: int, seed: int) -> None:
    """Write the order-line CSV in 2M-row chunks with pyarrow."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    rng = np.random.default_rng(seed)
    cust_cdf, item_cdf = power_law_cdf(customers, 0.8, 50.0), power_law_cdf(items, 1.0, 10.0)
    cust_ids = rng.permutation(customers) + 10_000
    codes = pa.array([f"{20_000 + k}{'ABCDE'[k % 5] if k % 3 == 0 else ''}" for k in rng.permutation(items)])
    prices = np.round(rng.lognormal(1.0, 0.8, items), 2)
    t0, span = np.datetime64("2022-01-01T00:00:00", "s"), 3 * 365 * 86400
    schema = pa.schema([("InvoiceNo", pa.int64()), ("StockCode", pa.string()), ("Quantity", pa.int64()),
                        ("InvoiceDate", pa.string()), ("UnitPrice", pa.float64()), ("CustomerID", pa.int64())])
    chunk, invoice = 2_000_000, 1_000_000
    with pacsv.CSVWriter(str(path), schema) as writer:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            sizes = rng.integers(1, 41, n // 10 + 2)
            sizes = sizes[:np.searchsorted(np.cumsum(sizes), n) + 1]
            basket = np.repeat(np.arange(len(sizes)), sizes)[:n]
            cust = cust_ids[np.minimum(np.searchsorted(cust_cdf, rng.random(len(sizes))), customers - 1)][basket]
            item = np.minimum(np.searchsorted(item_cdf, rng.random(n)), items - 1)
            qty = rng.integers(1, 13, n) * np.where(rng.random(n) < 0.03, -1, 1)
            when = t0 + ((start + np.arange(n)) * (span / rows)).astype("timedelta64[s]")
            when = when[np.r_[0, np.flatnonzero(np.diff(basket)) + 1][basket]]   # one time per invoice
            missing = rng.random(len(sizes))[basket] < 0.01
            table = pa.table({
                "InvoiceNo": pa.array(invoice + basket), "StockCode": codes.take(pa.array(item)),
                "Quantity": pa.array(qty), "InvoiceDate": pa.array(when.astype("datetime64[s]")).cast(pa.string()),
                "UnitPrice": pa.array(prices[item]), "CustomerID": pa.array(cust, mask=missing)}, schema=schema)
            writer.write_table(table)
            invoice += len(sizes)


def run(path: Path, reader: str) -> dict:
    code = CHILD.format(repo=str(REPO), path=str(path), reader=reader)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{reader} import of {path.name} failed:\n{proc.stderr[-2000:]}")
    out = json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1][len("RESULT "):])
    out["wall"] = time.perf_counter() - t0
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--big-rows", type=int, default=100_000_000)
    ap.add_argument("--customers", type=int, default=2_000_000)
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--dir", default="/tmp/recscope-ooc")
    ap.add_argument("--limit-gb", type=float, default=24.0)
    ap.add_argument("--skip-memory", action="store_true", help="leave out today's reader")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for rows in (args.rows, args.big_rows):
        path = folder / f"orders_{rows // 1_000_000}M.csv"
        if not path.exists():
            t0 = time.perf_counter()
            generate(path, rows, args.customers, args.items, args.seed)
            print(f"wrote {path} ({path.stat().st_size / 2**30:.2f} GiB) in {time.perf_counter() - t0:.0f} s",
                  flush=True)
        files[rows] = path
    plan = ([] if args.skip_memory else [("memory", args.rows)]) + [("out-of-core", args.rows),
                                                                     ("out-of-core", args.big_rows)]
    print(f"{'reader':<12} {'rows':>12} {'file GiB':>9} {'seconds':>8} {'peak RSS GB':>12} {'pairs':>12} "
          f"{'users':>10} {'items':>8}")
    results, failed = [], False
    for reader, rows in plan:
        path = files[rows]
        r = run(path, reader)
        r.update(reader=reader, rows=rows, file_gib=path.stat().st_size / 2**30)
        results.append(r)
        print(f"{reader:<12} {r['rows_read']:>12,} {r['file_gib']:>9.2f} {r['seconds']:>8.1f} {r['peak_gb']:>12.2f} "
              f"{r['pairs']:>12,} {r['users']:>10,} {r['items']:>8,}", flush=True)
        failed |= reader == "out-of-core" and r["peak_gb"] > args.limit_gb
    if not args.skip_memory:
        mem, ooc = results[0], results[1]
        same = all(mem[k] == ooc[k] for k in ("rows_read", "events", "pairs", "users", "items", "dropped"))
        print(f"10M rows: out-of-core / memory: time {ooc['seconds'] / mem['seconds']:.2f}x, "
              f"peak RSS {ooc['peak_gb'] / mem['peak_gb']:.2f}x; same counts: {same}")
    print(json.dumps(results, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
