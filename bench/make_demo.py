"""Regenerate resources/demo/online_retail_demo.csv from UCI Online Retail (deterministic).

Selection: customers with >= 5 purchase lines (Quantity > 0) and at most MAX_ROWS lines in
all; 1,500 of them drawn with a fixed seed; all their rows (returns included) in the original
order and columns. Usage: python bench/make_demo.py [path/to/online_retail.parquet]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "online-retail" / "online_retail.parquet"
OUT = REPO / "resources" / "demo" / "online_retail_demo.csv"
N_CUSTOMERS, MIN_PURCHASES, MAX_ROWS, SEED = 1500, 5, 27, 20101201
COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
           "Country"]


def make(source: Path = SOURCE, out: Path = OUT) -> pd.DataFrame:
    df = pd.read_parquet(source, columns=COLUMNS)
    df = df[df["CustomerID"].notna()]
    rows = df.groupby("CustomerID").size()
    buys = df[df["Quantity"] > 0].groupby("CustomerID").size()
    eligible = np.sort(rows.index[(rows <= MAX_ROWS) & (buys.reindex(rows.index, fill_value=0) >= MIN_PURCHASES)]
                       .to_numpy())
    chosen = np.random.default_rng(SEED).choice(eligible, size=min(N_CUSTOMERS, len(eligible)), replace=False)
    demo = df[df["CustomerID"].isin(chosen)].copy()
    demo["CustomerID"] = demo["CustomerID"].astype("int64")
    out.parent.mkdir(parents=True, exist_ok=True)
    demo.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return demo


if __name__ == "__main__":
    demo = make(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
    print(f"{OUT.relative_to(REPO)}: {len(demo):,} rows, {demo['CustomerID'].nunique():,} customers, "
          f"{demo['StockCode'].nunique():,} items, {OUT.stat().st_size / 1e6:.2f} MB")
