"""Shared fixtures: the bundled Online Retail demo, a random 80/20 split, an ItemKNN model and a
catalog with a derived "category" column (last word of the Description: the data has none)."""

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"


@pytest.fixture(scope="package")
def retail():
    from engine.data import open_dataset
    from engine.data.catalog import ItemCatalog
    from engine.data.splits import split
    from engine.models.itemknn import ItemKNN
    ds = open_dataset(DEMO)
    parts = split(ds.interactions, "random", 0.2, seed=0)
    frame = ds.catalog.frame.copy()
    frame["category"] = frame["Description"].astype(str).str.strip().str.split().str[-1]
    catalog = ItemCatalog(frame, {**ds.catalog.roles, "category": "category"})
    model = ItemKNN().fit(parts.train)
    scores = model.score(np.arange(model.n_users))
    from engine.models.ranking import mask_seen
    mask_seen(scores, model.seen_, np.arange(model.n_users))
    from engine.evaluate import evaluate
    base10 = evaluate(model, parts.train, parts.test, ks=(10,)).metrics
    return {"train": parts.train, "test": parts.test, "catalog": catalog, "model": model, "scores": scores,
            "base10": base10}
