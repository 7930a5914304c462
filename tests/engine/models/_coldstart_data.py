"""Shared real-data helpers of the cold-start model tests (a slice of the bundled Online Retail demo,
private embedding cache)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data.catalog import ItemCatalog
from engine.data.interactions import normalize_ids

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "online_retail_demo.csv"


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """Keep the embedding cache of these tests out of the user's cache folder (one folder per
    test session, shared by the modules, so a slice is embedded once)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RECSCOPE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "embcache"))
        yield


def retail_slice(n_customers: int = 60, seed: int = 0):
    """(events frame user/item/quantity/timestamp, ItemCatalog with Description as title) of a
    sample of the bundled Online Retail demo's customers with 5..25 distinct products (keeps the
    catalog to embed small)."""
    df = pd.read_csv(DEMO, usecols=["StockCode", "Description", "Quantity", "InvoiceDate", "CustomerID"],
                     dtype={"StockCode": str})
    df = df[df["CustomerID"].notna() & (df["Quantity"] > 0)]
    distinct = df.groupby("CustomerID")["StockCode"].nunique()
    customers = np.sort(distinct[(distinct >= 5) & (distinct <= 25)].index.to_numpy())
    pick = np.random.default_rng(seed).choice(customers, n_customers, replace=False)
    df = df[df["CustomerID"].isin(pick)]
    events = pd.DataFrame({"user": df["CustomerID"].astype(np.int64).to_numpy(),
                           "item": df["StockCode"].astype(str).to_numpy(),
                           "quantity": df["Quantity"].to_numpy(),
                           "timestamp": pd.to_datetime(df["InvoiceDate"]).astype("int64").to_numpy() // 10**9})
    desc = df.groupby(df["StockCode"].astype(str))["Description"].agg(lambda s: s.mode().iat[0] if s.notna().any() else None)
    frame = pd.DataFrame({"Description": desc})
    frame.index = pd.Index(normalize_ids(frame.index.to_numpy()), name="item")
    return events, ItemCatalog(frame, {"title": "Description"})
